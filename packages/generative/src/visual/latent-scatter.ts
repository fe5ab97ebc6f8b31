import { tf, InvalidArgumentError, ShapeError } from '@deepcourse/backend';

/** matplotlib's tab10 palette (the default for categorical scatter plots), as RGB in [0, 1]. */
export const TAB10: readonly (readonly [number, number, number])[] = [
  '1f77b4', 'ff7f0e', '2ca02c', 'd62728', '9467bd', '8c564b', 'e377c2', '7f7f7f', 'bcbd22', '17becf',
].map((hex) => {
  const v = Number.parseInt(hex, 16);
  return [((v >> 16) & 255) / 255, ((v >> 8) & 255) / 255, (v & 255) / 255] as const;
});

export interface LatentScatterOptions {
  /** Image width and height in pixels (default 512). */
  size?: number;
  /** Dot radius in pixels (default 2). */
  radius?: number;
  /** Plot range [min, max] on both axes (default: the data's range plus 5 %). */
  range?: [number, number];
  /** Margin in pixels around the plot frame (default 8). */
  margin?: number;
  /** Dot colours per label; default tab10 (cycled beyond 10 labels). */
  palette?: readonly (readonly [number, number, number])[];
}

export interface LatentScatter {
  /** RGB image `[size, size, 3]` in [0, 1]: white background, grey frame and axes at 0, one dot per point. */
  image: tf.Tensor3D;
  /** The plotted range per axis, [[xMin, xMax], [yMin, yMax]]. */
  range: [[number, number], [number, number]];
}

/**
 * Rasterises 2-D latent codes `[N, 2]` as a scatter plot coloured by integer
 * label (`[N]`), the course's picture of a 2-D VAE's latent space. Points are
 * drawn in order, so later points lie on top. The image goes to PNG with
 * `writePng` from @deepcourse/backend/node.
 */
export function latentScatter(points: tf.Tensor2D, labels: tf.Tensor1D | ArrayLike<number>, options: LatentScatterOptions = {}): LatentScatter {
  if (points.rank !== 2 || points.shape[1] !== 2) throw new ShapeError('points', 'latent codes [N, 2]', `shape [${points.shape.join(', ')}]`);
  const n = points.shape[0];
  const labelValues = labels instanceof tf.Tensor ? labels.dataSync() : labels;
  if (labelValues.length !== n) throw new ShapeError('labels', `${n} labels, one per point`, `${labelValues.length}`);
  const size = options.size ?? 512;
  if (!Number.isInteger(size) || size < 32) throw new InvalidArgumentError('size', 'an integer >= 32', options.size);
  const radius = options.radius ?? 2;
  if (!(radius >= 0.5)) throw new InvalidArgumentError('radius', 'a radius >= 0.5 pixels', options.radius);
  const margin = options.margin ?? 8;
  if (!Number.isInteger(margin) || margin < 0 || 2 * margin >= size - 2) throw new InvalidArgumentError('margin', `an integer in [0, ${Math.floor(size / 2) - 2})`, options.margin);
  const palette = options.palette ?? TAB10;
  if (palette.length < 1) throw new InvalidArgumentError('palette', 'at least one colour', palette);
  const xy = points.dataSync();
  let xMin = Infinity, xMax = -Infinity, yMin = Infinity, yMax = -Infinity;
  for (let i = 0; i < n; i++) {
    const x = xy[2 * i] as number;
    const y = xy[2 * i + 1] as number;
    if (!Number.isFinite(x) || !Number.isFinite(y)) throw new InvalidArgumentError('points', 'finite coordinates', `(${x}, ${y}) at row ${i}`);
    xMin = Math.min(xMin, x); xMax = Math.max(xMax, x); yMin = Math.min(yMin, y); yMax = Math.max(yMax, y);
  }
  let rx: [number, number];
  let ry: [number, number];
  if (options.range) {
    const [lo, hi] = options.range;
    if (!(hi > lo)) throw new InvalidArgumentError('range', '[min, max] with min < max', options.range);
    rx = [lo, hi];
    ry = [lo, hi];
  } else {
    const pad = (lo: number, hi: number): [number, number] => {
      if (!Number.isFinite(lo)) return [-1, 1];
      const span = hi - lo || 1;
      return [lo - 0.05 * span, hi + 0.05 * span];
    };
    rx = pad(xMin, xMax);
    ry = pad(yMin, yMax);
  }
  const rgb = new Float32Array(size * size * 3).fill(1);
  const inner = size - 2 * margin - 1;
  const toPx = (x: number) => margin + ((x - rx[0]) / (rx[1] - rx[0])) * inner;
  const toPy = (y: number) => margin + ((ry[1] - y) / (ry[1] - ry[0])) * inner;
  const set = (px: number, py: number, c: readonly [number, number, number]) => {
    if (px < 0 || py < 0 || px >= size || py >= size) return;
    rgb.set(c, (py * size + px) * 3);
  };
  const grey = [0.6, 0.6, 0.6] as const;
  const light = [0.85, 0.85, 0.85] as const;
  // Axes through 0 when 0 is inside the range, then the frame.
  if (rx[0] < 0 && rx[1] > 0) for (let py = margin; py <= margin + inner; py++) set(Math.round(toPx(0)), py, light);
  if (ry[0] < 0 && ry[1] > 0) for (let px = margin; px <= margin + inner; px++) set(px, Math.round(toPy(0)), light);
  for (let k = 0; k <= inner; k++) {
    set(margin + k, margin, grey);
    set(margin + k, margin + inner, grey);
    set(margin, margin + k, grey);
    set(margin + inner, margin + k, grey);
  }
  const r = Math.ceil(radius);
  for (let i = 0; i < n; i++) {
    const label = labelValues[i] as number;
    if (!Number.isInteger(label) || label < 0) throw new InvalidArgumentError('labels', 'non-negative integer labels', `${label} at index ${i}`);
    const colour = palette[label % palette.length] as readonly [number, number, number];
    const cx = toPx(xy[2 * i] as number);
    const cy = toPy(xy[2 * i + 1] as number);
    for (let dy = -r; dy <= r; dy++) {
      for (let dx = -r; dx <= r; dx++) {
        if (dx * dx + dy * dy > radius * radius) continue;
        set(Math.round(cx) + dx, Math.round(cy) + dy, colour);
      }
    }
  }
  return { image: tf.tensor3d(rgb, [size, size, 3]), range: [rx, ry] };
}
