import { InvalidArgumentError, tf } from '@deepcourse/backend';
import { maxout } from './layers/maxout.js';
import type { LayerSeeds } from './layers/seeded-initializers.js';
import { checkNonNegative, checkPositiveInteger } from './models/options.js';

/** The hidden-layer activations of the course. */
export type ActivationName = 'linear' | 'sigmoid' | 'tanh' | 'relu' | 'leakyRelu' | 'elu' | 'maxout';

/** An activation by name, or with its parameter: leaky ReLU's slope, ELU's alpha, maxout's number of pieces. */
export type ActivationSpec =
  | ActivationName
  | { name: 'leakyRelu'; alpha?: number }
  | { name: 'elu'; alpha?: number }
  | { name: 'maxout'; pieces?: number };

/** Leaky ReLU's slope for x < 0 when not given (the common textbook value; Keras's layer default is 0.3). */
export const DEFAULT_LEAKY_SLOPE = 0.01;
/** ELU's alpha when not given (as in Keras). */
export const DEFAULT_ELU_ALPHA = 1;
/** Maxout's pieces per unit when not given. */
export const DEFAULT_MAXOUT_PIECES = 2;

export const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));
export const tanh = (x: number): number => Math.tanh(x);
export const relu = (x: number): number => (x > 0 ? x : 0);
export const leakyRelu = (x: number, alpha = DEFAULT_LEAKY_SLOPE): number => (x > 0 ? x : alpha * x);
export const elu = (x: number, alpha = DEFAULT_ELU_ALPHA): number => (x > 0 ? x : alpha * (Math.exp(x) - 1));

/** The derivative of each activation (at 0 the right derivative for ReLU-like kinks, as tfjs's gradients use 0 there). */
export const activationDerivatives = {
  linear: () => 1,
  sigmoid: (x: number) => sigmoid(x) * (1 - sigmoid(x)),
  tanh: (x: number) => 1 - Math.tanh(x) ** 2,
  relu: (x: number) => (x > 0 ? 1 : 0),
  leakyRelu: (x: number, alpha = DEFAULT_LEAKY_SLOPE) => (x > 0 ? 1 : alpha),
  elu: (x: number, alpha = DEFAULT_ELU_ALPHA) => (x > 0 ? 1 : alpha * Math.exp(x)),
} as const;

/** Normalises a spec to its name and parameter. */
export function resolveActivation(spec: ActivationSpec, argument = 'activation'): { name: ActivationName; alpha: number; pieces: number } {
  const name = typeof spec === 'string' ? spec : (spec as { name?: unknown })?.name;
  const names: ActivationName[] = ['linear', 'sigmoid', 'tanh', 'relu', 'leakyRelu', 'elu', 'maxout'];
  if (typeof name !== 'string' || !names.includes(name as ActivationName)) {
    throw new InvalidArgumentError(argument, `one of ${names.join(', ')} (or { name, alpha | pieces })`, spec);
  }
  const options = typeof spec === 'object' ? (spec as { alpha?: number; pieces?: number }) : {};
  const alpha = checkNonNegative(options.alpha ?? (name === 'elu' ? DEFAULT_ELU_ALPHA : DEFAULT_LEAKY_SLOPE), `${argument}.alpha`);
  const pieces = checkPositiveInteger(options.pieces ?? DEFAULT_MAXOUT_PIECES, `${argument}.pieces`);
  return { name: name as ActivationName, alpha, pieces };
}

/**
 * The layers of one hidden layer with `units` outputs and the given
 * activation: a Dense with a built-in activation, a linear Dense followed by
 * a LeakyReLU/ELU layer, or one Maxout layer.
 */
export function hiddenLayer(
  units: number,
  spec: ActivationSpec,
  seeds: LayerSeeds,
  extra: { inputShape?: number[]; name?: string } = {},
): tf.layers.Layer[] {
  const { name, alpha, pieces } = resolveActivation(spec);
  const kernelSeed = seeds.nextSeed();
  const kernelInitializer = tf.initializers.glorotUniform({ seed: kernelSeed });
  const base = { units, kernelInitializer, ...(extra.inputShape ? { inputShape: extra.inputShape } : {}), ...(extra.name ? { name: extra.name } : {}) };
  switch (name) {
    case 'maxout':
      return [maxout({ units, pieces, kernelSeed, ...(extra.inputShape ? { inputShape: extra.inputShape } : {}), ...(extra.name ? { name: extra.name } : {}) })];
    case 'leakyRelu':
      return [tf.layers.dense({ ...base, activation: 'linear' }), tf.layers.leakyReLU({ alpha })];
    case 'elu':
      return [tf.layers.dense({ ...base, activation: 'linear' }), tf.layers.elu({ alpha })];
    default:
      return [tf.layers.dense({ ...base, activation: name })];
  }
}

export interface ActivationCurveRange {
  /** Smallest x (default -5). */
  min?: number;
  /** Largest x (default 5). */
  max?: number;
  /** Number of evenly spaced points, ends included (default 201). */
  points?: number;
  /** Leaky ReLU slope and ELU alpha used for the curves. */
  leakySlope?: number;
  eluAlpha?: number;
}

export interface ActivationCurves {
  x: number[];
  /** For each activation: its values and its derivative at every x. */
  curves: Record<'sigmoid' | 'tanh' | 'relu' | 'leakyRelu' | 'elu', { value: number[]; derivative: number[] }>;
}

/**
 * Points of each activation and its derivative, ready to plot: shows why
 * sigmoid's slope (at most 0.25) shrinks gradients layer after layer while
 * ReLU's stays 1 for positive inputs.
 */
export function activationCurves(range: ActivationCurveRange = {}): ActivationCurves {
  const min = range.min ?? -5;
  const max = range.max ?? 5;
  const points = range.points ?? 201;
  if (!Number.isFinite(min) || !Number.isFinite(max) || !(max > min)) throw new InvalidArgumentError('range', 'finite min < max', `min=${min}, max=${max}`);
  if (!Number.isInteger(points) || points < 2) throw new InvalidArgumentError('range.points', 'an integer >= 2', range.points);
  const slope = range.leakySlope ?? DEFAULT_LEAKY_SLOPE;
  const alpha = range.eluAlpha ?? DEFAULT_ELU_ALPHA;
  const x = Array.from({ length: points }, (_, i) => min + ((max - min) * i) / (points - 1));
  const curve = (f: (v: number) => number, d: (v: number) => number) => ({ value: x.map(f), derivative: x.map(d) });
  return {
    x,
    curves: {
      sigmoid: curve(sigmoid, activationDerivatives.sigmoid),
      tanh: curve(tanh, activationDerivatives.tanh),
      relu: curve(relu, activationDerivatives.relu),
      leakyRelu: curve((v) => leakyRelu(v, slope), (v) => activationDerivatives.leakyRelu(v, slope)),
      elu: curve((v) => elu(v, alpha), (v) => activationDerivatives.elu(v, alpha)),
    },
  };
}
