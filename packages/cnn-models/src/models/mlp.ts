import { InvalidArgumentError, tf } from '@deepcourse/backend';
import { hiddenLayer, type ActivationSpec } from '../activations.js';
import { LayerSeeds } from '../layers/seeded-initializers.js';
import { checkIntegerList, checkPositiveInteger, checkRate, checkShape, outputHead, type BuilderOptions } from './options.js';

export interface MlpOptions extends BuilderOptions {
  /** Shape of one example (default [28, 28, 1]); anything but rank 1 is flattened first. */
  inputShape?: number[];
  /** Units of each hidden layer, e.g. [512] (the course) or [64, 64, 64]; overrides `width` and `depth`. */
  hiddenUnits?: number[];
  /** Units per hidden layer when `hiddenUnits` is not given (default 512). */
  width?: number;
  /** Number of hidden layers when `hiddenUnits` is not given (default 1). */
  depth?: number;
  /** Hidden activation (default 'relu'): sigmoid, tanh, relu, leakyRelu, elu, maxout, linear. */
  activation?: ActivationSpec;
  /** Dropout after each hidden layer (default 0: none). */
  dropout?: number;
  /** Classes (default 10): a softmax output; 1 gives a single sigmoid unit for binary labels. */
  numClasses?: number;
}

/**
 * A multi-layer perceptron. With the defaults it is the course's MNIST MLP:
 * Flatten → Dense 512 relu → Dense 10 softmax, 407,050 parameters.
 *
 * ```ts
 * const deepSigmoid = mlp({ inputShape: [2], width: 16, depth: 8, activation: 'sigmoid', numClasses: 2, seed: 1 });
 * ```
 */
export function mlp(options: MlpOptions = {}): tf.Sequential {
  const inputShape = checkShape(options.inputShape ?? [28, 28, 1], 'inputShape');
  let hiddenUnits: number[];
  if (options.hiddenUnits !== undefined) {
    if (options.width !== undefined || options.depth !== undefined) {
      throw new InvalidArgumentError('hiddenUnits', 'either hiddenUnits or width/depth, not both', options.hiddenUnits);
    }
    hiddenUnits = Array.isArray(options.hiddenUnits) && options.hiddenUnits.length === 0 ? [] : checkIntegerList(options.hiddenUnits, 'hiddenUnits');
  } else {
    const width = checkPositiveInteger(options.width ?? 512, 'width');
    const depth = options.depth ?? 1;
    if (!Number.isInteger(depth) || depth < 0) throw new InvalidArgumentError('depth', 'a non-negative integer', options.depth);
    hiddenUnits = new Array<number>(depth).fill(width);
  }
  const dropout = checkRate(options.dropout ?? 0, 'dropout');
  const head = outputHead(options.numClasses ?? 10);
  const seeds = new LayerSeeds(options.seed);

  const model = tf.sequential(options.name ? { name: options.name } : {});
  const flat = inputShape.length === 1;
  if (!flat) model.add(tf.layers.flatten({ inputShape }));
  const firstShape = flat ? { inputShape } : {};
  hiddenUnits.forEach((units, i) => {
    for (const layer of hiddenLayer(units, options.activation ?? 'relu', seeds, i === 0 ? firstShape : {})) model.add(layer);
    if (dropout > 0) model.add(tf.layers.dropout({ rate: dropout }));
  });
  model.add(
    tf.layers.dense({
      units: head.units,
      activation: head.activation,
      kernelInitializer: seeds.glorotUniform(),
      ...(hiddenUnits.length === 0 ? firstShape : {}),
    }),
  );
  return model;
}
