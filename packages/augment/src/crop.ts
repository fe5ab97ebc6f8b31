import { tf, InvalidArgumentError, type SeedStream } from '@deepcourse/backend';
import { ParametricAugmentation } from './augmentation.js';
import { checkKnownKeys, checkPair, checkProbability, drawApplied, drawUniform, fixedOrRange, type BatchShape, type Range } from './validate.js';

export interface RandomCropOptions {
  /** Crop a fixed [height, width] in pixels at a random position. */
  size?: [number, number];
  /**
   * Or crop a random area: the fraction of the image area ([lo, hi], or a number
   * for an exact fraction), with an aspect ratio from `aspectRatio`
   * (Inception-style "random resized crop").
   */
  scale?: Range;
  /** Width/height ratio range of area crops, drawn log-uniformly (default [3/4, 4/3]). */
  aspectRatio?: [number, number];
  /** Size the crops are resized to (default: the input's height and width). */
  outputSize?: [number, number];
  /** Resize method (default 'bilinear'). */
  interpolation?: 'bilinear' | 'nearest';
  /** Chance that an image is cropped (default 1); others are only resized. */
  probability?: number;
}

export interface CropParameters {
  /** Per image [top, left, height, width] in pixels, length N·4. */
  boxes: Int32Array;
}

/** Crops a random window of each image and resizes it (one `tf.image.cropAndResize` for the batch). */
export class RandomCrop extends ParametricAugmentation<CropParameters> {
  readonly name: string;
  readonly size: [number, number] | undefined;
  readonly scale: [number, number] | undefined;
  readonly aspectRatio: [number, number];
  readonly outputSize: [number, number] | undefined;
  readonly interpolation: 'bilinear' | 'nearest';
  readonly probability: number;

  constructor(options: RandomCropOptions) {
    super();
    checkKnownKeys(options ?? {}, ['size', 'scale', 'aspectRatio', 'outputSize', 'interpolation', 'probability'], 'randomCrop');
    if ((options?.size === undefined) === (options?.scale === undefined)) {
      throw new InvalidArgumentError('randomCrop', 'exactly one of size ([height, width] pixels) or scale (area fraction)', options);
    }
    this.size = options.size === undefined ? undefined : positiveIntegers(options.size, 'randomCrop.size');
    this.scale = options.scale === undefined ? undefined : fixedOrRange(options.scale, 'randomCrop.scale');
    if (this.scale && (this.scale[0] <= 0 || this.scale[1] > 1)) throw new InvalidArgumentError('randomCrop.scale', 'area fractions in (0, 1]', options.scale);
    this.aspectRatio = checkPair(options.aspectRatio ?? [3 / 4, 4 / 3], 'randomCrop.aspectRatio');
    if (this.aspectRatio[0] <= 0) throw new InvalidArgumentError('randomCrop.aspectRatio', 'ratios above 0', options.aspectRatio);
    this.outputSize = options.outputSize === undefined ? undefined : positiveIntegers(options.outputSize, 'randomCrop.outputSize');
    this.interpolation = options.interpolation ?? 'bilinear';
    if (this.interpolation !== 'bilinear' && this.interpolation !== 'nearest') {
      throw new InvalidArgumentError('randomCrop.interpolation', "'bilinear' or 'nearest'", options.interpolation);
    }
    this.probability = checkProbability(options.probability ?? 1, 'randomCrop.probability');
    const what = this.size ? `${this.size[0]}x${this.size[1]}` : `area ${this.scale!.join('..')}`;
    this.name = `randomCrop(${what}${this.outputSize ? ` → ${this.outputSize.join('x')}` : ''})`;
  }

  sample(shape: BatchShape, random: SeedStream): CropParameters {
    const { batchSize, height, width } = shape;
    if (this.size && (this.size[0] > height || this.size[1] > width)) {
      throw new InvalidArgumentError('randomCrop.size', `at most the image size ${height}x${width}`, `${this.size[0]}x${this.size[1]}`);
    }
    const applied = drawApplied(random, batchSize, this.probability);
    const boxes = new Int32Array(batchSize * 4);
    for (let i = 0; i < batchSize; i++) {
      const [h, w] = this.size ?? this.drawAreaCrop(height, width, random);
      const top = random.uniformInt(0, height - h + 1);
      const left = random.uniformInt(0, width - w + 1);
      boxes.set(applied[i] ? [top, left, h, w] : [0, 0, height, width], i * 4);
    }
    return { boxes };
  }

  /** torchvision's RandomResizedCrop rule: 10 tries, then a centre-style crop with the ratio clamped. */
  private drawAreaCrop(height: number, width: number, random: SeedStream): [number, number] {
    const area = height * width;
    const [logLow, logHigh] = [Math.log(this.aspectRatio[0]), Math.log(this.aspectRatio[1])];
    for (let attempt = 0; attempt < 10; attempt++) {
      const target = area * drawUniform(random, this.scale!);
      const ratio = Math.exp(drawUniform(random, [logLow, logHigh]));
      const w = Math.round(Math.sqrt(target * ratio));
      const h = Math.round(Math.sqrt(target / ratio));
      if (w > 0 && h > 0 && w <= width && h <= height) return [h, w];
    }
    const ratio = width / height;
    if (ratio < this.aspectRatio[0]) return [Math.max(1, Math.round(width / this.aspectRatio[0])), width];
    if (ratio > this.aspectRatio[1]) return [height, Math.max(1, Math.round(height * this.aspectRatio[1]))];
    return [height, width];
  }

  applyParameters(images: tf.Tensor4D, p: CropParameters): tf.Tensor4D {
    const [n, height, width] = images.shape as [number, number, number, number];
    const [outHeight, outWidth] = this.outputSize ?? [height, width];
    // cropAndResize takes box corners as fractions of (size - 1): pixel centres top..top+h-1.
    const normalised = new Float32Array(n * 4);
    const boxIndices = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const [top, left, h, w] = p.boxes.subarray(i * 4, i * 4 + 4) as unknown as [number, number, number, number];
      const fy = height > 1 ? 1 / (height - 1) : 0;
      const fx = width > 1 ? 1 / (width - 1) : 0;
      normalised.set([top * fy, left * fx, (top + h - 1) * fy, (left + w - 1) * fx], i * 4);
      boxIndices[i] = i;
    }
    return tf.tidy(() =>
      tf.image.cropAndResize(images.toFloat(), tf.tensor2d(normalised, [n, 4]), tf.tensor1d(boxIndices, 'int32'), [outHeight, outWidth], this.interpolation),
    );
  }
}

function positiveIntegers(value: unknown, argument: string): [number, number] {
  if (!Array.isArray(value) || value.length !== 2 || !value.every((v) => Number.isInteger(v) && v >= 1)) {
    throw new InvalidArgumentError(argument, 'two positive integers [height, width]', value);
  }
  return [value[0] as number, value[1] as number];
}

/** Crops a random window of each image (fixed `size` or random area `scale`) and resizes it. */
export function randomCrop(options: RandomCropOptions): RandomCrop {
  return new RandomCrop(options);
}
