import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TextFormatError } from '../errors.js';
import { BpeTokenizer, trainBpe } from './bpe.js';
import { byteLevelPreTokenize } from './pre-tokenizers.js';

// Sennrich et al.'s example: low ×5, lower ×2, newest ×6, widest ×3.
const SENNRICH = [...Array(5).fill('low'), ...Array(2).fill('lower'), ...Array(6).fill('newest'), ...Array(3).fill('widest')].join(' ');

describe('trainBpe', () => {
  it('learns the hand-worked merge sequence (ties: the pair of earlier symbols)', () => {
    const bpe = trainBpe([SENNRICH], { byteLevel: false, minFrequency: 3, vocabSize: 1000 });
    // Worked by hand: e+s (9, ties s+t</w>), es+t</w> (9), l+o (7), e+w (6, ties n+e and w+est</w>), n+ew, new+est</w>,
    // lo+w</w> (5), then the widest chain d+est</w>, i+dest</w>, w+idest</w> (3); every other pair is seen twice.
    expect(bpe.model.merges).toEqual([
      ['e', 's'],
      ['es', 't</w>'],
      ['l', 'o'],
      ['e', 'w'],
      ['n', 'ew'],
      ['new', 'est</w>'],
      ['lo', 'w</w>'],
      ['d', 'est</w>'],
      ['i', 'dest</w>'],
      ['w', 'idest</w>'],
    ]);
    expect(bpe.tokenToId('<unk>')).toBe(0);
    expect(bpe.encode('lowest').tokens).toEqual(['lo', 'w', 'est</w>']);
    expect(bpe.encode('newest low').tokens).toEqual(['newest</w>', 'low</w>']);
    // 'x' was never seen: the unknown token, not a crash.
    expect(bpe.encode('lox').tokens).toEqual(['lo', '<unk>']);
    expect(bpe.decode(bpe.encode('lowest  newest').ids)).toBe('lowest newest');
  });

  it('stops at vocabSize, specials included', () => {
    // Alphabet: d e i l n o r s t w, each also word-final (+ </w>): 20 symbols.
    const bpe = trainBpe([SENNRICH], { byteLevel: false, minFrequency: 1, vocabSize: 25, specialTokens: ['<unk>', '<pad>'] });
    expect(bpe.vocabSize).toBe(25);
    expect(bpe.model.merges).toHaveLength(25 - 2 - 20);
  });

  it('byte-level: decode(encode(x)) === x for any text (property)', () => {
    const bpe = trainBpe(['커피 한잔 어때? coffee, 😀 naïve 東京', 'low lower lowest 커피 커피'], { vocabSize: 300, minFrequency: 1, specialTokens: ['<|endoftext|>'] });
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (s) => {
        expect(bpe.decode(bpe.encode(s).ids)).toBe(s);
      }),
      { numRuns: 400, seed: 3 },
    );
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 30 }), (s) => {
        expect(bpe.decode(bpe.encode(s).ids)).toBe(s);
      }),
      { numRuns: 200, seed: 4 },
    );
    expect(bpe.encode('').ids).toEqual([]);
    const withSpecial = bpe.encode('a<|endoftext|>b');
    expect(withSpecial.tokens).toEqual(['a', '<|endoftext|>', 'b']);
    expect(bpe.decode(withSpecial.ids, { skipSpecialTokens: true })).toBe('ab');
  });

  it('character mode: decode(encode(x)) equals the words of x joined by one space when all characters are known (property)', () => {
    const alphabet = 'abcdeklmnorstw커피한잔';
    const text = fc.array(fc.string({ unit: fc.constantFrom(...alphabet), minLength: 1, maxLength: 8 }), { maxLength: 8 }).map((ws) => ws.join('  '));
    const bpe = trainBpe([SENNRICH, alphabet.split('').join(' '), '커피 한잔'], { byteLevel: false, vocabSize: 60, minFrequency: 1 });
    fc.assert(
      fc.property(text, (s) => {
        expect(bpe.decode(bpe.encode(s).ids)).toBe(s.split(/\s+/).filter(Boolean).join(' '));
      }),
      { numRuns: 300, seed: 5 },
    );
  });

  it('splits like the GPT-2 ByteLevel pre-tokenizer', () => {
    expect(byteLevelPreTokenize("I'm here  now")).toEqual(['I', "'m", 'Ġhere', 'Ġ', 'Ġnow']);
    expect(byteLevelPreTokenize('커')).toEqual(['ì»¤']);
  });

  it('reads back its tokenizer.json and rejects broken ones', () => {
    const bpe = trainBpe([SENNRICH], { vocabSize: 280, minFrequency: 2 });
    const back = BpeTokenizer.fromTokenizerJson(bpe.toJSONString());
    expect(back.encode('lowest widest').ids).toEqual(bpe.encode('lowest widest').ids);
    expect(() => BpeTokenizer.fromTokenizerJson('{"model": {"type": "WordPiece"}}')).toThrow(TextFormatError);
    expect(() => BpeTokenizer.fromTokenizerJson('{"model": {"type": "BPE", "vocab": {"a": -1}}}')).toThrow(/model.vocab/);
    expect(() => trainBpe([], { byteLevel: false, unkToken: 'nope' })).toThrow(/unkToken/);
  });
});
