// Keras-style preprocessing layers. They augment only while training
// (`model.fit` calls layers with `training: true`) and pass images through
// unchanged in `predict`/`evaluate`. Each is registered with tfjs
// serialization under its Keras class name, with Keras' config keys
// (`factor`, `height_factor`, `fill_mode`, ...), so a saved model loads back.
import { tf, InvalidArgumentError, ShapeError, seedStream, getGlobalSeed, type SeedStream } from '@deepcourse/backend';
import { Flip, Rotate, Translate } from '../geometric.js';
import { Contrast } from '../photometric.js';
import { resolveSampling, transformImages, type FillMode, type Interpolation, type ResolvedSampling } from '../image-transform.js';
import { batchOf, IDENTITY, zoomMatrix } from '../matrix.js';
import { checkPair, drawUniform, type BatchShape } from '../validate.js';

type LayerArgs = NonNullable<ConstructorParameters<typeof tf.layers.Layer>[0]>;
type Kwargs = Parameters<tf.layers.Layer['call']>[1];
type Shape = Parameters<tf.layers.Layer['computeOutputShape']>[0];

export interface RandomLayerArgs extends LayerArgs {
  /** Seed of the layer's parameter stream (default: the next seed drawn from the global seed). */
  seed?: number;
}

/** Fill and interpolation arguments of the geometric layers (Keras names, camelCase). */
export interface GeometricLayerArgs extends RandomLayerArgs {
  /** Default 'reflect', as Keras. */
  fillMode?: FillMode;
  /** Default 'bilinear'. */
  interpolation?: Interpolation;
  /** Fill value for fillMode 'constant' (default 0). */
  fillValue?: number;
}

let defaultSeeds: { global: number; stream: SeedStream } | undefined;

/** Seeds for layers created without one: drawn in creation order from the global seed, so runs repeat. */
function nextLayerSeed(): number {
  const global = getGlobalSeed();
  if (defaultSeeds?.global !== global) defaultSeeds = { global, stream: seedStream(global) };
  return defaultSeeds.stream.next();
}

/** Keras factor parsing: f means [-f, f]; [lo, hi] as given. */
function kerasFactor(value: unknown, argument: string): [number, number] {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) throw new InvalidArgumentError(argument, 'a number f >= 0 (meaning [-f, f]) or [low, high]', value);
    return [-value, value];
  }
  return checkPair(value, argument);
}

/** Base of the random preprocessing layers: seed handling, identity at inference. */
export abstract class RandomImageLayer extends tf.layers.Layer {
  readonly seed: number;
  protected readonly random: SeedStream;

  constructor(args: RandomLayerArgs) {
    super(args);
    const seed = args.seed ?? nextLayerSeed();
    if (!Number.isSafeInteger(seed)) throw new InvalidArgumentError(`${this.getClassName()}.seed`, 'a safe integer', seed);
    this.seed = seed;
    this.random = seedStream(seed);
  }

  /** The augmentation of a checked float batch while training. */
  protected abstract augment(images: tf.Tensor4D, shape: BatchShape): tf.Tensor4D;
  /** This layer's own config entries (camelCase; saved as Keras snake_case). */
  protected abstract layerConfig(): tf.serialization.ConfigDict;

  override computeOutputShape(inputShape: Shape): Shape {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor | tf.Tensor[] {
    const input = Array.isArray(inputs) ? inputs[0] : inputs;
    if (!(input instanceof tf.Tensor)) throw new InvalidArgumentError(`${this.name} input`, 'one image batch tensor', inputs);
    // At inference the images pass through (as float32, the dtype training produces).
    if (!kwargs?.['training']) return input.dtype === 'float32' ? input : tf.cast(input, 'float32');
    if (input.rank !== 4) throw new ShapeError(`${this.name} input`, 'a batch of images [N, H, W, C]', `shape [${input.shape.join(', ')}]`);
    const [batchSize, height, width, channels] = input.shape as [number, number, number, number];
    return tf.tidy(() => this.augment(input.toFloat() as tf.Tensor4D, { batchSize, height, width, channels }));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...this.layerConfig(), seed: this.seed };
  }
}

function resolveLayerSampling(args: GeometricLayerArgs, argument: string): ResolvedSampling {
  return resolveSampling(args, argument, { fillMode: 'reflect', fillValue: 0, interpolation: 'bilinear' });
}

// ---------------------------------------------------------------- RandomFlip

export type FlipMode = 'horizontal' | 'vertical' | 'horizontal_and_vertical';

export interface RandomFlipArgs extends RandomLayerArgs {
  /** Keras `mode` (default 'horizontal_and_vertical'); each direction flips with probability 0.5. */
  mode?: FlipMode;
}

export class RandomFlip extends RandomImageLayer {
  static className = 'RandomFlip';
  readonly mode: FlipMode;
  private readonly step: Flip;

  constructor(args: RandomFlipArgs = {}) {
    super(args);
    this.mode = args.mode ?? 'horizontal_and_vertical';
    if (!['horizontal', 'vertical', 'horizontal_and_vertical'].includes(this.mode)) {
      throw new InvalidArgumentError('RandomFlip.mode', "'horizontal', 'vertical' or 'horizontal_and_vertical'", args.mode);
    }
    this.step = new Flip({ horizontal: this.mode !== 'vertical', vertical: this.mode !== 'horizontal', probability: 0.5 });
  }

  protected augment(images: tf.Tensor4D, shape: BatchShape): tf.Tensor4D {
    return this.step.applyParameters(images, this.step.sample(shape, this.random));
  }

  protected layerConfig(): tf.serialization.ConfigDict {
    return { mode: this.mode };
  }
}

// ---------------------------------------------------------------- RandomRotation

export interface RandomRotationArgs extends GeometricLayerArgs {
  /** Keras `factor`, a fraction of a full turn: f means [-f·360°, f·360°]; positive is counter-clockwise. */
  factor: number | [number, number];
}

export class RandomRotation extends RandomImageLayer {
  static className = 'RandomRotation';
  readonly factor: number | [number, number];
  readonly sampling: ResolvedSampling;
  private readonly step: Rotate;

  constructor(args: RandomRotationArgs) {
    super(args);
    this.factor = args.factor;
    const [low, high] = kerasFactor(args.factor, 'RandomRotation.factor');
    this.sampling = resolveLayerSampling(args, 'RandomRotation');
    this.step = new Rotate({ degrees: [low * 360, high * 360], ...this.sampling });
  }

  protected augment(images: tf.Tensor4D, shape: BatchShape): tf.Tensor4D {
    return this.step.applyParameters(images, this.step.sample(shape, this.random));
  }

  protected layerConfig(): tf.serialization.ConfigDict {
    return { factor: this.factor, ...this.sampling };
  }
}

// ---------------------------------------------------------------- RandomTranslation

export interface RandomTranslationArgs extends GeometricLayerArgs {
  /** Keras `height_factor`: vertical shift as a fraction of the height, f means [-f, f]; positive moves down. */
  heightFactor: number | [number, number];
  /** Keras `width_factor`: horizontal shift as a fraction of the width; positive moves right. */
  widthFactor: number | [number, number];
}

export class RandomTranslation extends RandomImageLayer {
  static className = 'RandomTranslation';
  readonly heightFactor: number | [number, number];
  readonly widthFactor: number | [number, number];
  readonly sampling: ResolvedSampling;
  private readonly step: Translate;

  constructor(args: RandomTranslationArgs) {
    super(args);
    this.heightFactor = args.heightFactor;
    this.widthFactor = args.widthFactor;
    const height = kerasFactor(args.heightFactor, 'RandomTranslation.heightFactor');
    const width = kerasFactor(args.widthFactor, 'RandomTranslation.widthFactor');
    this.sampling = resolveLayerSampling(args, 'RandomTranslation');
    this.step = new Translate({ width, height, units: 'fraction', ...this.sampling });
  }

  protected augment(images: tf.Tensor4D, shape: BatchShape): tf.Tensor4D {
    return this.step.applyParameters(images, this.step.sample(shape, this.random));
  }

  protected layerConfig(): tf.serialization.ConfigDict {
    return { heightFactor: this.heightFactor, widthFactor: this.widthFactor, ...this.sampling };
  }
}

// ---------------------------------------------------------------- RandomZoom

export interface RandomZoomArgs extends GeometricLayerArgs {
  /**
   * Keras `height_factor`: f means [-f, f]. A drawn value z shows (1 + z) times
   * the height: positive zooms OUT, negative zooms in (Keras' convention).
   */
  heightFactor: number | [number, number];
  /** Keras `width_factor`; default null: the height's draw, keeping the aspect ratio. */
  widthFactor?: number | [number, number] | null;
}

export class RandomZoom extends RandomImageLayer {
  static className = 'RandomZoom';
  readonly heightFactor: number | [number, number];
  readonly widthFactor: number | [number, number] | null;
  readonly sampling: ResolvedSampling;
  private readonly heightRange: [number, number];
  private readonly widthRange: [number, number] | undefined;

  constructor(args: RandomZoomArgs) {
    super(args);
    this.heightFactor = args.heightFactor;
    this.widthFactor = args.widthFactor ?? null;
    this.heightRange = kerasFactor(args.heightFactor, 'RandomZoom.heightFactor');
    this.widthRange = this.widthFactor === null ? undefined : kerasFactor(this.widthFactor, 'RandomZoom.widthFactor');
    for (const [range, name] of [[this.heightRange, 'heightFactor'], [this.widthRange, 'widthFactor']] as const) {
      if (range && range[0] <= -1) throw new InvalidArgumentError(`RandomZoom.${name}`, 'values above -1', range);
    }
    this.sampling = resolveLayerSampling(args, 'RandomZoom');
  }

  protected augment(images: tf.Tensor4D, shape: BatchShape): tf.Tensor4D {
    const matrices = batchOf(shape.batchSize, () => {
      const zh = 1 + drawUniform(this.random, this.heightRange);
      const zw = this.widthRange ? 1 + drawUniform(this.random, this.widthRange) : zh;
      // Keras scales input coordinates by (1 + z); magnification is its inverse.
      return zh === 1 && zw === 1 ? IDENTITY : zoomMatrix(1 / zw, 1 / zh, shape.height, shape.width);
    });
    return transformImages(images, matrices, this.sampling);
  }

  protected layerConfig(): tf.serialization.ConfigDict {
    return { heightFactor: this.heightFactor, widthFactor: this.widthFactor, ...this.sampling };
  }
}

// ---------------------------------------------------------------- RandomContrast

export interface RandomContrastArgs extends RandomLayerArgs {
  /** Keras `factor`: f means a contrast factor in [1-f, 1+f]; [lower, upper] means [1-lower, 1+upper]. */
  factor: number | [number, number];
  /** Keras 3 `value_range`: results are clipped to it (default [0, 255]). */
  valueRange?: [number, number];
}

export class RandomContrast extends RandomImageLayer {
  static className = 'RandomContrast';
  readonly factor: number | [number, number];
  readonly valueRange: [number, number];
  private readonly step: Contrast;

  constructor(args: RandomContrastArgs) {
    super(args);
    this.factor = args.factor;
    const [lower, upper] = typeof args.factor === 'number' ? [args.factor, args.factor] : checkPair(args.factor, 'RandomContrast.factor');
    if (!(lower >= 0 && lower <= 1 && upper >= 0 && Number.isFinite(upper))) {
      throw new InvalidArgumentError('RandomContrast.factor', 'f in [0, 1] or [lower, upper] with 0 <= lower <= 1 and upper >= 0', args.factor);
    }
    this.valueRange = checkPair(args.valueRange ?? [0, 255], 'RandomContrast.valueRange');
    this.step = new Contrast({ factor: [1 - lower, 1 + upper], valueRange: this.valueRange });
  }

  protected augment(images: tf.Tensor4D, shape: BatchShape): tf.Tensor4D {
    return this.step.applyParameters(images, this.step.sample(shape, this.random));
  }

  protected layerConfig(): tf.serialization.ConfigDict {
    return { factor: this.factor, valueRange: this.valueRange };
  }
}

for (const cls of [RandomFlip, RandomRotation, RandomTranslation, RandomZoom, RandomContrast]) {
  tf.serialization.registerClass(cls as unknown as tf.serialization.SerializableConstructor<tf.serialization.Serializable>);
}

/** Mirrors images while training (Keras `RandomFlip`). */
export function randomFlip(args: RandomFlipArgs = {}): RandomFlip {
  return new RandomFlip(args);
}
/** Rotates images while training (Keras `RandomRotation`). */
export function randomRotation(args: RandomRotationArgs): RandomRotation {
  return new RandomRotation(args);
}
/** Shifts images while training (Keras `RandomTranslation`). */
export function randomTranslation(args: RandomTranslationArgs): RandomTranslation {
  return new RandomTranslation(args);
}
/** Zooms images while training (Keras `RandomZoom`). */
export function randomZoom(args: RandomZoomArgs): RandomZoom {
  return new RandomZoom(args);
}
/** Changes contrast while training (Keras `RandomContrast`). */
export function randomContrast(args: RandomContrastArgs): RandomContrast {
  return new RandomContrast(args);
}
