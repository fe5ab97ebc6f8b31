import { tf, InvalidArgumentError, type SeedStream } from '@deepcourse/backend';
import { ParametricAugmentation } from './augmentation.js';
import { checkFinite, checkKnownKeys, checkProbability, drawApplied, drawUniform, fixedOrRange, type BatchShape, type Range } from './validate.js';

export interface CutoutOptions {
  /**
   * Side of each erased rectangle as a fraction of the image height and width:
   * a number is that exact fraction, [lo, hi] a uniform range per rectangle.
   */
  size: Range;
  /** Rectangles per image (default 1). */
  count?: number;
  /** Value written into the rectangles (default 0). */
  value?: number;
  /** Chance that an image is erased at all (default 1). */
  probability?: number;
}

export interface CutoutParameters {
  /** Rectangles per image. */
  count: number;
  /**
   * Per image and rectangle: [top, left, bottom, right) in pixels, clipped to
   * the image (an empty rectangle where skipped); length N·count·4.
   */
  boxes: Int32Array;
}

/**
 * Random erasing (cutout, DeVries & Taylor 2017): each rectangle is centred on
 * a uniformly drawn pixel and clipped at the image border, so erased area near
 * the edges is smaller, as in the paper.
 */
export class Cutout extends ParametricAugmentation<CutoutParameters> {
  readonly name: string;
  readonly size: [number, number];
  readonly count: number;
  readonly value: number;
  readonly probability: number;

  constructor(options: CutoutOptions) {
    super();
    checkKnownKeys(options ?? {}, ['size', 'count', 'value', 'probability'], 'cutout');
    if (options?.size === undefined) throw new InvalidArgumentError('cutout.size', 'a fraction of the image side or [low, high]', undefined);
    this.size = fixedOrRange(options.size, 'cutout.size');
    if (this.size[0] < 0 || this.size[1] > 1) throw new InvalidArgumentError('cutout.size', 'fractions in [0, 1]', options.size);
    this.count = options.count ?? 1;
    if (!Number.isInteger(this.count) || this.count < 1) throw new InvalidArgumentError('cutout.count', 'a positive integer', options.count);
    this.value = checkFinite(options.value ?? 0, 'cutout.value');
    this.probability = checkProbability(options.probability ?? 1, 'cutout.probability');
    this.name = `cutout(${this.count}× ${this.size[0] === this.size[1] ? this.size[0] : this.size.join('..')})`;
  }

  sample(shape: BatchShape, random: SeedStream): CutoutParameters {
    const { batchSize, height, width } = shape;
    const applied = drawApplied(random, batchSize, this.probability);
    const boxes = new Int32Array(batchSize * this.count * 4);
    for (let i = 0; i < batchSize; i++) {
      for (let k = 0; k < this.count; k++) {
        const fraction = drawUniform(random, this.size);
        const cy = random.uniformInt(0, height);
        const cx = random.uniformInt(0, width);
        if (!applied[i]) continue;
        const h = Math.round(fraction * height);
        const w = Math.round(fraction * width);
        const top = cy - Math.floor(h / 2);
        const left = cx - Math.floor(w / 2);
        boxes.set([Math.max(0, top), Math.max(0, left), Math.min(height, top + h), Math.min(width, left + w)], (i * this.count + k) * 4);
      }
    }
    return { count: this.count, boxes };
  }

  applyParameters(images: tf.Tensor4D, p: CutoutParameters): tf.Tensor4D {
    const [n, height, width] = images.shape as [number, number, number, number];
    return tf.tidy(() => {
      const boxes = tf.tensor3d(p.boxes, [n, p.count, 4], 'int32');
      const [top, left, bottom, right] = tf.split(boxes.reshape([n, p.count, 1, 1, 4]), 4, 4).map((t) => t.squeeze([4]));
      const rows = tf.range(0, height, 1, 'int32').reshape([1, 1, height, 1]);
      const cols = tf.range(0, width, 1, 'int32').reshape([1, 1, 1, width]);
      const inRows = tf.logicalAnd(tf.greaterEqual(rows, top!), tf.less(rows, bottom!));
      const inCols = tf.logicalAnd(tf.greaterEqual(cols, left!), tf.less(cols, right!));
      // [N, count, H, W] → any rectangle covers the pixel → [N, H, W, 1].
      const mask = tf.logicalAnd(inRows, inCols).any(1).expandDims(3).toFloat();
      const x = images.toFloat();
      return x.mul(tf.scalar(1).sub(mask)).add(mask.mul(this.value)) as tf.Tensor4D;
    });
  }
}

/** Erases `count` random rectangles per image (random erasing / cutout). */
export function cutout(options: CutoutOptions): Cutout {
  return new Cutout(options);
}
