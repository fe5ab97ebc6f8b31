import { tf } from '../tf.js';
import { InvalidArgumentError, ShapeError } from '../errors.js';
import { applyColormap, type ColormapName, type ColormapOptions } from './colormap.js';

export interface OverlayOptions extends ColormapOptions {
  /** Default `'jet'`, the classic Grad-CAM look. */
  colormap?: ColormapName;
  /** Weight of the heatmap colour, 0 (image only) to 1 (heatmap only); default 0.4. */
  alpha?: number;
}

/**
 * Blends a heatmap `[h, w]` (resized bilinearly to the image) over an image
 * `[H, W, 1 | 3]` in [0, 1]; returns RGB `[H, W, 3]` in [0, 1]. The heatmap's
 * range defaults to `'auto'` (its own min to max).
 */
export function overlayHeatmap(image: tf.Tensor3D, heatmap: tf.Tensor, options: OverlayOptions = {}): tf.Tensor3D {
  if (image.rank !== 3 || (image.shape[2] !== 1 && image.shape[2] !== 3)) {
    throw new ShapeError('image', '[H, W, 1] or [H, W, 3]', `shape [${image.shape.join(', ')}]`);
  }
  const map2d = heatmap.rank === 3 && heatmap.shape[2] === 1 ? heatmap.shape.slice(0, 2) : heatmap.shape;
  if (map2d.length !== 2) throw new ShapeError('heatmap', '[h, w] or [h, w, 1]', `shape [${heatmap.shape.join(', ')}]`);
  const alpha = options.alpha ?? 0.4;
  if (!(alpha >= 0 && alpha <= 1)) throw new InvalidArgumentError('alpha', 'a number in [0, 1]', options.alpha);
  const [height, width] = image.shape;
  return tf.tidy(() => {
    const resized = tf.image
      .resizeBilinear(heatmap.toFloat().reshape([map2d[0] as number, map2d[1] as number, 1]) as tf.Tensor3D, [height, width], true)
      .squeeze([2]);
    const colored = applyColormap(resized, options.colormap ?? 'jet', { range: options.range ?? 'auto' });
    const rgb = image.shape[2] === 1 ? tf.tile(image.toFloat(), [1, 1, 3]) : image.toFloat();
    return colored.mul(alpha).add(rgb.mul(1 - alpha)) as tf.Tensor3D;
  });
}
