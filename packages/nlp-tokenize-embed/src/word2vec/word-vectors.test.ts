import { initBackend } from '@deepcourse/backend';
import { beforeAll, describe, expect, it } from 'vitest';
import { OutOfVocabularyError, TextFormatError } from '../errors.js';
import { expectNoLeak } from '../test-utils.js';
import { evaluateAnalogies, parseAnalogyQuestions } from './analogies.js';
import { embeddingMatrix, pretrainedEmbeddingLayer } from './embedding.js';
import { pca2d } from './pca.js';
import { parseWord2VecText, toWord2VecText } from './text-format.js';
import { WordVectors } from './word-vectors.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

// Hand-made vectors with a gender axis (x) and a role axis (y, z).
const words = ['king', 'queen', 'son', 'daughter', 'man', 'woman', 'apple'];
const data = Float32Array.from([
  1, 1, 0, // king
  -1, 1, 0, // queen
  1, 0, 1, // son
  -1, 0, 1, // daughter
  1, 0, 0, // man
  -1, 0, 0, // woman
  0, -1, -1, // apple
]);
const wv = new WordVectors(words, data, 3);

describe('WordVectors', () => {
  it('computes cosine similarity and nearest neighbours (query words excluded)', () => {
    expect(wv.similarity('king', 'queen')).toBeCloseTo(0, 6);
    expect(wv.similarity('king', 'man')).toBeCloseTo(1 / Math.sqrt(2), 6);
    const near = wv.mostSimilar('king', { topN: 2 });
    expect(near.map((n) => n.word)).toEqual(['man', 'son']);
    expect(near[0]?.similarity).toBeCloseTo(Math.SQRT1_2, 6);
    expect(wv.mostSimilar('king', { topN: 1, exclude: ['man'] })[0]?.word).toBe('son');
  });
  it('solves "king : queen = son : ?" with daughter', () => {
    expect(wv.analogy('king', 'queen', 'son', { topN: 1 })[0]?.word).toBe('daughter');
    expect(wv.analogy('man', 'woman', 'king', { topN: 1 })[0]?.word).toBe('queen');
  });
  it('throws a typed error for unknown words', () => {
    expect(() => wv.similarity('king', 'emperor')).toThrow(OutOfVocabularyError);
    expect(() => wv.analogy('king', 'queen', '왕')).toThrow(/왕/);
  });
});

describe('word2vec text format', () => {
  it('round-trips float32 values exactly, including non-ASCII words', () => {
    const v = new WordVectors(['커피', 'coffee', 'é😀'], Float32Array.from([0.1, -2.5e-7, 3.4028234663852886e38, 1 / 3, 0, -1]), 2);
    const text = toWord2VecText(v);
    expect(text.split('\n')[0]).toBe('3 2');
    expect(text.split('\n')[1]).toBe('커피 0.100000001 -2.49999999e-7');
    const back = parseWord2VecText(text);
    expect(back.words).toEqual(v.words);
    expect(Array.from(back.vectors)).toEqual(Array.from(v.vectors));
  });
  it('reports the line of malformed input', () => {
    expect(() => parseWord2VecText('2 2\na 1 2\nb 1\n', 'vecs.txt')).toThrow(TextFormatError);
    expect(() => parseWord2VecText('2 2\na 1 2\nb 1\n', 'vecs.txt')).toThrow(/vecs.txt:3/);
    expect(() => parseWord2VecText('1 2\na 1 x\n')).toThrow(/number 2/);
    expect(() => toWord2VecText(new WordVectors(['a b'], Float32Array.from([1]), 1))).toThrow(/whitespace/);
  });
});

describe('analogy evaluation (Google format)', () => {
  const file = [': family', 'king queen son daughter', 'man woman king queen', 'KING QUEEN MAN WOMAN', 'king queen emperor empress', ': fruit', 'apple apple king man', ''].join('\n');
  it('parses sections and questions', () => {
    const qs = parseAnalogyQuestions(file);
    expect(qs).toHaveLength(5);
    expect(qs[0]).toEqual({ section: 'family', words: ['king', 'queen', 'son', 'daughter'], line: 2 });
    expect(qs[4]?.section).toBe('fruit');
    expect(() => parseAnalogyQuestions('a b c d')).toThrow(/section/);
    expect(() => parseAnalogyQuestions(': s\na b c', 'q.txt')).toThrow(/q.txt:2: expected 4 words/);
  });
  it('scores per section and overall, skipping out-of-vocabulary questions', async () => {
    const result = await expectNoLeak(() => evaluateAnalogies(wv, file));
    const family = result.sections.find((s) => s.section === 'family');
    expect(family).toEqual({ section: 'family', correct: 3, incorrect: 0, skipped: 1, accuracy: 1 });
    // apple − apple + king = king, which is excluded: the nearest other word is man → correct.
    expect(result.sections.find((s) => s.section === 'fruit')?.correct).toBe(1);
    expect(result.overall).toEqual({ section: 'total', correct: 4, incorrect: 0, skipped: 1, accuracy: 1 });
    // Case-sensitive: the upper-case question becomes out of vocabulary.
    expect(evaluateAnalogies(wv, file, { caseInsensitive: false }).overall.skipped).toBe(2);
    // Restricting the vocabulary to the first 4 words skips every question that uses another word.
    expect(evaluateAnalogies(wv, file, { restrictVocab: 4 }).overall.correct).toBe(1);
  });
});

describe('PCA and embedding initialisation', () => {
  it('projects onto the two directions of largest variance', () => {
    const v = new WordVectors(['a', 'b', 'c', 'd'], Float32Array.from([3, 0, 0.1, -3, 0, -0.1, 0, 1, 0, 0, -1, 0]), 3);
    const p = pca2d(v);
    expect(p.points.map(([x]) => Math.abs(x))).toEqual([3.0016662597656246, 3.0016662597656246, 0, 0].map((x) => expect.closeTo(x, 4)) as unknown as number[]);
    expect(Math.abs(p.points[2]?.[1] as number)).toBeCloseTo(1, 5);
    // Variances: 2·3.0017² and 2·1² over the total.
    const total = 2 * 3 ** 2 + 2 * 0.1 ** 2 + 2;
    expect(p.explainedVarianceRatio[0]).toBeCloseTo((2 * (9 + 0.01)) / total, 5);
    expect(p.explainedVarianceRatio[1]).toBeCloseTo(2 / total, 5);
  });
  it('builds an embedding matrix and a frozen Embedding layer from a word index', async () => {
    const index = new Map([
      ['<OOV>', 1],
      ['queen', 2],
      ['unknownword', 3],
      ['son', 4],
    ]);
    const { matrix, found, missing } = await expectNoLeak(() => embeddingMatrix(wv, index, { missing: 'zeros' }), 1);
    expect(found).toBe(2);
    expect(missing).toEqual(['<OOV>', 'unknownword']);
    expect(matrix.arraySync()).toEqual([
      [0, 0, 0],
      [0, 0, 0],
      [-1, 1, 0],
      [0, 0, 0],
      [1, 0, 1],
    ]);
    matrix.dispose();
    const { layer } = await expectNoLeak(() => pretrainedEmbeddingLayer(wv, index, { inputDim: 4 }), 1);
    expect(layer.trainable).toBe(false);
    const w = layer.getWeights()[0];
    expect(w?.shape).toEqual([4, 3]);
    expect((w?.arraySync() as number[][])[2]).toEqual([-1, 1, 0]);
    for (const weight of layer.weights) weight.dispose();
  });
});
