import { InvalidArgumentError, seedStream, tf } from '@deepcourse/backend';
import { BaseInputShapeError } from './errors.js';
import { checkBase, featureModel, findFeatureLayer, inputShapeOf } from './feature-layer.js';
import { freezeLayers } from './freeze.js';

/** Names of the layers `replaceHead` adds start with this, which is how `fineTune` tells head from base. */
export const HEAD_PREFIX = 'head_';

export interface ReplaceHeadOptions {
  /** Classes of the new task: softmax over `numClasses`, or one sigmoid unit for `numClasses: 1` (binary). */
  numClasses: number;
  /** Units of hidden Dense relu layers between the features and the output (default none). */
  hidden?: number | readonly number[];
  /** Dropout rate after each hidden layer, or before the output when there is none (default 0). */
  dropout?: number;
  /** Where to cut the base: a layer name or index into `base.layers` (default: found, see `findFeatureLayer`). */
  cutAt?: string | number;
  /** How features with spatial dimensions (a cut at a conv layer) become a vector (default 'flatten'). */
  pooling?: 'flatten' | 'avg' | 'max';
  /**
   * 'nested' (default): the cut base is one layer of the new model (named `baseName`), as in Keras'
   * `Sequential([conv_base, ...])`. 'flat': the base's layers sit directly in the new model's graph.
   */
  layout?: 'nested' | 'flat';
  /** Name of the nested base layer (default 'base'). */
  baseName?: string;
  /** Freeze the base's layers (default true: the first phase of fine-tuning trains the head only). */
  freezeBase?: boolean;
  /** Required input shape (without batch); a base built for another shape throws BaseInputShapeError. */
  inputShape?: readonly number[];
  /** Seed of the head's initialisers (default: the backend's global seed). */
  seed?: number;
  /** Name of the new model. */
  name?: string;
}

/**
 * A new model: `base` cut at its feature layer, with a new classifier head
 * (`head_*` layers: [pooling or flatten] → hidden Dense relu [→ dropout] → output).
 * The base's layers and weights are shared, not copied (as in Keras): free
 * both with `disposeWithBase(model, base)`.
 *
 * ```ts
 * const model = replaceHead(base, { numClasses: 5, hidden: 64, dropout: 0.3, seed: 1 });
 * ```
 */
export function replaceHead(base: tf.LayersModel, options: ReplaceHeadOptions): tf.LayersModel {
  checkBase(base, 'base');
  if (typeof options !== 'object' || options === null) throw new InvalidArgumentError('options', '{ numClasses, ... }', options);
  const numClasses = options.numClasses;
  if (!Number.isInteger(numClasses) || numClasses < 1) throw new InvalidArgumentError('numClasses', 'a positive integer', numClasses);
  const hidden = typeof options.hidden === 'number' ? [options.hidden] : [...(options.hidden ?? [])];
  hidden.forEach((u, i) => {
    if (!Number.isInteger(u) || u < 1) throw new InvalidArgumentError(`hidden[${i}]`, 'a positive integer', u);
  });
  const dropout = options.dropout ?? 0;
  if (typeof dropout !== 'number' || !(dropout >= 0 && dropout < 1)) throw new InvalidArgumentError('dropout', 'a rate in [0, 1)', dropout);
  const pooling = options.pooling ?? 'flatten';
  if (!['flatten', 'avg', 'max'].includes(pooling)) throw new InvalidArgumentError('pooling', "'flatten', 'avg' or 'max'", pooling);
  const layout = options.layout ?? 'nested';
  if (layout !== 'nested' && layout !== 'flat') throw new InvalidArgumentError('layout', "'nested' or 'flat'", layout);
  if (options.inputShape !== undefined) {
    const expected = inputShapeOf(base);
    const found = options.inputShape;
    if (expected.length !== found.length || expected.some((d, i) => d !== null && d !== found[i])) {
      throw new BaseInputShapeError('inputShape', `[${expected.map((d) => d ?? '?').join(', ')}], the input of base "${base.name}"`, `[${found.join(', ')}]`);
    }
  }

  const featureLayer = findFeatureLayer(base, options.cutAt);
  const seeds = seedStream(options.seed);
  let input: tf.SymbolicTensor;
  let features: tf.SymbolicTensor;
  if (layout === 'nested') {
    const cut = featureModel(base, featureLayer, options.baseName ?? 'base');
    input = tf.input({ shape: inputShapeOf(base), name: `${HEAD_PREFIX}input` });
    features = cut.apply(input) as tf.SymbolicTensor;
  } else {
    input = base.inputs[0]!;
    features = featureLayer.output as tf.SymbolicTensor;
  }

  let x = features;
  if (x.shape.length > 2) {
    if (pooling === 'flatten') x = tf.layers.flatten({ name: `${HEAD_PREFIX}flatten` }).apply(x) as tf.SymbolicTensor;
    else if (x.shape.length === 4) {
      const make = pooling === 'avg' ? tf.layers.globalAveragePooling2d : tf.layers.globalMaxPooling2d;
      x = make({ name: `${HEAD_PREFIX}pool` }).apply(x) as tf.SymbolicTensor;
    } else if (x.shape.length === 3) {
      const make = pooling === 'avg' ? tf.layers.globalAveragePooling1d : tf.layers.globalMaxPooling1d;
      x = make({ name: `${HEAD_PREFIX}pool` }).apply(x) as tf.SymbolicTensor;
    } else {
      throw new InvalidArgumentError('pooling', "'flatten' for features of rank above 4", pooling);
    }
  }
  // Dropout layers take no seed: a seeded tfjs Dropout repeats one mask at every step. fineTune and
  // trainClassifier draw the masks reproducibly from the training seed instead.
  hidden.forEach((units, i) => {
    x = tf.layers
      .dense({ units, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: seeds.next() }), name: `${HEAD_PREFIX}dense_${i + 1}` })
      .apply(x) as tf.SymbolicTensor;
    if (dropout > 0) x = tf.layers.dropout({ rate: dropout, name: `${HEAD_PREFIX}dropout_${i + 1}` }).apply(x) as tf.SymbolicTensor;
  });
  if (hidden.length === 0 && dropout > 0) {
    x = tf.layers.dropout({ rate: dropout, name: `${HEAD_PREFIX}dropout` }).apply(x) as tf.SymbolicTensor;
  }
  const output = tf.layers
    .dense({
      units: numClasses === 1 ? 1 : numClasses,
      activation: numClasses === 1 ? 'sigmoid' : 'softmax',
      kernelInitializer: tf.initializers.glorotUniform({ seed: seeds.next() }),
      name: `${HEAD_PREFIX}output`,
    })
    .apply(x) as tf.SymbolicTensor;

  const model = tf.model({ inputs: input, outputs: output, name: options.name ?? `${base.name}_transfer` });
  if (options.freezeBase ?? true) freezeLayers(model, { predicate: (layer) => !layer.name.startsWith(HEAD_PREFIX) });
  return model;
}

/**
 * Frees a model made by `replaceHead` and what is left of its base: the model
 * shares the base's layers, so `model.dispose()` frees those, and the layers
 * the cut left out (the base's old classifier) are freed here too, and so is
 * an optimizer the base owns (e.g. from training it with `trainClassifier`),
 * which `base.dispose()` would have freed. Use it instead of disposing both
 * (the second `dispose()` would throw).
 */
export function disposeWithBase(model: tf.LayersModel, base: tf.LayersModel): void {
  model.dispose();
  for (const layer of base.layers) {
    const refCount = (layer as unknown as { _refCount: number | null })._refCount;
    if (layer.built && refCount !== null && refCount > 0) layer.dispose();
  }
  const owner = base as unknown as { optimizer?: tf.Optimizer; isOptimizerOwned?: boolean };
  if (owner.optimizer !== undefined && owner.optimizer !== null && owner.isOptimizerOwned === true) owner.optimizer.dispose();
}
