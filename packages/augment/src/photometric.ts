import { tf, InvalidArgumentError, type SeedStream } from '@deepcourse/backend';
import { ParametricAugmentation } from './augmentation.js';
import {
  checkKnownKeys,
  checkPair,
  checkProbability,
  drawApplied,
  drawUniform,
  fixedOrRange,
  symmetricRange,
  type BatchShape,
  type Range,
} from './validate.js';

/** A factor range: f means [max(0, 1 - f), 1 + f]; [lo, hi] is taken as it is (both >= 0). */
function factorRange(value: Range, argument: string): [number, number] {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) throw new InvalidArgumentError(argument, 'a non-negative number f (meaning [1-f, 1+f]) or a pair [low, high]', value);
    return [Math.max(0, 1 - value), 1 + value];
  }
  const pair = checkPair(value, argument);
  if (pair[0] < 0) throw new InvalidArgumentError(argument, 'factors >= 0', value);
  return pair;
}

function optionalValueRange(value: unknown, argument: string): [number, number] | undefined {
  return value === undefined ? undefined : checkPair(value, argument);
}

function clipTo(x: tf.Tensor4D, range: [number, number] | undefined): tf.Tensor4D {
  return range ? tf.clipByValue(x, range[0], range[1]) : x;
}

function perImage(values: Float32Array): tf.Tensor4D {
  return tf.tensor4d(values, [values.length, 1, 1, 1]);
}

// ---------------------------------------------------------------- brightness

export interface BrightnessOptions {
  /** Added to every pixel: d means [-d, d] (in the images' own units, e.g. 0.2 for [0, 1] images). */
  delta?: Range;
  /** Multiplies every pixel: f means [1-f, 1+f]; [lo, hi] as given (Keras' `brightness_range`). */
  factor?: Range;
  /** Clip the result to [low, high] (default: no clipping). */
  valueRange?: [number, number];
  /** Chance that an image is changed at all (default 1). */
  probability?: number;
}

export interface BrightnessParameters {
  /** Per image: out = in * scale + offset. */
  scale: Float32Array;
  offset: Float32Array;
}

export class Brightness extends ParametricAugmentation<BrightnessParameters> {
  readonly name: string;
  readonly delta: [number, number] | undefined;
  readonly factor: [number, number] | undefined;
  readonly valueRange: [number, number] | undefined;
  readonly probability: number;

  constructor(options: BrightnessOptions) {
    super();
    checkKnownKeys(options ?? {}, ['delta', 'factor', 'valueRange', 'probability'], 'brightness');
    if ((options?.delta === undefined) === (options?.factor === undefined)) {
      throw new InvalidArgumentError('brightness', 'exactly one of delta (additive) or factor (multiplicative)', options);
    }
    this.delta = options.delta === undefined ? undefined : symmetricRange(options.delta, 'brightness.delta');
    this.factor = options.factor === undefined ? undefined : factorRange(options.factor, 'brightness.factor');
    this.valueRange = optionalValueRange(options.valueRange, 'brightness.valueRange');
    this.probability = checkProbability(options.probability ?? 1, 'brightness.probability');
    this.name = this.delta ? `brightness(+[${this.delta.join(', ')}])` : `brightness(×[${this.factor!.join(', ')}])`;
  }

  sample(shape: BatchShape, random: SeedStream): BrightnessParameters {
    const applied = drawApplied(random, shape.batchSize, this.probability);
    const scale = new Float32Array(shape.batchSize).fill(1);
    const offset = new Float32Array(shape.batchSize);
    for (let i = 0; i < shape.batchSize; i++) {
      const v = drawUniform(random, (this.delta ?? this.factor)!);
      if (!applied[i]) continue;
      if (this.delta) offset[i] = v;
      else scale[i] = v;
    }
    return { scale, offset };
  }

  applyParameters(images: tf.Tensor4D, p: BrightnessParameters): tf.Tensor4D {
    return tf.tidy(() => clipTo(images.toFloat().mul(perImage(p.scale)).add(perImage(p.offset)), this.valueRange));
  }
}

/** Brightens or darkens each image by a random offset (`delta`) or factor (`factor`). */
export function brightness(options: BrightnessOptions): Brightness {
  return new Brightness(options);
}

// ---------------------------------------------------------------- contrast

export interface ContrastOptions {
  /**
   * Contrast factor: f means [1-f, 1+f], [lo, hi] as given. Each channel of each
   * image becomes (x - mean) * factor + mean, the mean taken over its pixels
   * (as `tf.image.adjust_contrast`).
   */
  factor: Range;
  /** Clip the result to [low, high] (default: no clipping). */
  valueRange?: [number, number];
  /** Chance that an image is changed at all (default 1). */
  probability?: number;
}

export interface ContrastParameters {
  factor: Float32Array;
}

export class Contrast extends ParametricAugmentation<ContrastParameters> {
  readonly name: string;
  readonly factor: [number, number];
  readonly valueRange: [number, number] | undefined;
  readonly probability: number;

  constructor(options: ContrastOptions) {
    super();
    checkKnownKeys(options ?? {}, ['factor', 'valueRange', 'probability'], 'contrast');
    if (options?.factor === undefined) throw new InvalidArgumentError('contrast.factor', 'a number f (meaning [1-f, 1+f]) or [low, high]', undefined);
    this.factor = factorRange(options.factor, 'contrast.factor');
    this.valueRange = optionalValueRange(options.valueRange, 'contrast.valueRange');
    this.probability = checkProbability(options.probability ?? 1, 'contrast.probability');
    this.name = `contrast(×[${this.factor.map((v) => Number(v.toPrecision(4))).join(', ')}])`;
  }

  sample(shape: BatchShape, random: SeedStream): ContrastParameters {
    const applied = drawApplied(random, shape.batchSize, this.probability);
    const factor = new Float32Array(shape.batchSize);
    for (let i = 0; i < shape.batchSize; i++) {
      const v = drawUniform(random, this.factor);
      factor[i] = applied[i] ? v : 1;
    }
    return { factor };
  }

  applyParameters(images: tf.Tensor4D, p: ContrastParameters): tf.Tensor4D {
    return tf.tidy(() => {
      const x = images.toFloat();
      const mean = x.mean([1, 2], true);
      return clipTo(x.sub(mean).mul(perImage(p.factor)).add(mean), this.valueRange);
    });
  }
}

/** Scales each image's contrast about its per-channel mean by a random factor. */
export function contrast(options: ContrastOptions): Contrast {
  return new Contrast(options);
}

// ---------------------------------------------------------------- gaussian noise

export interface GaussianNoiseOptions {
  /** Standard deviation: a number is that exact value, [lo, hi] a uniform range per image. */
  std: Range;
  /** Clip the result to [low, high] (default: no clipping). */
  valueRange?: [number, number];
  /** Chance that an image gets noise at all (default 1). */
  probability?: number;
}

export interface NoiseParameters {
  /** Standard deviation per image (0 where skipped). */
  std: Float32Array;
  /** Seed of the batch's normal noise tensor. */
  noiseSeed: number;
}

export class GaussianNoise extends ParametricAugmentation<NoiseParameters> {
  readonly name: string;
  readonly std: [number, number];
  readonly valueRange: [number, number] | undefined;
  readonly probability: number;

  constructor(options: GaussianNoiseOptions) {
    super();
    checkKnownKeys(options ?? {}, ['std', 'valueRange', 'probability'], 'gaussianNoise');
    if (options?.std === undefined) throw new InvalidArgumentError('gaussianNoise.std', 'a standard deviation or [low, high]', undefined);
    this.std = fixedOrRange(options.std, 'gaussianNoise.std');
    if (this.std[0] < 0) throw new InvalidArgumentError('gaussianNoise.std', 'values >= 0', options.std);
    this.valueRange = optionalValueRange(options.valueRange, 'gaussianNoise.valueRange');
    this.probability = checkProbability(options.probability ?? 1, 'gaussianNoise.probability');
    this.name = `gaussianNoise(σ ${this.std[0] === this.std[1] ? this.std[0] : this.std.join('..')})`;
  }

  sample(shape: BatchShape, random: SeedStream): NoiseParameters {
    const applied = drawApplied(random, shape.batchSize, this.probability);
    const std = new Float32Array(shape.batchSize);
    for (let i = 0; i < shape.batchSize; i++) {
      const v = drawUniform(random, this.std);
      std[i] = applied[i] ? v : 0;
    }
    // tfjs seeds must stay below 2^31 to be used as given.
    return { std, noiseSeed: random.next() >>> 1 };
  }

  applyParameters(images: tf.Tensor4D, p: NoiseParameters): tf.Tensor4D {
    return tf.tidy(() => {
      const noise = tf.randomNormal(images.shape, 0, 1, 'float32', p.noiseSeed);
      return clipTo(images.toFloat().add(noise.mul(perImage(p.std))), this.valueRange);
    });
  }
}

/** Adds zero-mean Gaussian noise with a per-image standard deviation. */
export function gaussianNoise(options: GaussianNoiseOptions): GaussianNoise {
  return new GaussianNoise(options);
}
