import { tf } from '../tf.js';
import { InvalidArgumentError, ShapeError } from '../errors.js';

export interface ImageGridOptions {
  /** Images per row (default: ceil(sqrt(N))). */
  columns?: number;
  /** Pixels between and around the images (default 2). */
  padding?: number;
  /** Value of the padding pixels (default 1: white for images in [0, 1]). */
  padValue?: number;
}

/** Tiles a batch `[N, H, W, C]` into one image `[rows*(H+p)+p, cols*(W+p)+p, C]`, row by row. */
export function imageGrid(images: tf.Tensor4D, options: ImageGridOptions = {}): tf.Tensor3D {
  if (images.rank !== 4) throw new ShapeError('images', 'a batch [N, H, W, C]', `shape [${images.shape.join(', ')}]`);
  const [n, h, w, c] = images.shape;
  if (n === 0) throw new ShapeError('images', 'at least one image', 'an empty batch');
  const columns = options.columns ?? Math.ceil(Math.sqrt(n));
  if (!Number.isInteger(columns) || columns < 1) throw new InvalidArgumentError('columns', 'a positive integer', options.columns);
  const padding = options.padding ?? 2;
  if (!Number.isInteger(padding) || padding < 0) throw new InvalidArgumentError('padding', 'a non-negative integer', options.padding);
  const padValue = options.padValue ?? 1;
  const rows = Math.ceil(n / columns);
  return tf.tidy(() => {
    let batch: tf.Tensor4D = images.toFloat();
    if (rows * columns > n) batch = batch.concat(tf.fill([rows * columns - n, h, w, c], padValue), 0);
    // Pad each tile below and right, lay tiles out, then pad the whole grid above and left.
    const tiles = batch.pad([[0, 0], [0, padding], [0, padding], [0, 0]], padValue);
    const grid = tiles
      .reshape([rows, columns, h + padding, w + padding, c])
      .transpose([0, 2, 1, 3, 4])
      .reshape([rows * (h + padding), columns * (w + padding), c]);
    return grid.pad([[padding, 0], [padding, 0], [0, 0]], padValue) as tf.Tensor3D;
  });
}
