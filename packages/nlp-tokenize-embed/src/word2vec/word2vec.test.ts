import { initBackend, seedStream } from '@deepcourse/backend';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectNoLeak } from '../test-utils.js';
import { trainWord2Vec } from './train.js';
import { buildWord2VecVocabulary, keepProbabilities, noiseDistribution } from './vocabulary.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

// Planted corpus: each pair of words (king/queen, dog/puppy, ...) is used in exactly the same contexts and
// never together, so each should be the other's nearest neighbour.
const TOPICS = [
  { pair: ['king', 'queen'], context: ['crown', 'throne', 'palace', 'royal'] },
  { pair: ['dog', 'puppy'], context: ['bark', 'leash', 'bone', 'tail'] },
  { pair: ['car', 'truck'], context: ['road', 'wheel', 'engine', 'fuel'] },
  { pair: ['apple', 'pear'], context: ['fruit', 'tree', 'sweet', 'juice'] },
];
function plantedCorpus(sentences: number, seed: number): string[][] {
  const rng = seedStream(seed);
  const out: string[][] = [];
  for (let i = 0; i < sentences; i++) {
    const topic = TOPICS[rng.uniformInt(0, TOPICS.length)] as (typeof TOPICS)[number];
    const word = topic.pair[rng.uniformInt(0, 2)] as string;
    const ctx = rng.shuffle(topic.context).slice(0, 3);
    const s = [...ctx];
    s.splice(rng.uniformInt(0, 4), 0, word);
    out.push(s);
  }
  return out;
}

describe('word2vec vocabulary and sampling tables', () => {
  it('keeps words by count, builds the unigram^0.75 distribution and the subsampling probabilities', () => {
    const vocab = buildWord2VecVocabulary([['a', 'b', 'a', 'c'], ['a', 'b', 'd']], 2);
    expect(vocab.words).toEqual(['a', 'b']);
    expect(vocab.retainedTokens).toBe(5);
    expect(vocab.totalTokens).toBe(7);
    const cum = noiseDistribution(Float64Array.from([3, 2]));
    expect(cum[0]).toBeCloseTo(3 ** 0.75 / (3 ** 0.75 + 2 ** 0.75), 12);
    expect(cum[1]).toBe(1);
    // f = 3/5, t = 0.1: (sqrt(0.6/0.1·…)) — word2vec's (sqrt(c/(t·N)) + 1)·(t·N)/c with c = 3, N = 5.
    const keep = keepProbabilities(Float64Array.from([3, 2]), 5, 0.1);
    expect(keep[0]).toBeCloseTo((Math.sqrt(3 / 0.5) + 1) * (0.5 / 3), 12);
    expect(keepProbabilities(Float64Array.from([3]), 5, 0)[0]).toBe(1);
  });
});

describe('trainWord2Vec', () => {
  it('skip-gram (typed arrays) puts the planted pairs as nearest neighbours', async () => {
    const { vectors, epochs, engine } = await expectNoLeak(() =>
      trainWord2Vec(plantedCorpus(3000, 1), { vectorSize: 24, window: 3, minCount: 1, epochs: 5, negative: 5, sample: 0, seed: 3, alpha: 0.05 }),
    );
    expect(engine).toBe('typed-arrays');
    for (const { pair } of TOPICS) {
      expect(vectors.mostSimilar(pair[0] as string, { topN: 1 })[0]?.word).toBe(pair[1]);
      expect(vectors.mostSimilar(pair[1] as string, { topN: 1 })[0]?.word).toBe(pair[0]);
    }
    expect(epochs).toHaveLength(5);
    expect((epochs[4] as { loss: number }).loss).toBeLessThan((epochs[0] as { loss: number }).loss);
    expect((epochs[4] as { alpha: number }).alpha).toBeLessThan(0.001); // linear decay to minAlpha
  });

  it('CBOW puts the planted pairs as nearest neighbours', async () => {
    const { vectors } = await trainWord2Vec(plantedCorpus(3000, 2), { architecture: 'cbow', vectorSize: 24, window: 3, minCount: 1, epochs: 8, sample: 0, seed: 4, alpha: 0.05 });
    for (const { pair } of TOPICS) expect(vectors.mostSimilar(pair[0] as string, { topN: 1 })[0]?.word).toBe(pair[1]);
  });

  it('the tfjs engine computes the same updates as the typed-array engine (batch of one) and leaks no tensors', async () => {
    const corpus = plantedCorpus(60, 5);
    for (const architecture of ['skipgram', 'cbow'] as const) {
      const opts = { architecture, vectorSize: 8, window: 2, minCount: 1, epochs: 2, sample: 1e-2, seed: 9, batchSize: 1, alpha: 0.05 };
      const a = await trainWord2Vec(corpus, { ...opts, engine: 'typed-arrays' });
      const b = await expectNoLeak(() => trainWord2Vec(corpus, { ...opts, engine: 'tfjs' }));
      expect(b.engine).toBe('tfjs');
      let maxDiff = 0;
      for (let i = 0; i < a.vectors.vectors.length; i++) maxDiff = Math.max(maxDiff, Math.abs((a.vectors.vectors[i] as number) - (b.vectors.vectors[i] as number)));
      expect(maxDiff).toBeLessThan(1e-5);
      expect(b.epochs[1]?.loss).toBeCloseTo(a.epochs[1]?.loss as number, 4);
    }
  });

  it('the batched tfjs engine learns the planted pairs too', async () => {
    const { vectors } = await expectNoLeak(() =>
      trainWord2Vec(plantedCorpus(1500, 6), { engine: 'tfjs', vectorSize: 16, window: 3, minCount: 1, epochs: 6, sample: 0, seed: 5, batchSize: 256, alpha: 0.05 }),
    );
    for (const { pair } of TOPICS) expect(vectors.mostSimilar(pair[0] as string, { topN: 1 })[0]?.word).toBe(pair[1]);
  });

  it('is deterministic for a seed and rejects bad input', async () => {
    const corpus = plantedCorpus(200, 7);
    const a = await trainWord2Vec(corpus, { vectorSize: 8, minCount: 1, epochs: 1, seed: 1 });
    const b = await trainWord2Vec(corpus, { vectorSize: 8, minCount: 1, epochs: 1, seed: 1 });
    expect(Array.from(a.vectors.vectors)).toEqual(Array.from(b.vectors.vectors));
    await expect(trainWord2Vec([['a']], { minCount: 1 })).rejects.toThrow(/at least 2 distinct words/);
    await expect(trainWord2Vec(corpus, { window: 0 })).rejects.toThrow(/window/);
    await expect(trainWord2Vec(corpus, { engine: 'gpu' as 'tfjs' })).rejects.toThrow(/engine/);
  });
});
