import { tf, InvalidArgumentError, ShapeError } from '@deepcourse/backend';

/**
 * Resizes maps `[N, h, w]` to `[N, height, width]` by bilinear interpolation
 * with half-pixel centres (as OpenCV's and PIL's resize do), so a feature-map
 * cell lands on the image region it was computed from.
 */
export function upsampleBilinear(maps: tf.Tensor3D, height: number, width: number): tf.Tensor3D {
  return tf.tidy(() => {
    if (maps.shape[1] === height && maps.shape[2] === width) return maps.clone();
    const resized = tf.image.resizeBilinear(maps.expandDims(3) as tf.Tensor4D, [height, width], false, true);
    return resized.squeeze([3]) as tf.Tensor3D;
  });
}

/** How an attribution `[N, H, W, C]` becomes a heatmap `[N, H, W]`. */
export type ChannelReduction = 'maxAbs' | 'sumAbs' | 'sum';

/** Collapses the channel axis of attributions `[N, H, W, C]`. */
export function reduceChannels(attributions: tf.Tensor4D, reduction: ChannelReduction): tf.Tensor3D {
  if (attributions.rank !== 4) {
    throw new ShapeError('attributions', '[N, height, width, channels]', `shape [${attributions.shape.join(', ')}]`);
  }
  return tf.tidy(() => {
    switch (reduction) {
      case 'maxAbs':
        return attributions.abs().max(3) as tf.Tensor3D;
      case 'sumAbs':
        return attributions.abs().sum(3) as tf.Tensor3D;
      case 'sum':
        return attributions.sum(3) as tf.Tensor3D;
      default:
        throw new InvalidArgumentError('channelReduction', "'maxAbs', 'sumAbs' or 'sum'", reduction);
    }
  });
}

/**
 * Scales each map of `[N, H, W]` into [0, 1] for display: `'max'` divides by
 * the map's largest absolute value (keeps 0 at 0 and the sign), `'minMax'`
 * maps the minimum to 0 and the maximum to 1. An all-zero (constant) map stays
 * zero.
 */
export function normalizeHeatmaps(maps: tf.Tensor, mode: 'max' | 'minMax' = 'max'): tf.Tensor {
  if (maps.rank < 2) throw new ShapeError('maps', 'a batch of maps [N, ...]', `shape [${maps.shape.join(', ')}]`);
  if (mode !== 'max' && mode !== 'minMax') throw new InvalidArgumentError('mode', "'max' or 'minMax'", mode);
  return tf.tidy(() => {
    const axes = maps.shape.slice(1).map((_, i) => i + 1);
    const x = maps.toFloat();
    if (mode === 'max') {
      const scale = x.abs().max(axes, true);
      return x.div(tf.where(scale.greater(0), scale, tf.onesLike(scale)));
    }
    const lo = x.min(axes, true);
    const span = x.max(axes, true).sub(lo);
    return x.sub(lo).div(tf.where(span.greater(0), span, tf.onesLike(span)));
  });
}

/** Seeded uniform random maps `[N, H, W]`: the random ordering that deletion/insertion AUCs are compared with. */
export function randomHeatmaps(shape: readonly [number, number, number], seed: number): tf.Tensor3D {
  if (shape.length !== 3 || !shape.every((d) => Number.isInteger(d) && d > 0)) {
    throw new InvalidArgumentError('shape', '[N, height, width] of positive integers', `[${shape.join(', ')}]`);
  }
  if (!Number.isSafeInteger(seed)) throw new InvalidArgumentError('seed', 'a safe integer', seed);
  return tf.randomUniform(shape as [number, number, number], 0, 1, 'float32', seed);
}
