import { InvalidArgumentError, type SeedStream } from '@deepcourse/backend';
import { AffineAugmentation, Augmentation, Pipeline } from './augmentation.js';
import { resolveSampling, type ResolvedSampling, type SamplingOptions } from './image-transform.js';
import {
  batchOf,
  flipMatrix,
  IDENTITY,
  rotationMatrix,
  shearXMatrix,
  shearYMatrix,
  translationMatrix,
  zoomMatrix,
} from './matrix.js';
import {
  checkKnownKeys,
  checkPositiveRange,
  checkProbability,
  drawApplied,
  drawUniform,
  fixedOrRange,
  symmetricRange,
  type BatchShape,
  type Range,
} from './validate.js';

const SAMPLING_KEYS = ['fillMode', 'fillValue', 'interpolation'] as const;

function formatRange([low, high]: readonly [number, number], unit = ''): string {
  const f = (v: number) => `${Number(v.toPrecision(4))}${unit}`;
  if (low === high) return f(low);
  if (low === -high) return `±${f(high)}`;
  return `${f(low)}..${f(high)}`;
}

// ---------------------------------------------------------------- flip

export interface FlipOptions {
  /** Mirror left-right (default true). */
  horizontal?: boolean;
  /** Mirror top-bottom (default false). */
  vertical?: boolean;
  /** Chance that each image is flipped, per direction, drawn independently (default 0.5). */
  probability?: number;
}

export interface FlipParameters {
  /** 1 where the image is mirrored left-right. */
  horizontal: Uint8Array;
  /** 1 where the image is mirrored top-bottom. */
  vertical: Uint8Array;
}

export class Flip extends AffineAugmentation<FlipParameters> {
  readonly name: string;
  readonly sampling = undefined;
  readonly horizontal: boolean;
  readonly vertical: boolean;
  readonly probability: number;

  constructor(options: FlipOptions = {}) {
    super();
    checkKnownKeys(options, ['horizontal', 'vertical', 'probability'], 'flip');
    this.horizontal = options.horizontal ?? true;
    this.vertical = options.vertical ?? false;
    this.probability = checkProbability(options.probability ?? 0.5, 'flip.probability');
    if (typeof this.horizontal !== 'boolean' || typeof this.vertical !== 'boolean') {
      throw new InvalidArgumentError('flip.horizontal/vertical', 'booleans', `${String(options.horizontal)}, ${String(options.vertical)}`);
    }
    const axes = [this.horizontal ? 'horizontal' : '', this.vertical ? 'vertical' : ''].filter(Boolean).join('+') || 'none';
    this.name = `flip(${axes}, p=${this.probability})`;
  }

  sample(shape: BatchShape, random: SeedStream): FlipParameters {
    const none = new Uint8Array(shape.batchSize);
    return {
      horizontal: this.horizontal ? drawApplied(random, shape.batchSize, this.probability) : none,
      vertical: this.vertical ? drawApplied(random, shape.batchSize, this.probability) : none,
    };
  }

  matrices(p: FlipParameters, shape: BatchShape): Float64Array {
    return batchOf(shape.batchSize, (i) => flipMatrix(p.horizontal[i] === 1, p.vertical[i] === 1, shape.height, shape.width));
  }
}

/** Mirrors each image left-right and/or top-bottom with a probability (exact: no resampling). */
export function flip(options: FlipOptions = {}): Flip {
  return new Flip(options);
}

// ---------------------------------------------------------------- rotate

export interface RotateOptions extends SamplingOptions {
  /** Angle range in degrees, counter-clockwise as displayed: d means [-d, d]; [lo, hi] as given. */
  degrees: Range;
  /** Chance that an image is rotated at all (default 1). */
  probability?: number;
}

export interface AngleParameters {
  /** Angle per image in radians (0 where the step was skipped). */
  radians: Float64Array;
}

export class Rotate extends AffineAugmentation<AngleParameters> {
  readonly name: string;
  readonly sampling: ResolvedSampling;
  readonly degrees: [number, number];
  readonly probability: number;

  constructor(options: RotateOptions) {
    super();
    checkKnownKeys(options ?? {}, ['degrees', 'probability', ...SAMPLING_KEYS], 'rotate');
    if (options?.degrees === undefined) throw new InvalidArgumentError('rotate.degrees', 'a number d (meaning ±d degrees) or [low, high]', undefined);
    this.degrees = symmetricRange(options.degrees, 'rotate.degrees');
    this.probability = checkProbability(options.probability ?? 1, 'rotate.probability');
    this.sampling = resolveSampling(options, 'rotate');
    this.name = `rotate(${formatRange(this.degrees, '°')})`;
  }

  sample(shape: BatchShape, random: SeedStream): AngleParameters {
    const applied = drawApplied(random, shape.batchSize, this.probability);
    const radians = new Float64Array(shape.batchSize);
    for (let i = 0; i < shape.batchSize; i++) {
      const degrees = drawUniform(random, this.degrees);
      radians[i] = applied[i] ? (degrees * Math.PI) / 180 : 0;
    }
    return { radians };
  }

  matrices(p: AngleParameters, shape: BatchShape): Float64Array {
    return batchOf(shape.batchSize, (i) => (p.radians[i] === 0 ? IDENTITY : rotationMatrix(p.radians[i]!, shape.height, shape.width)));
  }
}

/** Rotates each image about its centre by an angle drawn uniformly from `degrees`. */
export function rotate(options: RotateOptions): Rotate {
  return new Rotate(options);
}

// ---------------------------------------------------------------- translate

export interface TranslateOptions extends SamplingOptions {
  /** Horizontal shift range (right is positive): d means [-d, d]. Default 0. */
  width?: Range;
  /** Vertical shift range (down is positive): d means [-d, d]. Default 0. */
  height?: Range;
  /** 'fraction' (default) of the image width/height, or 'pixels'. */
  units?: 'fraction' | 'pixels';
  /** Chance that an image is shifted at all (default 1). */
  probability?: number;
}

export interface ShiftParameters {
  /** Shift per image in pixels, right positive. */
  dx: Float64Array;
  /** Shift per image in pixels, down positive. */
  dy: Float64Array;
}

export class Translate extends AffineAugmentation<ShiftParameters> {
  readonly name: string;
  readonly sampling: ResolvedSampling;
  readonly width: [number, number];
  readonly height: [number, number];
  readonly units: 'fraction' | 'pixels';
  readonly probability: number;

  constructor(options: TranslateOptions) {
    super();
    checkKnownKeys(options ?? {}, ['width', 'height', 'units', 'probability', ...SAMPLING_KEYS], 'translate');
    this.width = symmetricRange(options?.width ?? 0, 'translate.width');
    this.height = symmetricRange(options?.height ?? 0, 'translate.height');
    this.units = options?.units ?? 'fraction';
    if (this.units !== 'fraction' && this.units !== 'pixels') throw new InvalidArgumentError('translate.units', "'fraction' or 'pixels'", options.units);
    this.probability = checkProbability(options?.probability ?? 1, 'translate.probability');
    this.sampling = resolveSampling(options ?? {}, 'translate');
    const unit = this.units === 'pixels' ? 'px' : '';
    this.name = `translate(x ${formatRange(this.width, unit)}, y ${formatRange(this.height, unit)})`;
  }

  sample(shape: BatchShape, random: SeedStream): ShiftParameters {
    const applied = drawApplied(random, shape.batchSize, this.probability);
    const dx = new Float64Array(shape.batchSize);
    const dy = new Float64Array(shape.batchSize);
    const sx = this.units === 'pixels' ? 1 : shape.width;
    const sy = this.units === 'pixels' ? 1 : shape.height;
    for (let i = 0; i < shape.batchSize; i++) {
      const x = drawUniform(random, this.width) * sx;
      const y = drawUniform(random, this.height) * sy;
      dx[i] = applied[i] ? x : 0;
      dy[i] = applied[i] ? y : 0;
    }
    return { dx, dy };
  }

  matrices(p: ShiftParameters, shape: BatchShape): Float64Array {
    return batchOf(shape.batchSize, (i) => translationMatrix(p.dx[i]!, p.dy[i]!));
  }
}

/** Shifts each image by a random fraction of its size (or pixels). */
export function translate(options: TranslateOptions): Translate {
  return new Translate(options);
}

// ---------------------------------------------------------------- zoom

export interface ZoomOptions extends SamplingOptions {
  /**
   * Magnification: a number is that exact factor, [lo, hi] a uniform range.
   * 1 leaves the image as it is, 1.25 zooms in (the middle 80% fills the image),
   * 0.8 zooms out (the image shrinks, the border is filled).
   */
  scale: Range;
  /** Separate vertical magnification range; default: the horizontal draw (aspect ratio kept). */
  scaleY?: Range;
  /** Chance that an image is zoomed at all (default 1). */
  probability?: number;
}

export interface ZoomParameters {
  /** Horizontal magnification per image. */
  sx: Float64Array;
  /** Vertical magnification per image. */
  sy: Float64Array;
}

export class Zoom extends AffineAugmentation<ZoomParameters> {
  readonly name: string;
  readonly sampling: ResolvedSampling;
  readonly scale: [number, number];
  readonly scaleY: [number, number] | undefined;
  readonly probability: number;

  constructor(options: ZoomOptions) {
    super();
    checkKnownKeys(options ?? {}, ['scale', 'scaleY', 'probability', ...SAMPLING_KEYS], 'zoom');
    if (options?.scale === undefined) throw new InvalidArgumentError('zoom.scale', 'a magnification or a range [low, high]', undefined);
    this.scale = checkPositiveRange(fixedOrRange(options.scale, 'zoom.scale'), 'zoom.scale', options.scale);
    this.scaleY = options.scaleY === undefined ? undefined : checkPositiveRange(fixedOrRange(options.scaleY, 'zoom.scaleY'), 'zoom.scaleY', options.scaleY);
    this.probability = checkProbability(options.probability ?? 1, 'zoom.probability');
    this.sampling = resolveSampling(options, 'zoom');
    this.name = `zoom(${formatRange(this.scale, '×')}${this.scaleY ? `, y ${formatRange(this.scaleY, '×')}` : ''})`;
  }

  sample(shape: BatchShape, random: SeedStream): ZoomParameters {
    const applied = drawApplied(random, shape.batchSize, this.probability);
    const sx = new Float64Array(shape.batchSize);
    const sy = new Float64Array(shape.batchSize);
    for (let i = 0; i < shape.batchSize; i++) {
      const x = drawUniform(random, this.scale);
      const y = this.scaleY ? drawUniform(random, this.scaleY) : x;
      sx[i] = applied[i] ? x : 1;
      sy[i] = applied[i] ? y : 1;
    }
    return { sx, sy };
  }

  matrices(p: ZoomParameters, shape: BatchShape): Float64Array {
    return batchOf(shape.batchSize, (i) =>
      p.sx[i] === 1 && p.sy[i] === 1 ? IDENTITY : zoomMatrix(p.sx[i]!, p.sy[i]!, shape.height, shape.width),
    );
  }
}

/** Zooms each image in or out about its centre by a magnification drawn from `scale`. */
export function zoom(options: ZoomOptions): Zoom {
  return new Zoom(options);
}

// ---------------------------------------------------------------- shear

export interface ShearOptions extends SamplingOptions {
  /** Shear angle range in degrees: d means [-d, d]. */
  degrees: Range;
  /** 'x' (default) slants columns: rows slide sideways; 'y' slides columns up and down. */
  axis?: 'x' | 'y';
  /** Chance that an image is sheared at all (default 1). */
  probability?: number;
}

export class Shear extends AffineAugmentation<AngleParameters> {
  readonly name: string;
  readonly sampling: ResolvedSampling;
  readonly degrees: [number, number];
  readonly axis: 'x' | 'y';
  readonly probability: number;

  constructor(options: ShearOptions) {
    super();
    checkKnownKeys(options ?? {}, ['degrees', 'axis', 'probability', ...SAMPLING_KEYS], 'shear');
    if (options?.degrees === undefined) throw new InvalidArgumentError('shear.degrees', 'a number d (meaning ±d degrees) or [low, high]', undefined);
    this.degrees = symmetricRange(options.degrees, 'shear.degrees');
    if (Math.max(Math.abs(this.degrees[0]), Math.abs(this.degrees[1])) >= 90) {
      throw new InvalidArgumentError('shear.degrees', 'angles strictly between -90 and 90', options.degrees);
    }
    this.axis = options.axis ?? 'x';
    if (this.axis !== 'x' && this.axis !== 'y') throw new InvalidArgumentError('shear.axis', "'x' or 'y'", options.axis);
    this.probability = checkProbability(options.probability ?? 1, 'shear.probability');
    this.sampling = resolveSampling(options, 'shear');
    this.name = `shear(${this.axis} ${formatRange(this.degrees, '°')})`;
  }

  sample(shape: BatchShape, random: SeedStream): AngleParameters {
    const applied = drawApplied(random, shape.batchSize, this.probability);
    const radians = new Float64Array(shape.batchSize);
    for (let i = 0; i < shape.batchSize; i++) {
      const degrees = drawUniform(random, this.degrees);
      radians[i] = applied[i] ? (degrees * Math.PI) / 180 : 0;
    }
    return { radians };
  }

  matrices(p: AngleParameters, shape: BatchShape): Float64Array {
    const build = this.axis === 'x' ? shearXMatrix : shearYMatrix;
    return batchOf(shape.batchSize, (i) => (p.radians[i] === 0 ? IDENTITY : build(p.radians[i]!, shape.height, shape.width)));
  }
}

/** Shears each image by an angle drawn from `degrees`. */
export function shear(options: ShearOptions): Shear {
  return new Shear(options);
}

// ---------------------------------------------------------------- affine

export interface AffineOptions extends SamplingOptions {
  /** Rotation range in degrees (see `rotate`). */
  degrees?: Range;
  /** Horizontal shift as a fraction of the width (see `translate`). */
  width?: Range;
  /** Vertical shift as a fraction of the height. */
  height?: Range;
  /** Magnification (see `zoom`). */
  scale?: Range;
  /** Shear range in degrees along x (see `shear`). */
  shearDegrees?: Range;
  /** Mirror left-right with probability 0.5. */
  horizontalFlip?: boolean;
  /** Mirror top-bottom with probability 0.5. */
  verticalFlip?: boolean;
}

/**
 * A combined random affine transform: flip, zoom, shear, rotation and shift
 * (in that order), drawn per image and applied with ONE resampling of the batch.
 */
export function affine(options: AffineOptions): Pipeline {
  checkKnownKeys(options ?? {}, ['degrees', 'width', 'height', 'scale', 'shearDegrees', 'horizontalFlip', 'verticalFlip', ...SAMPLING_KEYS], 'affine');
  const sampling: SamplingOptions = {};
  for (const key of SAMPLING_KEYS) if (options[key] !== undefined) (sampling as Record<string, unknown>)[key] = options[key];
  const steps: Augmentation[] = [];
  if (options.horizontalFlip || options.verticalFlip) {
    steps.push(flip({ horizontal: options.horizontalFlip ?? false, vertical: options.verticalFlip ?? false }));
  }
  if (options.scale !== undefined) steps.push(zoom({ scale: options.scale, ...sampling }));
  if (options.shearDegrees !== undefined) steps.push(shear({ degrees: options.shearDegrees, ...sampling }));
  if (options.degrees !== undefined) steps.push(rotate({ degrees: options.degrees, ...sampling }));
  if (options.width !== undefined || options.height !== undefined) {
    steps.push(translate({ width: options.width ?? 0, height: options.height ?? 0, ...sampling }));
  }
  return new Pipeline(steps);
}
