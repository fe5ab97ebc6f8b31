import { tf } from './tf.js';
import { InvalidArgumentError, ShapeError } from './errors.js';

/** Class labels or model outputs: ids `[N]`, one-hot or scores `[N, K]`, or binary scores `[N, 1]`. */
export type ClassValues = tf.Tensor | readonly number[] | Int32Array | Float32Array;

/**
 * Class ids from labels or predictions: `[N]` is taken as ids, `[N, K]` (K > 1)
 * by argmax, `[N, 1]` as a binary probability thresholded at 0.5.
 */
export function toClassIds(values: ClassValues, argument = 'values'): Int32Array {
  if (!(values instanceof tf.Tensor)) {
    const ids = Int32Array.from(values as ArrayLike<number>);
    ids.forEach((id, i) => {
      if (id !== (values as ArrayLike<number>)[i]) throw new InvalidArgumentError(`${argument}[${i}]`, 'an integer class id', (values as ArrayLike<number>)[i]);
    });
    return ids;
  }
  if (values.rank === 1) {
    const data = values.dataSync();
    const ids = Int32Array.from(data);
    for (let i = 0; i < data.length; i++) {
      if (ids[i] !== data[i]) throw new InvalidArgumentError(`${argument}[${i}]`, 'an integer class id', data[i]);
    }
    return ids;
  }
  if (values.rank === 2) {
    const [, k] = values.shape as [number, number];
    return tf.tidy(() => (k === 1 ? values.reshape([-1]).greaterEqual(0.5).cast('int32') : values.argMax(1)).dataSync() as Int32Array);
  }
  throw new ShapeError(argument, 'class ids [N], scores [N, K] or binary scores [N, 1]', `shape [${values.shape.join(', ')}]`);
}

/** The fraction of predictions whose class equals the label. */
export function accuracy(labels: ClassValues, predictions: ClassValues): number {
  const [truth, predicted] = pairIds(labels, predictions);
  if (truth.length === 0) throw new InvalidArgumentError('labels', 'at least one example', 'none');
  let correct = 0;
  for (let i = 0; i < truth.length; i++) if (truth[i] === predicted[i]) correct++;
  return correct / truth.length;
}

/**
 * The confusion matrix as `matrix[trueClass][predictedClass]` counts.
 * `numClasses` defaults to one more than the largest id seen.
 */
export function confusionMatrix(labels: ClassValues, predictions: ClassValues, numClasses?: number): number[][] {
  const [truth, predicted] = pairIds(labels, predictions);
  let k = numClasses;
  if (k === undefined) {
    k = 0;
    for (let i = 0; i < truth.length; i++) k = Math.max(k, (truth[i] as number) + 1, (predicted[i] as number) + 1);
  }
  if (!Number.isInteger(k) || k < 1) throw new InvalidArgumentError('numClasses', 'a positive integer', numClasses);
  const matrix = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < truth.length; i++) {
    const t = truth[i] as number;
    const p = predicted[i] as number;
    if (t < 0 || t >= k) throw new InvalidArgumentError(`labels[${i}]`, `a class id in [0, ${k})`, t);
    if (p < 0 || p >= k) throw new InvalidArgumentError(`predictions[${i}]`, `a class id in [0, ${k})`, p);
    const row = matrix[t] as number[];
    row[p] = (row[p] as number) + 1;
  }
  return matrix;
}

function pairIds(labels: ClassValues, predictions: ClassValues): [Int32Array, Int32Array] {
  const truth = toClassIds(labels, 'labels');
  const predicted = toClassIds(predictions, 'predictions');
  if (truth.length !== predicted.length) {
    throw new ShapeError('predictions', `${truth.length} examples (as many as labels)`, `${predicted.length}`);
  }
  return [truth, predicted];
}
