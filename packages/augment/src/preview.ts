import { tf, imageGrid, InvalidArgumentError, ShapeError } from '@deepcourse/backend';
import { Augmentation } from './augmentation.js';
import { checkPair, type Seed } from './validate.js';

export interface AugmentationGridOptions {
  /** Seed of the drawn augmentations (default: the global seed). */
  seed?: Seed;
  /** Put the unchanged image first (default true). */
  includeOriginal?: boolean;
  /** Images per row (default: about square). */
  columns?: number;
  /** Pixels between images (default 2). */
  padding?: number;
  /**
   * The range of the image's values, mapped to [0, 1] for display; values
   * outside are clipped. Default [0, 1], or [0, 255] when the image has values above 1.
   */
  valueRange?: [number, number];
}

/**
 * `n` augmented copies of one image `[H, W, C]` (or `[1, H, W, C]`) tiled into
 * one float32 picture in [0, 1] (`imageGrid` from the backend), the original
 * first. Write it as PNG with `writeAugmentationGrid` from '@deepcourse/augment/node'.
 */
export function augmentationGrid(image: tf.Tensor, augmentation: Augmentation, n: number, options: AugmentationGridOptions = {}): tf.Tensor3D {
  if (!(image instanceof tf.Tensor) || !(image.rank === 3 || (image.rank === 4 && image.shape[0] === 1))) {
    throw new ShapeError('image', 'one image [H, W, C] or [1, H, W, C]', image instanceof tf.Tensor ? `shape [${image.shape.join(', ')}]` : String(image));
  }
  if (!(augmentation instanceof Augmentation)) throw new InvalidArgumentError('augmentation', 'an augmentation (flip(), compose([...]), ...)', augmentation);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('n', 'a positive integer', n);
  const channels = image.shape[image.rank - 1]!;
  if (![1, 3, 4].includes(channels)) throw new ShapeError('image', 'an image with 1, 3 or 4 channels', `${channels} channels`);
  const valueRange = options.valueRange === undefined ? undefined : checkPair(options.valueRange, 'valueRange');
  return tf.tidy(() => {
    const single = (image.rank === 3 ? image.expandDims(0) : image).toFloat() as tf.Tensor4D;
    const [low, high] = valueRange ?? (single.max().dataSync()[0]! > 1 ? [0, 255] : [0, 1]);
    const copies = augmentation.apply(tf.tile(single, [n, 1, 1, 1]), { seed: options.seed });
    const batch = options.includeOriginal === false ? copies : tf.concat([single, copies], 0);
    const display = batch.sub(low).div(high - low || 1).clipByValue(0, 1) as tf.Tensor4D;
    return imageGrid(display, {
      ...(options.columns === undefined ? {} : { columns: options.columns }),
      ...(options.padding === undefined ? {} : { padding: options.padding }),
    });
  });
}
