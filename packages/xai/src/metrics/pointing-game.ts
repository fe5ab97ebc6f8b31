import { tf, InvalidArgumentError, ShapeError } from '@deepcourse/backend';

export interface PointingGameOptions {
  /** A peak within this many pixels (Euclidean) of the mask counts as a hit; default 0 (inside the mask). */
  tolerance?: number;
}

export interface PointingGameResult {
  /** Whether each map's peak hit its mask (never for a constant map, which has no peak). */
  hits: boolean[];
  /** Fraction of hits. */
  accuracy: number;
  /**
   * Each map's peak as [row, column]. Where several pixels share the maximum (a
   * plateau, as occlusion maps have one per patch-stride cell), the tied pixel
   * nearest their centroid, first in row-major order among equals: the middle
   * of a plateau, not its top-left corner.
   */
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
    let any = false;
    let nan = false;
    let top = -Infinity;
    for (let p = 0; p < pixels; p++) {
      const v = maps[offset + p] as number;
      if (Number.isNaN(v)) nan = true;
      else if (v > top) top = v;
      if ((inside[offset + p] as number) !== 0) any = true;
    }
    if (!any) throw new InvalidArgumentError(`masks[${i}]`, 'a mask with at least one non-zero pixel', 'an empty mask');
    if (nan) throw new InvalidArgumentError(`heatmaps[${i}]`, 'finite values', NaN);
    const { peak, constant } = plateauCentre(maps, offset, width, pixels, top);
    const [row, col] = peak;
    peaks.push(peak);
    // A constant map (an all-zero Grad-CAM of a dead layer) points nowhere: a miss.
    let hit = false;
    for (let r = Math.max(0, row - reach); !constant && r <= Math.min(height - 1, row + reach) && !hit; r++) {
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

/** The pixel equal to `top` nearest the centroid of all pixels equal to `top` (first in row-major order among equals). */
function plateauCentre(maps: ArrayLike<number>, offset: number, width: number, pixels: number, top: number): { peak: [number, number]; constant: boolean } {
  let count = 0;
  let rowSum = 0;
  let colSum = 0;
  for (let p = 0; p < pixels; p++) {
    if (maps[offset + p] === top) {
      count += 1;
      rowSum += Math.floor(p / width);
      colSum += p % width;
    }
  }
  const [rowMean, colMean] = [rowSum / count, colSum / count];
  let best: [number, number] = [0, 0];
  let bestDistance = Infinity;
  for (let p = 0; p < pixels; p++) {
    if (maps[offset + p] !== top) continue;
    const [r, c] = [Math.floor(p / width), p % width];
    const distance = (r - rowMean) ** 2 + (c - colMean) ** 2;
    if (distance < bestDistance) [best, bestDistance] = [[r, c], distance];
  }
  return { peak: best, constant: count === pixels };
}
