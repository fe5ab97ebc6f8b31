import { tf, seedStream, getGlobalSeed, InvalidArgumentError, type SeedStream } from '@deepcourse/backend';

/** The constructor arguments every tfjs layer accepts (name, trainable, inputShape, dtype, ...). */
export type BaseLayerArgs = NonNullable<ConstructorParameters<typeof tf.layers.Layer>[0]>;
/** A trainable weight created by `addWeight`. */
export type LayerWeight = tf.LayerVariable;
/** Call-time keyword arguments tfjs passes to `Layer.call` (`training`, `mask`, ...). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type LayerKwargs = Record<string, any>;
/** Shapes as tfjs layers use them (null for an unknown dimension). */
export type LayerShape = (number | null)[];

/**
 * `model.compile(args)` with an optimizer the builder made, then marks that optimizer as the model's own so that
 * `model.dispose()` frees its state too (tfjs frees only optimizers it made from a name; one passed as an object
 * would otherwise outlive the model with its moment estimates, and the caller never saw it).
 */
export function compileWithOwnOptimizer(model: tf.LayersModel, args: Parameters<tf.LayersModel['compile']>[0]): void {
  model.compile(args);
  (model as unknown as { isOptimizerOwned: boolean }).isOptimizerOwned = true;
}

let defaultSeeds: SeedStream | undefined;

/**
 * The seed a layer uses when none was given: drawn from a stream started at the global seed,
 * so a process that builds the same layers in the same order gets the same weights.
 */
export function resolveLayerSeed(seed: number | undefined, argument = 'seed'): number {
  if (seed !== undefined) {
    if (!Number.isSafeInteger(seed)) throw new InvalidArgumentError(argument, 'a safe integer', seed);
    return seed;
  }
  defaultSeeds ??= seedStream(getGlobalSeed());
  return defaultSeeds.next();
}

export function checkPositiveInteger(value: unknown, argument: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new InvalidArgumentError(argument, 'a positive integer', value);
  }
  return value;
}

export function checkRate(value: unknown, argument: string): number {
  if (typeof value !== 'number' || !(value >= 0 && value < 1)) {
    throw new InvalidArgumentError(argument, 'a number in [0, 1)', value);
  }
  return value;
}

/** Glorot-uniform initialiser with a fixed seed (the Keras default for kernels). */
export function glorotUniform(seed: number): ReturnType<typeof tf.initializers.glorotUniform> {
  return tf.initializers.glorotUniform({ seed });
}

/** Dropout whose mask is drawn from a seed stream: different at every step, replayed by the seed. */
export function seededDropout(x: tf.Tensor, rate: number, stream: SeedStream): tf.Tensor {
  if (rate === 0) return x;
  return tf.dropout(x, rate, undefined, stream.next());
}

/** Shape of one input from `computeOutputShape`/`build` arguments that may be a list of shapes. */
export function shapeList(inputShape: tf.Shape | tf.Shape[]): LayerShape[] {
  return (Array.isArray(inputShape[0]) ? inputShape : [inputShape]) as LayerShape[];
}

export function checkActivationOption(value: unknown): 'relu' | 'gelu' {
  if (value !== 'relu' && value !== 'gelu') throw new InvalidArgumentError('activation', "'relu' or 'gelu'", value);
  return value;
}
