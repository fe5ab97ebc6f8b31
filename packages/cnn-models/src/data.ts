import { InvalidArgumentError, ShapeError, tf, toClassIds } from '@deepcourse/backend';

/**
 * Examples with integer class labels: `{ images, labels }` (the shape of
 * @deepcourse/datasets' `LabeledImages`) or `{ inputs, labels }` for
 * non-image data. Labels are class ids `[N]`, one-hot `[N, K]`, or 0/1 for a
 * single sigmoid output.
 */
export type ClassificationData =
  | { images: tf.Tensor; labels: tf.Tensor | ArrayLike<number>; inputs?: undefined }
  | { inputs: tf.Tensor; labels: tf.Tensor | ArrayLike<number>; images?: undefined };

/** The inputs tensor and class ids of `data`, checked against each other. */
export function readClassificationData(data: ClassificationData, argument: string): { inputs: tf.Tensor; ids: Int32Array } {
  if (typeof data !== 'object' || data === null) throw new InvalidArgumentError(argument, '{ images, labels } or { inputs, labels }', data);
  const inputs = data.images ?? data.inputs;
  if (!(inputs instanceof tf.Tensor)) throw new InvalidArgumentError(`${argument}.images`, 'a tensor [N, ...] (or `inputs`)', inputs);
  if (data.labels === undefined || data.labels === null) throw new InvalidArgumentError(`${argument}.labels`, 'class ids, one-hot labels or 0/1 values', data.labels);
  const ids = toClassIds(
    data.labels instanceof tf.Tensor ? data.labels : Array.from(data.labels as ArrayLike<number>),
    `${argument}.labels`,
  );
  const n = inputs.shape[0] as number;
  if (ids.length !== n) throw new ShapeError(`${argument}.labels`, `${n} labels (one per input)`, `${ids.length}`);
  if (n === 0) throw new InvalidArgumentError(argument, 'at least one example', 'none');
  return { inputs, ids };
}

/** Number of classes a model's output encodes: its units, or 2 for a single sigmoid unit. */
export function modelClassCount(model: tf.LayersModel): { classes: number; binary: boolean } {
  if (model.outputs.length !== 1) throw new InvalidArgumentError('model', 'a model with one output', `${model.outputs.length} outputs`);
  const units = model.outputs[0]!.shape[model.outputs[0]!.shape.length - 1];
  if (typeof units !== 'number' || model.outputs[0]!.shape.length !== 2) {
    throw new ShapeError('model output', 'shape [null, K] (class scores) or [null, 1] (binary)', `[${model.outputs[0]!.shape.join(', ')}]`);
  }
  return units === 1 ? { classes: 2, binary: true } : { classes: units, binary: false };
}

/** Targets the model trains on: one-hot `[N, K]`, or `[N, 1]` 0/1 for a sigmoid output. */
export function targetsFor(ids: Int32Array, classes: number, binary: boolean, argument: string): tf.Tensor2D {
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i] as number;
    if (id < 0 || id >= classes) throw new InvalidArgumentError(`${argument}.labels[${i}]`, `a class id in [0, ${classes}) for this model's output`, id);
  }
  if (binary) return tf.tensor2d(Float32Array.from(ids), [ids.length, 1]);
  return tf.tidy(() => tf.oneHot(tf.tensor1d(ids, 'int32'), classes).toFloat() as tf.Tensor2D);
}
