import { InvalidArgumentError, ShapeError, seedStream, tf } from '@deepcourse/backend';
import { gatherAll } from './split.js';

export interface BatchOptions {
  /** Samples per batch (the last batch may be smaller unless `dropRemainder`). */
  readonly batchSize: number;
  /** Shuffle the sample order (default false for `batches`, true for `toTfDataset`). */
  readonly shuffle?: boolean;
  /** Seed of the shuffle. Default: the global seed. */
  readonly seed?: number;
  /** Leave out a last batch smaller than `batchSize` (default false). */
  readonly dropRemainder?: boolean;
}

function checkTensors(tensors: Record<string, tf.Tensor>): number {
  const entries = Object.entries(tensors);
  const first = entries[0];
  if (first === undefined) throw new InvalidArgumentError('tensors', 'at least one tensor', tensors);
  const n = first[1].shape[0] as number;
  for (const [name, tensor] of entries) {
    if (!(tensor instanceof tf.Tensor)) throw new InvalidArgumentError(`tensors.${name}`, 'a tensor', tensor);
    if (tensor.rank === 0 || tensor.shape[0] !== n) {
      throw new ShapeError(`tensors.${name}`, `first dimension ${n} (as tensors.${first[0]})`, `shape [${tensor.shape.join(', ')}]`);
    }
  }
  return n;
}

function checkBatchSize(batchSize: unknown): number {
  if (typeof batchSize !== 'number' || !Number.isSafeInteger(batchSize) || batchSize < 1) {
    throw new InvalidArgumentError('options.batchSize', 'a positive integer', batchSize);
  }
  return batchSize;
}

function batchIndexLists(order: Int32Array, batchSize: number, dropRemainder: boolean): Int32Array[] {
  const lists: Int32Array[] = [];
  for (let start = 0; start < order.length; start += batchSize) {
    const end = Math.min(start + batchSize, order.length);
    if (dropRemainder && end - start < batchSize) break;
    lists.push(order.subarray(start, end));
  }
  return lists;
}

/**
 * Cuts tensors that share their first dimension into batches, lazily. Each yielded record holds new tensors
 * that the caller owns and disposes (`tf.dispose(batch)`); the input tensors stay the caller's and must stay
 * alive while iterating. `[...batches(t, o)]` gives an array.
 */
export function* batches<T extends Record<string, tf.Tensor>>(tensors: T, options: BatchOptions): Generator<T, void, undefined> {
  const n = checkTensors(tensors);
  const batchSize = checkBatchSize(options.batchSize);
  const order = options.shuffle === true ? seedStream(options.seed).permutation(n) : Int32Array.from({ length: n }, (_, i) => i);
  for (const indices of batchIndexLists(order, batchSize, options.dropRemainder ?? false)) {
    yield gatherAll(tensors, indices);
  }
}

/**
 * A tf.data Dataset of batches over in-memory tensors, for `model.fitDataset({ xs, ys })`. Shuffles by default,
 * with a fresh order every epoch drawn from one seeded stream (so a run repeats exactly). The dataset reads the
 * caller's tensors, which must stay alive while it is used; `fitDataset` disposes each batch it takes, and a
 * caller iterating by hand disposes them itself.
 */
export function toTfDataset<T extends Record<string, tf.Tensor>>(tensors: T, options: BatchOptions): tf.data.Dataset<T> {
  const n = checkTensors(tensors);
  const batchSize = checkBatchSize(options.batchSize);
  const shuffle = options.shuffle ?? true;
  const epochs = seedStream(options.seed);
  const dropRemainder = options.dropRemainder ?? false;
  const dataset = tf.data.generator(function* () {
    const order = shuffle ? epochs.fork().permutation(n) : Int32Array.from({ length: n }, (_, i) => i);
    for (const indices of batchIndexLists(order, batchSize, dropRemainder)) yield gatherAll(tensors, indices);
  } as unknown as () => Iterator<T>);
  return dataset as unknown as tf.data.Dataset<T>;
}
