// Every tokenizer on empty strings, emoji, mixed scripts, control and unassigned characters: no crash, and no
// loss wherever the tokenizer promises none.
import { describe, expect, it } from 'vitest';
import { TextVectorizer, trainBpe, trainWordPiece, WordTokenizer } from './index.js';
import { characterTokenize, jamoDetokenize, jamoTokenize, splitSentences, wordTokenize } from './index.js';

const SAMPLES = ['', ' ', '😀', '👨‍👩‍👧 family', '커피☕ café 東京 Москва العربية', 'a\u0000b\u0007c', '\u{10FFFD}\u{E0001}', 'ㅋㅋㅋ ㅠㅠ', '\uFDD0\u1100\u1161', 'x'.repeat(300)];

describe('edge cases across tokenizers', () => {
  it('character and jamo tokenizers lose nothing', () => {
    for (const s of SAMPLES) {
      expect(jamoDetokenize(jamoTokenize(s))).toBe(s);
      expect(characterTokenize(s, { whitespace: 'keep' }).join('')).toBe(s);
      expect(wordTokenize(s).join('')).toBe(s.replace(/\s/gu, ''));
      expect(() => splitSentences(s)).not.toThrow();
    }
  });

  it('byte-level BPE is lossless, WordPiece maps the unseen to [UNK] without crashing', () => {
    const bpe = trainBpe(SAMPLES, { vocabSize: 400, minFrequency: 1 });
    const wp = trainWordPiece(['커피 café family'], { vocabSize: 100, minFrequency: 1 });
    for (const s of SAMPLES) {
      expect(bpe.decode(bpe.encode(s).ids)).toBe(s);
      const { ids, tokens } = wp.encode(s);
      expect(ids).toHaveLength(tokens.length);
      expect(ids.every((i) => Number.isInteger(i))).toBe(true);
    }
    expect(wp.encode('😀 커피').tokens).toEqual(['[UNK]', '커피']);
  });

  it('Keras-style tokenizers accept every sample', () => {
    const tok = new WordTokenizer({ oovToken: '<OOV>' }).fitOnTexts(SAMPLES);
    const seqs = tok.textsToSequences(SAMPLES);
    expect(tok.sequencesToTexts(seqs).map((t) => t.replace(/ /g, ''))).toEqual(
      SAMPLES.map((s) => s.toLowerCase().replace(/[!"#$%&()*+,\-./:;<=>?@[\\\]^_`{|}~\t\n ]/g, '')),
    );
    const vec = new TextVectorizer({ outputSequenceLength: 3 }).adapt(SAMPLES);
    expect(vec.encode(SAMPLES).every((row) => row.length === 3)).toBe(true);
  });
});
