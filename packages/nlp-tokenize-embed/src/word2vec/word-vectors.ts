import { InvalidArgumentError } from '@deepcourse/backend';
import { OutOfVocabularyError } from '../errors.js';

export interface SimilarWord {
  word: string;
  similarity: number;
}

export interface MostSimilarOptions {
  /** How many neighbours (default 10). */
  topN?: number;
  /** Words never returned (the query words are always excluded). */
  exclude?: Iterable<string>;
  /** Search only the first N words of the vocabulary (the most frequent, as trained) (default all). */
  restrictVocab?: number | null;
}

/**
 * Word vectors with cosine-similarity queries, like gensim's KeyedVectors. Vectors live in one
 * row-major Float32Array (no tensors), so queries cannot leak memory and work in any environment.
 *
 * @example
 * const wv = new WordVectors(['king', 'queen', 'man', 'woman'], Float32Array.from([...]), 2);
 * wv.analogy('man', 'king', 'woman'); // [{ word: 'queen', similarity: ... }, ...]
 */
export class WordVectors {
  readonly words: readonly string[];
  readonly vectors: Float32Array;
  readonly dimension: number;
  private readonly index: Map<string, number>;
  private unit: Float32Array | null = null;

  constructor(words: readonly string[], vectors: Float32Array, dimension: number) {
    if (!Number.isSafeInteger(dimension) || dimension < 1) throw new InvalidArgumentError('dimension', 'a positive integer', dimension);
    if (vectors.length !== words.length * dimension) {
      throw new InvalidArgumentError('vectors', `${words.length} × ${dimension} = ${words.length * dimension} numbers`, `${vectors.length} numbers`);
    }
    this.words = words;
    this.vectors = vectors;
    this.dimension = dimension;
    this.index = new Map();
    words.forEach((w, i) => {
      if (this.index.has(w)) throw new InvalidArgumentError('words', 'distinct words', w);
      this.index.set(w, i);
    });
  }

  get size(): number {
    return this.words.length;
  }

  has(word: string): boolean {
    return this.index.has(word);
  }

  indexOf(word: string): number | undefined {
    return this.index.get(word);
  }

  /** A copy of one word's vector. */
  vector(word: string): Float32Array {
    const i = this.require(word, 'word');
    return this.vectors.slice(i * this.dimension, (i + 1) * this.dimension);
  }

  /** Unit-length copies of all vectors (computed once). */
  unitVectors(): Float32Array {
    if (this.unit) return this.unit;
    const d = this.dimension;
    const out = new Float32Array(this.vectors.length);
    for (let i = 0; i < this.words.length; i++) {
      let n = 0;
      for (let k = 0; k < d; k++) n += (this.vectors[i * d + k] as number) ** 2;
      const inv = n > 0 ? 1 / Math.sqrt(n) : 0;
      for (let k = 0; k < d; k++) out[i * d + k] = (this.vectors[i * d + k] as number) * inv;
    }
    this.unit = out;
    return out;
  }

  /** Cosine similarity of two words. */
  similarity(a: string, b: string): number {
    const u = this.unitVectors();
    const i = this.require(a, 'a') * this.dimension;
    const j = this.require(b, 'b') * this.dimension;
    let s = 0;
    for (let k = 0; k < this.dimension; k++) s += (u[i + k] as number) * (u[j + k] as number);
    return s;
  }

  /**
   * Nearest words by cosine similarity to the mean of the unit vectors of `positive` minus those of
   * `negative` (gensim's `most_similar`, 3CosAdd), the query words excluded.
   */
  mostSimilar(positive: string | readonly string[] | Float32Array, options: MostSimilarOptions & { negative?: readonly string[] } = {}): SimilarWord[] {
    const { topN = 10, exclude = [], restrictVocab = null, negative = [] } = options;
    if (!Number.isSafeInteger(topN) || topN < 1) throw new InvalidArgumentError('topN', 'a positive integer', topN);
    const d = this.dimension;
    const u = this.unitVectors();
    const query = new Float64Array(d);
    const skip = new Set<number>();
    for (const w of exclude) {
      const i = this.index.get(w);
      if (i !== undefined) skip.add(i);
    }
    if (positive instanceof Float32Array) {
      if (positive.length !== d) throw new InvalidArgumentError('positive', `a vector of length ${d}`, `length ${positive.length}`);
      for (let k = 0; k < d; k++) query[k] = positive[k] as number;
    } else {
      const pos = typeof positive === 'string' ? [positive] : positive;
      if (pos.length + negative.length === 0) throw new InvalidArgumentError('positive', 'at least one word', pos);
      for (const [words, sign] of [[pos, 1], [negative, -1]] as const) {
        for (const w of words) {
          const i = this.require(w, sign > 0 ? 'positive' : 'negative');
          skip.add(i);
          for (let k = 0; k < d; k++) query[k] = (query[k] as number) + sign * (u[i * d + k] as number);
        }
      }
    }
    let norm = 0;
    for (let k = 0; k < d; k++) norm += (query[k] as number) ** 2;
    norm = Math.sqrt(norm) || 1;
    const limit = restrictVocab === null ? this.words.length : Math.min(restrictVocab, this.words.length);
    const best: SimilarWord[] = [];
    for (let i = 0; i < limit; i++) {
      if (skip.has(i)) continue;
      let s = 0;
      for (let k = 0; k < d; k++) s += (u[i * d + k] as number) * (query[k] as number);
      s /= norm;
      if (best.length < topN || s > (best[best.length - 1] as SimilarWord).similarity) {
        let p = best.length < topN ? best.length : best.length - 1;
        if (best.length < topN) best.push({ word: '', similarity: 0 });
        while (p > 0 && (best[p - 1] as SimilarWord).similarity < s) {
          best[p] = best[p - 1] as SimilarWord;
          p--;
        }
        best[p] = { word: this.words[i] as string, similarity: s };
      }
    }
    return best;
  }

  /** a : b = c : ?  — the words closest to b − a + c, a, b and c excluded ("king : queen = son : daughter"). */
  analogy(a: string, b: string, c: string, options: MostSimilarOptions = {}): SimilarWord[] {
    return this.mostSimilar([b, c], { ...options, negative: [a] });
  }

  private require(word: string, argument: string): number {
    const i = this.index.get(word);
    if (i === undefined) throw new OutOfVocabularyError(argument, word);
    return i;
  }
}
