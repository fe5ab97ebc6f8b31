import { writeFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { tf, overlayHeatmap, InvalidArgumentError, ShapeError, type OverlayOptions } from '@deepcourse/backend';
import { encodePng } from '@deepcourse/backend/node';

export interface OverlayPngOptions extends OverlayOptions {
  /**
   * The value range of `image`, mapped to [0, 1] before blending: `[min, max]`
   * (default `[0, 1]`) or `'auto'` (the image's own min and max), for inputs
   * normalised in another way.
   */
  imageRange?: readonly [number, number] | 'auto';
}

function squeezeBatch(t: tf.Tensor, rank: number, argument: string, expected: string): tf.Tensor {
  if (t.rank === rank + 1 && t.shape[0] === 1) return t.squeeze([0]);
  if (t.rank === rank) return t;
  throw new ShapeError(argument, expected, `shape [${t.shape.join(', ')}]`);
}

/**
 * Blends a heatmap over an image and encodes the result as a PNG: `image`
 * `[H, W, 1 | 3]` (or a batch of one), `heatmap` `[h, w]` (or `[1, h, w]`,
 * resized bilinearly to the image). Colours come from the backend's colormaps
 * (default `'jet'`, alpha 0.4, heatmap range its own min to max).
 *
 * ```ts
 * const { heatmaps } = await gradCam(model, images);
 * await writeFile('cam.png', overlay(images.slice(0, 1), heatmaps.slice(0, 1)));
 * ```
 */
export function overlay(image: tf.Tensor, heatmap: tf.Tensor, options: OverlayPngOptions = {}): Uint8Array {
  const rgb = tf.tidy(() => {
    const img = squeezeBatch(image, 3, 'image', '[H, W, 1 | 3] or [1, H, W, 1 | 3]').toFloat();
    const map = squeezeBatch(heatmap, 2, 'heatmap', '[h, w] or [1, h, w]');
    const range = options.imageRange ?? [0, 1];
    let scaled: tf.Tensor = img;
    if (range === 'auto') {
      const lo = img.min();
      const span = tf.maximum(img.max().sub(lo), 1e-12);
      scaled = img.sub(lo).div(span);
    } else {
      if (!(range.length === 2 && range[1] > range[0])) throw new InvalidArgumentError('imageRange', "[min, max] with min < max, or 'auto'", range);
      scaled = img.sub(range[0]).div(range[1] - range[0]);
    }
    // Rounding in the blend can step outside [0, 1] by an ulp; encodePng rejects that.
    return overlayHeatmap(scaled.clipByValue(0, 1) as tf.Tensor3D, map, options).clipByValue(0, 1);
  });
  try {
    return encodePng(rgb);
  } finally {
    rgb.dispose();
  }
}

/** Writes `overlay(image, heatmap, options)` to a PNG file, creating folders as needed. */
export async function writeOverlay(path: string, image: tf.Tensor, heatmap: tf.Tensor, options: OverlayPngOptions = {}): Promise<void> {
  const png = overlay(image, heatmap, options);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, png);
}
