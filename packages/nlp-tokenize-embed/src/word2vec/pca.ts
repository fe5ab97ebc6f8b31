import { InvalidArgumentError, seedStream } from '@deepcourse/backend';
import type { WordVectors } from './word-vectors.js';

export interface Projection2D {
  words: string[];
  /** [x, y] per word. */
  points: [number, number][];
  /** Share of the total variance along each of the two axes. */
  explainedVarianceRatio: [number, number];
}

/**
 * Projects word vectors onto their first two principal components (for plots): centres the vectors,
 * then finds the top two eigenvectors of the covariance by power iteration with deflation.
 *
 * @example
 * const { points } = pca2d(vectors, ['king', 'queen', 'man', 'woman']);
 */
export function pca2d(vectors: WordVectors, words: readonly string[] = vectors.words, options: { seed?: number; iterations?: number } = {}): Projection2D {
  const { seed = 42, iterations = 200 } = options;
  if (words.length < 2) throw new InvalidArgumentError('words', 'at least 2 words', words);
  const d = vectors.dimension;
  const n = words.length;
  const x = new Float64Array(n * d);
  words.forEach((w, i) => x.set(vectors.vector(w), i * d));
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) mean[k] = (mean[k] as number) + (x[i * d + k] as number) / n;
  for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) x[i * d + k] = (x[i * d + k] as number) - (mean[k] as number);
  const cov = new Float64Array(d * d);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < d; a++) {
      const xa = x[i * d + a] as number;
      if (xa === 0) continue;
      for (let b = a; b < d; b++) cov[a * d + b] = (cov[a * d + b] as number) + xa * (x[i * d + b] as number);
    }
  }
  for (let a = 0; a < d; a++) for (let b = a; b < d; b++) cov[b * d + a] = cov[a * d + b] as number;
  let trace = 0;
  for (let a = 0; a < d; a++) trace += cov[a * d + a] as number;
  const rng = seedStream(seed);
  const components: Float64Array[] = [];
  const eigenvalues: number[] = [];
  for (let c = 0; c < 2; c++) {
    let v = Float64Array.from({ length: d }, () => rng.normal());
    let lambda = 0;
    for (let it = 0; it < iterations; it++) {
      const w = new Float64Array(d);
      for (let a = 0; a < d; a++) {
        let s = 0;
        for (let b = 0; b < d; b++) s += (cov[a * d + b] as number) * (v[b] as number);
        w[a] = s;
      }
      for (const prev of components) {
        let dot = 0;
        for (let a = 0; a < d; a++) dot += (w[a] as number) * (prev[a] as number);
        for (let a = 0; a < d; a++) w[a] = (w[a] as number) - dot * (prev[a] as number);
      }
      const norm = Math.hypot(...w);
      if (norm === 0) break;
      lambda = norm;
      v = w.map((val) => val / norm);
    }
    // Fix the sign so the result does not depend on the start vector: largest component positive.
    let big = 0;
    for (let a = 0; a < d; a++) if (Math.abs(v[a] as number) > Math.abs(v[big] as number)) big = a;
    if ((v[big] as number) < 0) v = v.map((val) => -val);
    components.push(v);
    eigenvalues.push(lambda);
  }
  const points = words.map((_, i): [number, number] => {
    const p: number[] = components.map((comp) => {
      let s = 0;
      for (let k = 0; k < d; k++) s += (x[i * d + k] as number) * (comp[k] as number);
      return s;
    });
    return [p[0] as number, p[1] as number];
  });
  const ratio = (l: number | undefined): number => (trace > 0 ? (l ?? 0) / trace : 0);
  return { words: [...words], points, explainedVarianceRatio: [ratio(eigenvalues[0]), ratio(eigenvalues[1])] };
}
