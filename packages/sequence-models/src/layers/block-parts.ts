import { tf, InvalidArgumentError, type SeedStream } from '@deepcourse/backend';
import { denseLastAxis, layerNormLastAxis } from './tensor-ops.js';
import { glorotUniform, type LayerWeight } from './layer-support.js';

export type AddWeight = (name: string, shape: number[], initializer: ReturnType<typeof glorotUniform> | 'zeros' | 'ones') => LayerWeight;

export type FeedForwardActivation = 'relu' | 'gelu';

export interface LayerNormWeights {
  gamma: LayerWeight;
  beta: LayerWeight;
}

export interface FeedForwardWeights {
  hiddenKernel: LayerWeight;
  hiddenBias: LayerWeight;
  outputKernel: LayerWeight;
  outputBias: LayerWeight;
}

export function createLayerNorm(addWeight: AddWeight, prefix: string, dim: number): LayerNormWeights {
  return { gamma: addWeight(`${prefix}gamma`, [dim], 'ones'), beta: addWeight(`${prefix}beta`, [dim], 'zeros') };
}

export function applyLayerNorm(x: tf.Tensor, weights: LayerNormWeights, epsilon: number): tf.Tensor {
  return layerNormLastAxis(x, weights.gamma.read(), weights.beta.read(), epsilon);
}

export function createFeedForward(addWeight: AddWeight, prefix: string, dim: number, hidden: number, seeds: SeedStream): FeedForwardWeights {
  return {
    hiddenKernel: addWeight(`${prefix}hidden_kernel`, [dim, hidden], glorotUniform(seeds.next())),
    hiddenBias: addWeight(`${prefix}hidden_bias`, [hidden], 'zeros'),
    outputKernel: addWeight(`${prefix}output_kernel`, [hidden, dim], glorotUniform(seeds.next())),
    outputBias: addWeight(`${prefix}output_bias`, [dim], 'zeros'),
  };
}

/** Position-wise feed-forward network: W2 · act(W1 · x + b1) + b2. */
export function applyFeedForward(x: tf.Tensor, weights: FeedForwardWeights, activation: FeedForwardActivation): tf.Tensor {
  const hidden = denseLastAxis(x, weights.hiddenKernel.read(), weights.hiddenBias.read());
  const activated = activation === 'relu' ? tf.relu(hidden) : gelu(hidden);
  return denseLastAxis(activated, weights.outputKernel.read(), weights.outputBias.read());
}

/** GELU, tanh approximation (as in BERT and GPT-2). */
export function gelu(x: tf.Tensor): tf.Tensor {
  const inner = tf.mul(Math.sqrt(2 / Math.PI), tf.add(x, tf.mul(0.044715, tf.pow(x, 3))));
  return tf.mul(tf.mul(0.5, x), tf.add(1, tf.tanh(inner)));
}

export function checkActivation(value: unknown): FeedForwardActivation {
  if (value !== 'relu' && value !== 'gelu') throw new InvalidArgumentError('activation', "'relu' or 'gelu'", value);
  return value;
}

/** Wraps a layer's protected addWeight into the `AddWeight` shape the block helpers take. */
export function weightFactory(
  add: (name: string, shape: number[], dtype: 'float32', init: ReturnType<typeof glorotUniform>) => LayerWeight,
): AddWeight {
  return (name, shape, init) =>
    add(name, shape, 'float32', init === 'zeros' ? tf.initializers.zeros() : init === 'ones' ? tf.initializers.ones() : init);
}
