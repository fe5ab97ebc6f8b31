import { InvalidArgumentError, describe, tf } from '@deepcourse/backend';

/**
 * One-hot encodes class indices into a float32 [n, numClasses] tensor (the caller owns it). Accepts an int32
 * tensor or plain numbers; every label must be an integer in [0, numClasses), else InvalidArgumentError names
 * the entry.
 */
export function oneHot(labels: tf.Tensor | ArrayLike<number>, numClasses: number): tf.Tensor2D {
  if (!Number.isSafeInteger(numClasses) || numClasses < 1) throw new InvalidArgumentError('numClasses', 'a positive integer', numClasses);
  let values: ArrayLike<number>;
  if (labels instanceof tf.Tensor) {
    if (labels.rank !== 1) throw new InvalidArgumentError('labels', 'a rank-1 tensor of class indices', labels);
    values = labels.dataSync();
  } else {
    values = labels;
  }
  const out = new Float32Array(values.length * numClasses);
  for (let i = 0; i < values.length; i++) {
    const label = values[i] as number;
    if (!Number.isInteger(label) || label < 0 || label >= numClasses) {
      throw new InvalidArgumentError('labels', `integer class indices in [0, ${numClasses})`, `${describe(label)} at entry ${i}`);
    }
    out[i * numClasses + label] = 1;
  }
  return tf.tensor2d(out, [values.length, numClasses], 'float32');
}
