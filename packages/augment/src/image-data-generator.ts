import { tf, InvalidArgumentError, ShapeError, type SeedStream } from '@deepcourse/backend';
import { Augmentation, type ApplyOptions } from './augmentation.js';
import { applyGridMaps } from './grid-maps.js';
import { transformImages, type FillMode, type ResolvedSampling } from './image-transform.js';
import { aboutCentre, batchOf, flipMatrix, isIdentityBatch, multiply, type Matrix3 } from './matrix.js';
import { checkFinite, checkImageBatch, checkKnownKeys, checkPair, drawUniform, toSeedStream, type BatchShape, type Seed } from './validate.js';

/**
 * Options of `imageDataGenerator`, Keras' `ImageDataGenerator` arguments in
 * camelCase (`horizontal_flip` → `horizontalFlip`, `width_shift_range` →
 * `widthShiftRange`, `fill_mode` → `fillMode`, ...) with Keras' meanings.
 */
export interface ImageDataGeneratorOptions {
  /** Degrees: each image rotates by uniform(-r, r) (Keras `rotation_range`). */
  rotationRange?: number;
  /**
   * Keras `width_shift_range`: below 1, a fraction of the width (uniform(-r, r) · W);
   * a whole number n >= 1, whole pixels in (-n, n) (Keras' int rule); another
   * number >= 1, uniform(-r, r) pixels; an array, one of its values with a random sign.
   */
  widthShiftRange?: number | readonly number[];
  /** Keras `height_shift_range`, as `widthShiftRange` for rows. */
  heightShiftRange?: number | readonly number[];
  /** Keras `brightness_range` [lo, hi]: pixels multiply by uniform(lo, hi), clipped to [0, 255]. */
  brightnessRange?: readonly [number, number];
  /** Keras `shear_range`: shear angle in degrees, uniform(-r, r). */
  shearRange?: number;
  /** Keras `zoom_range`: z means [1-z, 1+z]; zx and zy are drawn independently; above 1 zooms OUT (Keras' convention). */
  zoomRange?: number | readonly [number, number];
  /** Keras `channel_shift_range`: adds uniform(-r, r) to every channel, clipped to the image's min and max. */
  channelShiftRange?: number;
  /** Keras `fill_mode` (default 'nearest'). */
  fillMode?: FillMode;
  /** Keras `cval`: fill value for fillMode 'constant' (default 0). */
  cval?: number;
  /** Keras `horizontal_flip`: mirror left-right with probability 0.5. */
  horizontalFlip?: boolean;
  /** Keras `vertical_flip`: mirror top-bottom with probability 0.5. */
  verticalFlip?: boolean;
  /** Keras `rescale`: multiply every pixel by this after the random transform (e.g. 1/255). */
  rescale?: number;
  /** Keras `samplewise_center`: subtract each image's mean. */
  samplewiseCenter?: boolean;
  /** Keras `samplewise_std_normalization`: divide each image by its standard deviation. */
  samplewiseStdNormalization?: boolean;
  /** Keras `featurewise_center`: subtract the per-channel mean of the data given to `fit`. */
  featurewiseCenter?: boolean;
  /** Keras `featurewise_std_normalization`: divide by the per-channel std of the data given to `fit`. */
  featurewiseStdNormalization?: boolean;
  /** Keras `preprocessing_function`, here on the whole batch `[N, H, W, C]`; runs first in `standardize`. */
  preprocessingFunction?: (images: tf.Tensor4D) => tf.Tensor4D;
  /** Keras `interpolation_order`: 0 nearest, 1 bilinear (default 1). */
  interpolationOrder?: 0 | 1;
}

const OPTION_KEYS = [
  'rotationRange', 'widthShiftRange', 'heightShiftRange', 'brightnessRange', 'shearRange', 'zoomRange', 'channelShiftRange',
  'fillMode', 'cval', 'horizontalFlip', 'verticalFlip', 'rescale', 'samplewiseCenter', 'samplewiseStdNormalization',
  'featurewiseCenter', 'featurewiseStdNormalization', 'preprocessingFunction', 'interpolationOrder',
] as const;

/** Keras' snake_case names, for a helpful error when one is passed. */
const KERAS_NAMES: Record<string, string> = Object.fromEntries(
  OPTION_KEYS.map((key) => [key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), key]),
);
KERAS_NAMES['cval'] = 'cval';

const UNSUPPORTED: Record<string, string> = {
  zca_whitening: 'ZCA whitening is not implemented',
  zcaWhitening: 'ZCA whitening is not implemented',
  validation_split: 'split the data with @deepcourse/datasets before flow()',
  validationSplit: 'split the data with @deepcourse/datasets before flow()',
  data_format: 'images are always channels-last [N, H, W, C]',
  dataFormat: 'images are always channels-last [N, H, W, C]',
};

/** Per-image parameters of one batch, as Keras' `get_random_transform` returns them (one entry per image). */
export interface KerasTransformParameters {
  /** Rotation in degrees (positive: counter-clockwise as displayed). */
  theta: Float64Array;
  /** Keras `tx`: shift along x in pixels, from widthShiftRange (the output reads tx further right: content moves left). */
  tx: Float64Array;
  /** Keras `ty`: shift along y in pixels, from heightShiftRange (positive moves content up). */
  ty: Float64Array;
  /** Shear in degrees. */
  shear: Float64Array;
  /** Keras `zx`, `zy`: input-coordinate scale along x and y (above 1 zooms out). */
  zx: Float64Array;
  zy: Float64Array;
  flipHorizontal: Uint8Array;
  flipVertical: Uint8Array;
  /** Channel shift intensity (0 when channelShiftRange is unset). */
  channelShiftIntensity: Float64Array;
  /** Brightness factor (1 when brightnessRange is unset). */
  brightness: Float64Array;
}

export interface FlowOptions {
  /** Images per batch (default 32); the last batch of an epoch may be smaller. */
  batchSize?: number;
  /** Shuffle the order every epoch (default true). */
  shuffle?: boolean;
  /** Seed of shuffling and augmentation; each pass over the dataset (epoch) draws anew from it. */
  seed?: Seed;
}

export type FlowElement = {
  xs: tf.Tensor4D;
  ys?: tf.Tensor;
};

type ShiftRange = { kind: 'none' } | { kind: 'uniform'; range: number } | { kind: 'choice'; values: number[] };

/**
 * Keras' `ImageDataGenerator` on batches. Use it as an augmentation
 * (`generator.apply(batch, { seed })`, inside `compose`, `augmentDataset`),
 * or as Keras does with `flow(x, y)` for `model.fitDataset`.
 */
export class ImageDataGenerator extends Augmentation {
  readonly name: string;
  readonly options: Readonly<ImageDataGeneratorOptions>;
  private readonly widthShift: ShiftRange;
  private readonly heightShift: ShiftRange;
  private readonly zoom: [number, number];
  private readonly sampling: ResolvedSampling;
  /** Per-channel mean and std from `fit` (featurewise options). */
  private featureMean: Float32Array | undefined;
  private featureStd: Float32Array | undefined;

  constructor(options: ImageDataGeneratorOptions = {}) {
    super();
    for (const key of Object.keys(options)) {
      if (key in UNSUPPORTED) throw new InvalidArgumentError(`imageDataGenerator.${key}`, 'a supported option', `${JSON.stringify(key)} (${UNSUPPORTED[key]})`);
    }
    checkKnownKeys(options, OPTION_KEYS, 'imageDataGenerator', KERAS_NAMES);
    for (const key of ['rotationRange', 'shearRange', 'channelShiftRange'] as const) {
      const v = options[key];
      if (v !== undefined && (checkFinite(v, `imageDataGenerator.${key}`) < 0)) throw new InvalidArgumentError(`imageDataGenerator.${key}`, 'a number >= 0', v);
    }
    this.widthShift = parseShift(options.widthShiftRange, 'widthShiftRange');
    this.heightShift = parseShift(options.heightShiftRange, 'heightShiftRange');
    const z = options.zoomRange ?? 0;
    this.zoom = typeof z === 'number' ? [1 - checkFinite(z, 'imageDataGenerator.zoomRange'), 1 + z] : checkPair(z, 'imageDataGenerator.zoomRange');
    if (this.zoom[0] <= 0) throw new InvalidArgumentError('imageDataGenerator.zoomRange', 'a range of zoom factors above 0', options.zoomRange);
    if (options.brightnessRange !== undefined) checkPair(options.brightnessRange, 'imageDataGenerator.brightnessRange');
    const fillMode = options.fillMode ?? 'nearest';
    if (!['constant', 'nearest', 'reflect', 'wrap'].includes(fillMode)) {
      throw new InvalidArgumentError('imageDataGenerator.fillMode', "'constant', 'nearest', 'reflect' or 'wrap'", options.fillMode);
    }
    const order = options.interpolationOrder ?? 1;
    if (order !== 0 && order !== 1) throw new InvalidArgumentError('imageDataGenerator.interpolationOrder', '0 (nearest) or 1 (bilinear)', order);
    this.sampling = { fillMode, fillValue: checkFinite(options.cval ?? 0, 'imageDataGenerator.cval'), interpolation: order === 0 ? 'nearest' : 'bilinear' };
    if (options.rescale !== undefined) checkFinite(options.rescale, 'imageDataGenerator.rescale');
    if (options.preprocessingFunction !== undefined && typeof options.preprocessingFunction !== 'function') {
      throw new InvalidArgumentError('imageDataGenerator.preprocessingFunction', 'a function of a batch', options.preprocessingFunction);
    }
    this.options = { ...options };
    const set = Object.entries(options).filter(([, v]) => v !== undefined && v !== false).map(([k]) => k);
    this.name = `imageDataGenerator(${set.join(', ')})`;
  }

  /** Computes the per-channel mean/std that featurewiseCenter / featurewiseStdNormalization use (Keras `fit`). */
  fit(images: tf.Tensor4D): void {
    checkImageBatch(images, 'images');
    const [mean, std] = tf.tidy(() => {
      const moments = tf.moments(images.toFloat(), [0, 1, 2]);
      return [moments.mean.dataSync() as Float32Array, moments.variance.sqrt().dataSync() as Float32Array];
    });
    this.featureMean = Float32Array.from(mean);
    this.featureStd = Float32Array.from(std);
  }

  /** Draws every image's parameters (Keras `get_random_transform`, for a batch). */
  getRandomTransform(shape: BatchShape, random: SeedStream): KerasTransformParameters {
    const n = shape.batchSize;
    const o = this.options;
    const p: KerasTransformParameters = {
      theta: new Float64Array(n), tx: new Float64Array(n), ty: new Float64Array(n), shear: new Float64Array(n),
      zx: new Float64Array(n).fill(1), zy: new Float64Array(n).fill(1),
      flipHorizontal: new Uint8Array(n), flipVertical: new Uint8Array(n),
      channelShiftIntensity: new Float64Array(n), brightness: new Float64Array(n).fill(1),
    };
    const zoomed = !(this.zoom[0] === 1 && this.zoom[1] === 1);
    for (let i = 0; i < n; i++) {
      if (o.rotationRange) p.theta[i] = drawUniform(random, [-o.rotationRange, o.rotationRange]);
      // The documented meaning (tx is the width shift). Keras 2.4+ draws tx from height_shift_range · H
      // and then applies it along x, swapping the two (keras-team/keras#17398); we follow the docs.
      p.tx[i] = drawShift(this.widthShift, shape.width, random);
      p.ty[i] = drawShift(this.heightShift, shape.height, random);
      if (o.shearRange) p.shear[i] = drawUniform(random, [-o.shearRange, o.shearRange]);
      if (zoomed) {
        p.zx[i] = drawUniform(random, this.zoom);
        p.zy[i] = drawUniform(random, this.zoom);
      }
      if (o.horizontalFlip) p.flipHorizontal[i] = random.uniform() < 0.5 ? 1 : 0;
      if (o.verticalFlip) p.flipVertical[i] = random.uniform() < 0.5 ? 1 : 0;
      if (o.channelShiftRange) p.channelShiftIntensity[i] = drawUniform(random, [-o.channelShiftRange, o.channelShiftRange]);
      if (o.brightnessRange) p.brightness[i] = drawUniform(random, o.brightnessRange);
    }
    return p;
  }

  /**
   * The inverse map (output → input, x/y pixel coordinates) of each image, as
   * Keras 2.x' `apply_affine_transform` builds it in (x, y) order: rotation ·
   * shift · shear · zoom about the image centre, then the flips Keras applies
   * afterwards. (Keras centres with o_x = H/2 - 0.5, o_y = W/2 - 0.5, off-centre
   * for non-square images; here the centre is ((W-1)/2, (H-1)/2).)
   */
  transformMatrices(p: KerasTransformParameters, shape: BatchShape): Float64Array {
    const { height, width } = shape;
    return batchOf(shape.batchSize, (i) => {
      const theta = (p.theta[i]! * Math.PI) / 180;
      const shear = (p.shear[i]! * Math.PI) / 180;
      let m: Matrix3 = [Math.cos(theta), -Math.sin(theta), 0, Math.sin(theta), Math.cos(theta), 0, 0, 0, 1];
      m = multiply(m, [1, 0, p.tx[i]!, 0, 1, p.ty[i]!, 0, 0, 1]);
      m = multiply(m, [1, -Math.sin(shear), 0, 0, Math.cos(shear), 0, 0, 0, 1]);
      m = multiply(m, [p.zx[i]!, 0, 0, 0, p.zy[i]!, 0, 0, 0, 1]);
      m = aboutCentre(m, height, width);
      return multiply(m, flipMatrix(p.flipHorizontal[i] === 1, p.flipVertical[i] === 1, height, width));
    });
  }

  /** Applies drawn parameters (Keras `apply_transform`): affine + flips in one resampling, channel shift, brightness. */
  applyTransform(images: tf.Tensor4D, p: KerasTransformParameters): tf.Tensor4D {
    const shape = checkImageBatch(images);
    return tf.tidy(() => {
      let x: tf.Tensor4D = images.toFloat();
      const matrices = this.transformMatrices(p, shape);
      const affine = this.hasAffine();
      if (!isIdentityBatch(matrices)) x = affine ? transformImages(x, matrices, this.sampling) : applyGridMaps(x, matrices);
      if (this.options.channelShiftRange) {
        // Keras clips to the image's own min and max (over all channels).
        const intensity = tf.tensor4d(Float32Array.from(p.channelShiftIntensity), [shape.batchSize, 1, 1, 1]);
        x = tf.minimum(tf.maximum(x.add(intensity), x.min([1, 2, 3], true)), x.max([1, 2, 3], true));
      }
      if (this.options.brightnessRange) {
        // Keras goes through an 8-bit PIL image here, so the result is clipped to [0, 255].
        const factor = tf.tensor4d(Float32Array.from(p.brightness), [shape.batchSize, 1, 1, 1]);
        x = tf.clipByValue(x.mul<tf.Tensor4D>(factor), 0, 255);
      }
      return x;
    });
  }

  private hasAffine(): boolean {
    const o = this.options;
    return Boolean(o.rotationRange || o.shearRange || this.widthShift.kind !== 'none' || this.heightShift.kind !== 'none' || !(this.zoom[0] === 1 && this.zoom[1] === 1));
  }

  /** Keras `standardize`: preprocessingFunction, rescale, samplewise and featurewise normalisation. */
  standardize(images: tf.Tensor4D): tf.Tensor4D {
    checkImageBatch(images);
    const o = this.options;
    if ((o.featurewiseCenter || o.featurewiseStdNormalization) && this.featureMean === undefined) {
      throw new InvalidArgumentError('imageDataGenerator', 'fit(images) called before use (featurewiseCenter/featurewiseStdNormalization need the data statistics)', 'no fit');
    }
    return tf.tidy(() => {
      let x: tf.Tensor4D = images.toFloat();
      if (o.preprocessingFunction) {
        x = o.preprocessingFunction(x);
        checkImageBatch(x, 'preprocessingFunction(images)');
        x = x.toFloat();
      }
      if (o.rescale !== undefined && o.rescale !== 0) x = x.mul(o.rescale);
      if (o.samplewiseCenter) x = x.sub(x.mean([1, 2, 3], true));
      if (o.samplewiseStdNormalization) x = x.div(tf.moments(x, [1, 2, 3], true).variance.sqrt().add(1e-6));
      if (o.featurewiseCenter) x = x.sub(tf.tensor1d(this.featureMean!)) as tf.Tensor4D;
      if (o.featurewiseStdNormalization) x = x.div(tf.tensor1d(this.featureStd!).add(1e-6)) as tf.Tensor4D;
      return x;
    });
  }

  protected run(images: tf.Tensor4D, shape: BatchShape, random: SeedStream): tf.Tensor4D {
    return this.standardize(this.applyTransform(images, this.getRandomTransform(shape, random)));
  }

  /** Random transform only, without `standardize` (Keras `random_transform`, on a batch). */
  randomTransform(images: tf.Tensor4D, options: ApplyOptions = {}): tf.Tensor4D {
    const shape = checkImageBatch(images);
    return this.applyTransform(images, this.getRandomTransform(shape, toSeedStream(options.seed)));
  }

  /**
   * Batches of augmented, standardised images (and their labels, gathered with
   * the same indices) for `model.fitDataset`: one pass over `x` per iteration
   * of the dataset, reshuffled and re-augmented each time. `x` and `y` must
   * stay alive while the dataset is used.
   */
  flow(x: tf.Tensor4D, y?: tf.Tensor, options: FlowOptions = {}): tf.data.Dataset<FlowElement> {
    const shape = checkImageBatch(x, 'x');
    if (y !== undefined) {
      if (!(y instanceof tf.Tensor)) throw new InvalidArgumentError('y', 'a tensor of labels', y);
      if (y.shape[0] !== shape.batchSize) throw new ShapeError('y', `${shape.batchSize} labels (one per image of x)`, `shape [${y.shape.join(', ')}]`);
    }
    const batchSize = options.batchSize ?? 32;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new InvalidArgumentError('batchSize', 'a positive integer', options.batchSize);
    const shuffle = options.shuffle ?? true;
    const root = toSeedStream(options.seed);
    const generator = this;
    return tf.data.generator(function* () {
      const epoch = root.fork();
      const order = shuffle ? epoch.permutation(shape.batchSize) : Int32Array.from({ length: shape.batchSize }, (_, i) => i);
      for (let start = 0; start < shape.batchSize; start += batchSize) {
        const indices = order.subarray(start, Math.min(start + batchSize, shape.batchSize));
        const random = epoch.fork();
        const element = tf.tidy(() => {
          const index = tf.tensor1d(indices, 'int32');
          const xs = generator.apply(tf.gather(x, index), { seed: random });
          return y === undefined ? { xs } : { xs, ys: tf.gather(y, index) };
        });
        yield element;
      }
    });
  }
}

/** Keras' `ImageDataGenerator` (option names in camelCase; see `ImageDataGeneratorOptions`). */
export function imageDataGenerator(options: ImageDataGeneratorOptions = {}): ImageDataGenerator {
  return new ImageDataGenerator(options);
}

function parseShift(value: number | readonly number[] | undefined, name: string): ShiftRange {
  const argument = `imageDataGenerator.${name}`;
  if (value === undefined || value === 0) return { kind: 'none' };
  if (Array.isArray(value)) {
    if (value.length === 0 || !value.every((v) => typeof v === 'number' && Number.isFinite(v))) {
      throw new InvalidArgumentError(argument, 'a non-empty array of finite numbers', value);
    }
    return { kind: 'choice', values: [...value] };
  }
  const r = checkFinite(value, argument);
  if (r < 0) throw new InvalidArgumentError(argument, 'a number >= 0 or an array of shifts', value);
  // Keras: an int n draws np.random.choice(n), i.e. 0..n-1 pixels, with a random sign.
  if (r >= 1 && Number.isInteger(r)) return { kind: 'choice', values: Array.from({ length: r }, (_, i) => i) };
  return { kind: 'uniform', range: r };
}

/** One shift in pixels with Keras' rules (fractions of `size` when every value is below 1). */
function drawShift(shift: ShiftRange, size: number, random: SeedStream): number {
  if (shift.kind === 'none') return 0;
  let value: number;
  let fraction: boolean;
  if (shift.kind === 'uniform') {
    value = drawUniform(random, [-shift.range, shift.range]);
    fraction = shift.range < 1;
  } else {
    value = shift.values[random.uniformInt(0, shift.values.length)]! * (random.uniform() < 0.5 ? -1 : 1);
    fraction = Math.max(...shift.values) < 1;
  }
  return fraction ? value * size : value;
}
