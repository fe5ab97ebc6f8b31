import { describe, expect, it } from 'vitest';
import { characterTokenize, graphemes, normalizeText, splitSentences, syllableTokenize, wordTokenize } from './text.js';

describe('Korean text tokenizers', () => {
  it('splits "커피 한잔 어때" into words, syllables and characters', () => {
    expect(wordTokenize('커피 한잔 어때')).toEqual(['커피', '한잔', '어때']);
    expect(syllableTokenize('커피 한잔 어때')).toEqual(['커', '피', '한', '잔', '어', '때']);
    expect(characterTokenize('커피 한잔', { whitespace: 'marker' })).toEqual(['커', '피', '▁', '한', '잔']);
    expect(characterTokenize('a  b', { whitespace: 'keep' })).toEqual(['a', ' ', ' ', 'b']);
  });

  it('keeps emoji sequences, punctuation and mixed scripts whole and loses nothing but whitespace', () => {
    const text = '커피☕ 어때? 👍🏽👨‍👩‍👧 OK, 東京 café!';
    expect(wordTokenize(text)).toEqual(['커피', '☕', '어때', '?', '👍🏽', '👨‍👩‍👧', 'OK', ',', '東京', 'café', '!']);
    expect(wordTokenize(text).join('')).toBe(text.replace(/\s/g, ''));
    expect(graphemes('👨‍👩‍👧')).toHaveLength(1);
    expect(wordTokenize('')).toEqual([]);
    expect(characterTokenize('')).toEqual([]);
  });

  it('splits sentences at terminal punctuation, line breaks, and optionally at Korean endings', () => {
    expect(splitSentences('오늘 날씨가 좋네요. 커피 한잔 어때? Sure! "Really?" he said.')).toEqual([
      '오늘 날씨가 좋네요.',
      '커피 한잔 어때?',
      'Sure!',
      '"Really?"',
      'he said.',
    ]);
    expect(splitSentences('Pi is 3.14 and J. Kim agrees. Ok')).toEqual(['Pi is 3.14 and J. Kim agrees.', 'Ok']);
    expect(splitSentences('첫 줄\n둘째 줄')).toEqual(['첫 줄', '둘째 줄']);
    expect(splitSentences('밥 먹었다 너는 먹었니', { koreanEndings: true })).toEqual(['밥 먹었다', '너는 먹었니']);
    expect(splitSentences('   ')).toEqual([]);
  });

  it('normalises Unicode form, case, whitespace, invisible characters and repeats', () => {
    const decomposed = '\u1112\u1161\u11ab'; // 한 as conjoining jamo
    expect(normalizeText(decomposed)).toBe('한');
    expect(normalizeText('한', { form: 'NFD' })).toBe(decomposed);
    expect(normalizeText('Ｃｏｆｆｅｅ  커피ㅋㅋㅋㅋ', { form: 'NFKC', lowercase: true, collapseWhitespace: true, maxRepeat: 2 })).toBe('coffee 커피ㅋㅋ');
    // Plain NFKC would turn typed ㅋ (U+314B) into the conjoining ᄏ (U+110F).
    expect('ㅋ'.normalize('NFKC')).toBe('\u110f');
    expect(normalizeText('ㅋㅋ', { form: 'NFKC', keepCompatibilityJamo: false })).toBe('\u110f\u110f');
    expect(normalizeText('a\u200bb\ufeff\n', { removeControl: true })).toBe('ab\n');
    expect(() => normalizeText('x', { form: 'NFX' as 'NFC' })).toThrow(/form/);
  });
});
