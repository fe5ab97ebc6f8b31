import { InvalidArgumentError, ShapeError, seedStream, tf } from '@deepcourse/backend';
import type { TrainTest } from './labeled-images.js';

export interface SplitOptions {
  /** Share of the samples that go to the test part, in (0, 1). Default 0.2. Ignored when `testSize` is set. */
  readonly testFraction?: number;
  /** Exact number of test samples. */
  readonly testSize?: number;
  /** Seed of the shuffle. Default: the global seed (`initBackend({ seed })`, 42 until set). */
  readonly seed?: number;
  /** Shuffle before splitting (default true). Without a shuffle the last samples become the test part. */
  readonly shuffle?: boolean;
  /** Class labels to stratify by: each class keeps its share in both parts (largest-remainder rounding). */
  readonly stratify?: tf.Tensor | ArrayLike<number>;
}

/**
 * Splits 0..n-1 into train and test indices, seeded and optionally stratified. The test part has
 * `round(n * testFraction)` samples (or `testSize`); both parts come out shuffled unless `shuffle: false`.
 */
export function splitIndices(n: number, options: SplitOptions = {}): TrainTest<Int32Array> {
  if (!Number.isSafeInteger(n) || n < 2) throw new InvalidArgumentError('n', 'an integer of at least 2 samples', n);
  const testCount = resolveTestCount(n, options);
  const shuffle = options.shuffle ?? true;
  if (!shuffle) {
    if (options.stratify !== undefined) throw new InvalidArgumentError('options.stratify', 'shuffle: true (a stratified split shuffles)', 'shuffle: false');
    const all = Int32Array.from({ length: n }, (_, i) => i);
    return { train: all.slice(0, n - testCount), test: all.slice(n - testCount) };
  }
  const stream = seedStream(options.seed);
  if (options.stratify === undefined) {
    const order = stream.permutation(n);
    return { train: order.slice(testCount), test: order.slice(0, testCount) };
  }
  const labels = options.stratify instanceof tf.Tensor ? options.stratify.dataSync() : options.stratify;
  if (labels.length !== n) throw new InvalidArgumentError('options.stratify', `${n} labels (one per sample)`, `${labels.length} labels`);
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const label = labels[i] as number;
    let members = byClass.get(label);
    if (members === undefined) byClass.set(label, (members = []));
    members.push(i);
  }
  const classes = [...byClass.keys()].sort((a, b) => a - b);
  // Largest-remainder allocation: every class gets floor(quota), the rest go to the largest fractions.
  const quotas = classes.map((c) => ((byClass.get(c) as number[]).length * testCount) / n);
  const counts = quotas.map(Math.floor);
  let missing = testCount - counts.reduce((a, b) => a + b, 0);
  const byRemainder = classes.map((_, k) => k).sort((a, b) => (quotas[b] as number) - (counts[b] as number) - ((quotas[a] as number) - (counts[a] as number)) || a - b);
  for (const k of byRemainder) {
    if (missing === 0) break;
    counts[k] = (counts[k] as number) + 1;
    missing--;
  }
  const train: number[] = [];
  const test: number[] = [];
  classes.forEach((c, k) => {
    const members = stream.shuffle(byClass.get(c) as number[]);
    const take = counts[k] as number;
    test.push(...members.slice(0, take));
    train.push(...members.slice(take));
  });
  return { train: Int32Array.from(stream.shuffle(train)), test: Int32Array.from(stream.shuffle(test)) };
}

function resolveTestCount(n: number, options: SplitOptions): number {
  if (options.testSize !== undefined) {
    if (!Number.isSafeInteger(options.testSize) || options.testSize < 1 || options.testSize >= n) {
      throw new InvalidArgumentError('options.testSize', `an integer in [1, ${n - 1}]`, options.testSize);
    }
    return options.testSize;
  }
  const fraction = options.testFraction ?? 0.2;
  if (!(fraction > 0 && fraction < 1)) throw new InvalidArgumentError('options.testFraction', 'a number in (0, 1)', fraction);
  const count = Math.round(n * fraction);
  if (count < 1 || count >= n) {
    throw new InvalidArgumentError('options.testFraction', `a fraction leaving both parts non-empty for ${n} samples`, fraction);
  }
  return count;
}

/**
 * Splits tensors that share their first dimension (e.g. `{ images, labels }`) into train and test parts,
 * seeded and optionally stratified (`stratify: 'labels'` names one of the tensors, or pass the labels).
 * Returns new tensors the caller owns; the inputs are left as they are (dispose them when done).
 */
export function trainTestSplit<T extends Record<string, tf.Tensor>>(
  tensors: T,
  options: Omit<SplitOptions, 'stratify'> & { readonly stratify?: (keyof T & string) | tf.Tensor | ArrayLike<number> } = {},
): TrainTest<T> {
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
  let stratify = options.stratify;
  if (typeof stratify === 'string') {
    const named = tensors[stratify];
    if (named === undefined) throw new InvalidArgumentError('options.stratify', `one of ${entries.map(([k]) => k).join(', ')}`, stratify);
    stratify = named;
  }
  const { train, test } = splitIndices(n, { ...options, stratify: stratify as tf.Tensor | ArrayLike<number> | undefined });
  return { train: gatherAll(tensors, train), test: gatherAll(tensors, test) };
}

/** `tf.gather` of every tensor in the record along axis 0. */
export function gatherAll<T extends Record<string, tf.Tensor>>(tensors: T, indices: Int32Array): T {
  return tf.tidy(() => {
    const index = tf.tensor1d(indices, 'int32');
    const out: Record<string, tf.Tensor> = {};
    for (const [name, tensor] of Object.entries(tensors)) out[name] = tf.gather(tensor, index);
    return out;
  }) as T;
}
