import { tf, InvalidArgumentError, ShapeError } from '@deepcourse/backend';

export interface PointingGameOptions {
  /** A peak within this many pixels (Euclidean) of the mask counts as a hit; default 0 (inside the mask). */
  tolerance?: number;
}

export interface PointingGameResult {
  /** Whether each map's peak hit its mask. */
  hits: boolean[];
  /** Fraction of hits. */
  accuracy: number;
  /** Each map's peak as [row, column] (the first maximum in row-major order). */
  peaks: [number, number][];
}

/**
 * The pointing game (Zhang et al. 2016): a map scores a hit when its maximum
 * falls on the object, given as a mask `[N, H, W]` (non-zero inside).
 */
export async function pointingGame(heatmaps: tf.Tensor3D, masks: tf.Tensor3D, options: PointingGameOptions = {}): Promise<PointingGameResult> {
  if (heatmaps.rank !== 3) throw new ShapeError('heatmaps', '[N, height, width]', `shape [${heatmaps.shape.join(', ')}]`);
  if (masks.rank !== 3 || masks.shape.some((d, i) => d !== heatmaps.shape[i])) {
    throw new ShapeError('masks', `[${heatmaps.shape.join(', ')}] like the heatmaps`, `shape [${masks.shape.join(', ')}]`);
  }
  const tolerance = options.tolerance ?? 0;
  if (typeof tolerance !== 'number' || !(tolerance >= 0)) throw new InvalidArgumentError('tolerance', 'a non-negative number of pixels', tolerance);
  const [n, height, width] = heatmaps.shape;
  const [maps, inside] = await Promise.all([heatmaps.data(), masks.data()]);
  const pixels = height * width;
  const hits: boolean[] = [];
  const peaks: [number, number][] = [];
  const reach = Math.floor(tolerance);
  for (let i = 0; i < n; i++) {
    const offset = i * pixels;
    let best = 0;
    let any = false;
    for (let p = 0; p < pixels; p++) {
      if ((maps[offset + p] as number) > (maps[offset + best] as number)) best = p;
      if ((inside[offset + p] as number) !== 0) any = true;
    }
    if (!any) throw new InvalidArgumentError(`masks[${i}]`, 'a mask with at least one non-zero pixel', 'an empty mask');
    if (Number.isNaN(maps[offset + best] as number)) throw new InvalidArgumentError(`heatmaps[${i}]`, 'finite values', NaN);
    const row = Math.floor(best / width);
    const col = best % width;
    peaks.push([row, col]);
    let hit = false;
    for (let r = Math.max(0, row - reach); r <= Math.min(height - 1, row + reach) && !hit; r++) {
      for (let c = Math.max(0, col - reach); c <= Math.min(width - 1, col + reach); c++) {
        if ((r - row) ** 2 + (c - col) ** 2 <= tolerance * tolerance && (inside[offset + r * width + c] as number) !== 0) {
          hit = true;
          break;
        }
      }
    }
    hits.push(hit);
  }
  return { hits, accuracy: hits.filter(Boolean).length / n, peaks };
}
