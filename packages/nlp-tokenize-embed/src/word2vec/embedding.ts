import { InvalidArgumentError, seedStream, tf } from '@deepcourse/backend';
import type { WordVectors } from './word-vectors.js';

export interface EmbeddingMatrixOptions {
  /** Rows of the matrix (default: largest index + 1). Indices >= inputDim are ignored, as a Keras num_words cut. */
  inputDim?: number;
  /** Rows for words without a vector: 'zeros' or 'uniform' in ±scale (default 'uniform'). Row 0 (padding) is always zero. */
  missing?: 'zeros' | 'uniform';
  scale?: number;
  seed?: number;
}

export interface EmbeddingMatrix {
  /** Float32 [inputDim, dimension]; the caller disposes it. */
  matrix: tf.Tensor2D;
  /** Words of the index that had a vector. */
  found: number;
  /** Words of the index without a vector (initialised per `missing`). */
  missing: string[];
}

/**
 * Builds an Embedding weight matrix from trained vectors for a tokenizer's word index (word → id, as
 * `WordTokenizer.wordIndex`): row id = the word's vector.
 *
 * @example
 * const { matrix } = embeddingMatrix(vectors, tokenizer.wordIndex, { inputDim: 10000 });
 * const layer = tf.layers.embedding({ inputDim: 10000, outputDim: vectors.dimension, weights: [matrix], trainable: false });
 */
export function embeddingMatrix(vectors: WordVectors, wordIndex: ReadonlyMap<string, number>, options: EmbeddingMatrixOptions = {}): EmbeddingMatrix {
  let maxIndex = 0;
  for (const i of wordIndex.values()) {
    if (!Number.isSafeInteger(i) || i < 0) throw new InvalidArgumentError('wordIndex', 'non-negative integer ids', i);
    maxIndex = Math.max(maxIndex, i);
  }
  const { inputDim = maxIndex + 1, missing = 'uniform', scale = 0.05, seed = 42 } = options;
  if (!Number.isSafeInteger(inputDim) || inputDim < 1) throw new InvalidArgumentError('inputDim', 'a positive integer', inputDim);
  const d = vectors.dimension;
  const data = new Float32Array(inputDim * d);
  const rng = seedStream(seed);
  const missingWords: string[] = [];
  let found = 0;
  for (const [word, i] of wordIndex) {
    if (i >= inputDim || i === 0) continue;
    const row = vectors.indexOf(word);
    if (row !== undefined) {
      data.set(vectors.vectors.subarray(row * d, (row + 1) * d), i * d);
      found++;
    } else {
      missingWords.push(word);
      if (missing === 'uniform') for (let k = 0; k < d; k++) data[i * d + k] = (rng.uniform() * 2 - 1) * scale;
    }
  }
  return { matrix: tf.tensor2d(data, [inputDim, d]), found, missing: missingWords };
}

/** A Keras Embedding layer initialised from trained vectors (frozen unless `trainable`). */
export function pretrainedEmbeddingLayer(
  vectors: WordVectors,
  wordIndex: ReadonlyMap<string, number>,
  options: EmbeddingMatrixOptions & { trainable?: boolean; maskZero?: boolean; inputLength?: number; name?: string } = {},
): { layer: tf.layers.Layer; found: number; missing: string[] } {
  const { matrix, found, missing } = embeddingMatrix(vectors, wordIndex, options);
  const [inputDim, outputDim] = matrix.shape;
  const layer = tf.layers.embedding({
    inputDim,
    outputDim,
    trainable: options.trainable ?? false,
    maskZero: options.maskZero ?? false,
    ...(options.inputLength !== undefined ? { inputLength: options.inputLength } : {}),
    ...(options.name !== undefined ? { name: options.name } : {}),
  });
  // Build now and copy the matrix into the layer's own variable, so no tensor is left for the caller.
  layer.build([null, options.inputLength ?? null]);
  layer.setWeights([matrix]);
  matrix.dispose();
  return { layer, found, missing };
}
