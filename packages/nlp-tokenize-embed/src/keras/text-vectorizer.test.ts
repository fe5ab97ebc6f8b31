import { initBackend } from '@deepcourse/backend';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectNoLeak } from '../test-utils.js';
import { TextVectorizer } from './text-vectorizer.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe('TextVectorizer (TextVectorization semantics)', () => {
  it("puts '' at 0 and '[UNK]' at 1, then count order with ties in descending token order", () => {
    const vec = new TextVectorizer().adapt(['The cat sat.', 'the dog!']);
    expect(vec.getVocabulary()).toEqual(['', '[UNK]', 'the', 'sat', 'dog', 'cat']);
    expect(vec.encode(['the bird sat'])).toEqual([[2, 1, 3]]);
  });
  it('pads and truncates at the end to outputSequenceLength', () => {
    const vec = new TextVectorizer({ outputSequenceLength: 3 }).adapt(['a b c d']);
    expect(vec.encode(['a', 'a b c d'])).toEqual([
      [5, 0, 0],
      [5, 4, 3],
    ]);
  });
  it('limits the vocabulary with maxTokens (counting the two reserved entries)', () => {
    const vec = new TextVectorizer({ maxTokens: 3 }).adapt(['x x y', "x's"]);
    expect(vec.getVocabulary()).toEqual(['', '[UNK]', 'x']);
    expect(vec.encode(["x's y"])).toEqual([[1, 1]]); // the apostrophe is stripped: "xs" is unknown
  });
  it('handles Korean, emoji and empty text', async () => {
    const vec = new TextVectorizer({ outputSequenceLength: 4 }).adapt(['커피 한잔 어때 😀', '커피']);
    const t = await expectNoLeak(() => vec.encodeTensor(['커피 😀', '']), 1);
    expect(t.arraySync()).toEqual([
      [2, vec.getVocabulary().indexOf('😀'), 0, 0],
      [0, 0, 0, 0],
    ]);
    t.dispose();
  });
  it('requires adapt before encode', () => {
    expect(() => new TextVectorizer().encode(['a'])).toThrow(/adapt/);
  });
});
