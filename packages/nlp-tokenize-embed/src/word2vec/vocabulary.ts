import { InvalidArgumentError } from '@deepcourse/backend';

/** Words kept for training, most frequent first, with their counts. */
export interface Word2VecVocabulary {
  words: string[];
  counts: Float64Array;
  index: Map<string, number>;
  /** Tokens in the corpus whose word was kept. */
  retainedTokens: number;
  /** All tokens in the corpus. */
  totalTokens: number;
}

/** Counts words and keeps those seen at least `minCount` times (and at most `maxVocabSize` of them), by descending count (ties: first seen first). */
export function buildWord2VecVocabulary(sentences: readonly (readonly string[])[], minCount: number, maxVocabSize: number | null = null): Word2VecVocabulary {
  if (!Number.isSafeInteger(minCount) || minCount < 1) throw new InvalidArgumentError('minCount', 'a positive integer', minCount);
  const counts = new Map<string, number>();
  let totalTokens = 0;
  for (const s of sentences) {
    for (const w of s) {
      counts.set(w, (counts.get(w) ?? 0) + 1);
      totalTokens++;
    }
  }
  let entries = [...counts].filter(([, c]) => c >= minCount).sort((a, b) => b[1] - a[1]);
  if (maxVocabSize !== null) entries = entries.slice(0, maxVocabSize);
  const words = entries.map(([w]) => w);
  const retainedTokens = entries.reduce((s, [, c]) => s + c, 0);
  return { words, counts: Float64Array.from(entries.map(([, c]) => c)), index: new Map(words.map((w, i) => [w, i])), retainedTokens, totalTokens };
}

/** Cumulative unigram^power distribution for negative sampling (word2vec's noise distribution uses 0.75). */
export function noiseDistribution(counts: Float64Array, power = 0.75): Float64Array {
  const cum = new Float64Array(counts.length);
  let total = 0;
  for (let i = 0; i < counts.length; i++) {
    total += (counts[i] as number) ** power;
    cum[i] = total;
  }
  for (let i = 0; i < cum.length; i++) cum[i] = (cum[i] as number) / total;
  return cum;
}

/** Index i with cum[i-1] <= u < cum[i]. */
export function sampleFromCumulative(cum: Float64Array, u: number): number {
  let lo = 0;
  let hi = cum.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((cum[mid] as number) > u) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * Probability of keeping each occurrence of a word under frequent-word subsampling with threshold
 * `sample` — word2vec.c's and gensim's formula (√(f/t) + 1)·t/f with f = count / retained tokens.
 */
export function keepProbabilities(counts: Float64Array, retainedTokens: number, sample: number): Float64Array {
  const keep = new Float64Array(counts.length);
  const threshold = sample * retainedTokens;
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i] as number;
    keep[i] = sample <= 0 ? 1 : Math.min(1, (Math.sqrt(c / threshold) + 1) * (threshold / c));
  }
  return keep;
}
