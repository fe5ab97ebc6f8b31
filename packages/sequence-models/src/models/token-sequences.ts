import { tf, InvalidArgumentError } from '@deepcourse/backend';
import { checkPositiveInteger } from '../layers/layer-support.js';

export interface TokenIdTensorOptions {
  /** Length of every row of the result. */
  sequenceLength: number;
  /** Where padding (id 0) goes: `'post'` (after the tokens, default) or `'pre'`. */
  padding?: 'pre' | 'post';
  /** Longer sequences are an error unless this says which end to cut: `'pre'` keeps the last tokens, `'post'` the first. */
  truncating?: 'pre' | 'post';
  /** When given, every id must be an integer in [0, vocabSize). */
  vocabSize?: number;
}

/**
 * Token id sequences (from any tokenizer) → an int32 [count, sequenceLength] tensor, padded with 0.
 * Nothing is cut unless `truncating` says so.
 */
export function tokenIdTensor(sequences: readonly (ArrayLike<number>)[], options: TokenIdTensorOptions): tf.Tensor2D {
  if (!Array.isArray(sequences)) throw new InvalidArgumentError('sequences', 'an array of token id arrays', sequences);
  const length = checkPositiveInteger(options.sequenceLength, 'sequenceLength');
  const padding = options.padding ?? 'post';
  if (padding !== 'pre' && padding !== 'post') throw new InvalidArgumentError('padding', "'pre' or 'post'", padding);
  const truncating = options.truncating;
  if (truncating !== undefined && truncating !== 'pre' && truncating !== 'post') throw new InvalidArgumentError('truncating', "'pre' or 'post'", truncating);
  const values = new Int32Array(sequences.length * length);
  sequences.forEach((sequence, row) => {
    let ids: number[] = Array.from(sequence as ArrayLike<number>);
    if (ids.length > length) {
      if (truncating === undefined) {
        throw new InvalidArgumentError(`sequences[${row}]`, `at most sequenceLength=${length} ids (or set truncating)`, `${ids.length} ids`);
      }
      ids = truncating === 'pre' ? ids.slice(ids.length - length) : ids.slice(0, length);
    }
    const offset = row * length + (padding === 'pre' ? length - ids.length : 0);
    ids.forEach((id, i) => {
      if (!Number.isInteger(id) || id < 0 || (options.vocabSize !== undefined && id >= options.vocabSize)) {
        const range = options.vocabSize === undefined ? 'a non-negative integer id' : `an integer id in [0, ${options.vocabSize})`;
        throw new InvalidArgumentError(`sequences[${row}][${i}]`, range, id);
      }
      values[offset + i] = id;
    });
  });
  return tf.tensor2d(values, [sequences.length, length], 'int32');
}
