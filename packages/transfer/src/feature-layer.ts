import { InvalidArgumentError, tf } from '@deepcourse/backend';
import { BaseInputShapeError } from './errors.js';

const FEATURE_CLASSES = new Set(['Flatten', 'GlobalAveragePooling1D', 'GlobalAveragePooling2D', 'GlobalMaxPooling1D', 'GlobalMaxPooling2D']);

/**
 * The layer of `base` whose output are the features a new head reads.
 * `cutAt` (a layer name or an index into `base.layers`, negative from the end) picks it; otherwise it is
 * found: the last Flatten or global pooling layer, else the layer before the last Dense (the classifier).
 */
export function findFeatureLayer(base: tf.LayersModel, cutAt?: string | number): tf.layers.Layer {
  checkBase(base, 'base');
  const layers = base.layers;
  if (cutAt !== undefined) {
    if (typeof cutAt === 'number') {
      if (!Number.isInteger(cutAt) || cutAt >= layers.length || cutAt < -layers.length) {
        throw new InvalidArgumentError('cutAt', `a layer index in [${-layers.length}, ${layers.length})`, cutAt);
      }
      return layers[cutAt < 0 ? layers.length + cutAt : cutAt]!;
    }
    const found = layers.find((l) => l.name === cutAt);
    if (!found) throw new InvalidArgumentError('cutAt', `the name of one of the base's layers (${layers.map((l) => l.name).join(', ')})`, cutAt);
    return found;
  }
  for (let i = layers.length - 1; i >= 0; i--) {
    if (FEATURE_CLASSES.has(layers[i]!.getClassName())) return layers[i]!;
  }
  const lastDense = layers.map((l) => l.getClassName()).lastIndexOf('Dense');
  // Skip dropout/activation layers between the hidden layers and the classifier.
  if (lastDense > 0) {
    const feature = layers[lastDense - 1]!;
    if (feature.getClassName() !== 'InputLayer') return feature;
  }
  throw new InvalidArgumentError(
    'cutAt',
    'a layer to cut at: the base has no Flatten or global pooling layer and no Dense classifier after a hidden layer',
    `layers ${layers.map((l) => `${l.name} (${l.getClassName()})`).join(', ')}`,
  );
}

/**
 * The part of `base` from its input to `featureLayer`, as a model sharing the
 * base's layers and weights (nothing is copied: training one trains the other).
 */
export function featureModel(base: tf.LayersModel, featureLayer: tf.layers.Layer, name?: string): tf.LayersModel {
  const output = featureLayer.output;
  if (Array.isArray(output)) throw new InvalidArgumentError('cutAt', 'a layer with one output', `${featureLayer.name} with ${output.length} outputs`);
  return tf.model({ inputs: base.inputs, outputs: output, ...(name ? { name } : {}) });
}

/** Checks that `base` is a layers model with one input and one output. */
export function checkBase(base: unknown, argument: string): asserts base is tf.LayersModel {
  if (!(base instanceof tf.LayersModel)) throw new InvalidArgumentError(argument, 'a tfjs layers model', base);
  if (base.inputs.length !== 1) throw new InvalidArgumentError(argument, 'a model with one input', `${base.inputs.length} inputs`);
}

/** The input shape of `model` without the batch dimension (null for a free dimension). */
export function inputShapeOf(model: tf.LayersModel): (number | null)[] {
  return model.inputs[0]!.shape.slice(1);
}

/**
 * Throws BaseInputShapeError when examples of shape `found` (without the batch
 * dimension) cannot go into `model`.
 */
export function checkFitsBase(model: tf.LayersModel, found: readonly number[], argument: string): void {
  const expected = inputShapeOf(model);
  if (expected.length !== found.length || expected.some((d, i) => d !== null && d !== found[i])) {
    throw new BaseInputShapeError(
      argument,
      `examples of shape [${expected.map((d) => d ?? '?').join(', ')}], the input of model "${model.name}"`,
      `[${found.join(', ')}]; resize or convert the images (e.g. grayscale vs rgb), or use a base built for this shape`,
    );
  }
}
