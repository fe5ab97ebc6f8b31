import { tf, InvalidArgumentError } from '@deepcourse/backend';
import { ExplainedModel, checkPositiveInteger, gatherScores, type ExplainOptions, type TargetClasses } from './explained-model.js';
import type { HeatmapExplanation } from './grad-cam.js';

export interface OcclusionOptions extends ExplainOptions {
  targets?: TargetClasses;
  /** Side of the square patch, or `[height, width]`; default 8 (clipped to the image). */
  window?: number | readonly [number, number];
  /** Step between patch positions, or `[rows, columns]`; default half the window. */
  stride?: number | readonly [number, number];
  /** Value the patch is filled with (every channel); default 0. */
  baseline?: number;
  /** Occluded copies per forward pass; default 64. */
  batchSize?: number;
}

/** Top-left corners along one axis; the last one is moved so the patches cover the far edge too. */
export function patchStarts(size: number, window: number, stride: number): number[] {
  const starts: number[] = [];
  for (let s = 0; s + window <= size; s += stride) starts.push(s);
  const last = size - window;
  if (starts[starts.length - 1] !== last) starts.push(last);
  return starts;
}

function pair(value: number | readonly [number, number], argument: string): [number, number] {
  const p = typeof value === 'number' ? [value, value] : [...value];
  if (p.length !== 2 || !p.every((v) => Number.isInteger(v) && (v as number) > 0)) {
    throw new InvalidArgumentError(argument, 'a positive integer or [rows, columns] of positive integers', value);
  }
  return p as [number, number];
}

/**
 * Occlusion (Zeiler & Fergus 2014): slides a patch filled with `baseline` over
 * each image and records how much the class score drops. A pixel's value is the
 * mean drop over the patches that cover it (positive: evidence for the class).
 * The occluded copies of all images go through the model `batchSize` at a time.
 */
export async function occlusion(model: tf.LayersModel, images: tf.Tensor, options: OcclusionOptions = {}): Promise<HeatmapExplanation> {
  const explained = new ExplainedModel(model, options);
  explained.checkInputs(images, 'images', true);
  const batchSize = checkPositiveInteger(options.batchSize ?? 64, 'batchSize');
  const [n, height, width] = images.shape as [number, number, number, number];
  const requested = pair(options.window ?? 8, 'window');
  const win: [number, number] = [Math.min(requested[0], height), Math.min(requested[1], width)];
  const stride = pair(options.stride ?? [Math.max(1, Math.floor(win[0] / 2)), Math.max(1, Math.floor(win[1] / 2))], 'stride');
  const baseline = options.baseline ?? 0;
  if (typeof baseline !== 'number' || !Number.isFinite(baseline)) throw new InvalidArgumentError('baseline', 'a finite number', baseline);
  const targets = await explained.resolveTargets(images, options.targets, batchSize);

  const rows = patchStarts(height, win[0], stride[0]);
  const cols = patchStarts(width, win[1], stride[1]);
  const positions = rows.flatMap((r) => cols.map((c) => [r, c] as const));
  const p = positions.length;

  // Unoccluded scores.
  const baseScores = tf.tidy(() => gatherScores(explained.scores(images), targets));
  const base = await baseScores.data();
  baseScores.dispose();

  const drops = new Float32Array(n * p);
  const total = n * p;
  const pixels = height * width;
  for (let start = 0; start < total; start += batchSize) {
    const size = Math.min(batchSize, total - start);
    const imageIndex = new Int32Array(size);
    const mask = new Float32Array(size * pixels);
    for (let b = 0; b < size; b++) {
      const flat = start + b;
      imageIndex[b] = Math.floor(flat / p);
      const [top, left] = positions[flat % p] as readonly [number, number];
      for (let r = top; r < top + win[0]; r++) mask.fill(1, b * pixels + r * width + left, b * pixels + r * width + left + win[1]);
    }
    const scores = tf.tidy(() => {
      const idx = tf.tensor1d(imageIndex, 'int32');
      const x = tf.gather(images, idx);
      const m = tf.tensor4d(mask, [size, height, width, 1]);
      const occluded = x.mul(tf.scalar(1).sub(m)).add(m.mul(baseline));
      return gatherScores(explained.scores(occluded), Array.from(imageIndex, (i) => targets[i] as number));
    });
    const values = await scores.data();
    scores.dispose();
    for (let b = 0; b < size; b++) {
      const flat = start + b;
      drops[flat] = (base[Math.floor(flat / p)] as number) - (values[b] as number);
    }
  }

  // Mean drop over the patches covering each pixel.
  const sums = new Float32Array(n * pixels);
  const counts = new Float32Array(pixels);
  positions.forEach(([top, left]) => {
    for (let r = top; r < top + win[0]; r++) for (let c = left; c < left + win[1]; c++) counts[r * width + c]! += 1;
  });
  for (let i = 0; i < n; i++) {
    positions.forEach(([top, left], k) => {
      const drop = drops[i * p + k] as number;
      for (let r = top; r < top + win[0]; r++) {
        const offset = i * pixels + r * width;
        for (let c = left; c < left + win[1]; c++) sums[offset + c]! += drop;
      }
    });
  }
  for (let i = 0; i < sums.length; i++) sums[i] = (sums[i] as number) / (counts[i % pixels] as number);
  return { heatmaps: tf.tensor3d(sums, [n, height, width]), targets };
}
