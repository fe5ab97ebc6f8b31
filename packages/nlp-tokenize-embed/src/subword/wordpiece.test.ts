import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bertPreTokenize } from './pre-tokenizers.js';
import { trainWordPiece, WordPieceTokenizer } from './wordpiece.js';

describe('WordPiece', () => {
  const corpus = ['the cat sat on the mat.', 'the cats sat, the dogs sat!', '커피 한잔 어때? 커피는 좋아'];

  it('encodes greedily, longest match first, with ## continuations', () => {
    const vocab = new Map(['[UNK]', 'un', '##aff', '##able', 'una', '##ff', '##a', '##b', '##l', '##e'].map((t, i) => [t, i]));
    const wp = new WordPieceTokenizer({ vocab, unkToken: '[UNK]', continuingSubwordPrefix: '##', maxInputCharsPerWord: 100, specialTokens: ['[UNK]'] });
    // 'una' is longer than 'un', so greedy takes it, then ff + able.
    expect(wp.encode('unaffable').tokens).toEqual(['una', '##ff', '##able']);
    // A word with an unknown character becomes one [UNK].
    expect(wp.encode('unaffablez un').tokens).toEqual(['[UNK]', 'un']);
    expect(wp.decode(wp.encode('unaffable un').ids)).toBe('unaffable un');
  });

  it('trains a vocabulary of specials, every character, and merged pieces', () => {
    const wp = trainWordPiece(corpus, { vocabSize: 80, minFrequency: 2 });
    const vocab = [...wp.model.vocab.keys()];
    expect(vocab.slice(0, 5)).toEqual(['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]']);
    for (const ch of 'thecasonmdg커피한잔어때는좋아') expect(vocab).toContain(ch);
    expect(vocab).toContain('##at');
    expect(wp.encode('the cats').tokens).toEqual(['the', 'cat', '##s']);
    expect(wp.encode('[CLS] 커피 😀').tokens).toEqual(['[CLS]', '커피', '[UNK]']);
    expect(wp.encode('').ids).toEqual([]);
  });

  it('decode(encode(x)) gives the BERT words of x when every character is known (property)', () => {
    const wp = trainWordPiece(corpus, { vocabSize: 60, minFrequency: 1 });
    const text = fc
      .array(fc.string({ unit: fc.constantFrom(...'thecasonm커피한잔.,!?'), minLength: 1, maxLength: 7 }), { maxLength: 8 })
      .map((ws) => ws.join(' '));
    fc.assert(
      fc.property(text, (s) => {
        expect(wp.decode(wp.encode(s).ids)).toBe(bertPreTokenize(s).join(' '));
      }),
      { numRuns: 300, seed: 11 },
    );
  });

  it('round-trips through tokenizer.json', () => {
    const wp = trainWordPiece(corpus, { vocabSize: 60, minFrequency: 1, lowercase: true, unicodeForm: 'NFC' });
    const back = WordPieceTokenizer.fromTokenizerJson(JSON.parse(wp.toJSONString()) as object);
    expect(back.encode('The CATS sat').ids).toEqual(wp.encode('the cats sat').ids);
    expect(() => trainWordPiece(corpus, { unkToken: '<unk>' })).toThrow(/unkToken/);
  });
});
