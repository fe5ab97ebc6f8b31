import { tf, InvalidArgumentError, ShapeError } from '@deepcourse/backend';
import { ExplainedModel, checkPositiveInteger, gatherScores, type TargetClasses } from '../explained-model.js';

export interface CausalMetricOptions {
  /** The classes the heatmaps explain; default each image's predicted class. */
  targets?: TargetClasses;
  /** Points on the curve after the start; default min(H·W, 100). Each step changes ceil(H·W / steps) pixels. */
  steps?: number;
  /**
   * What removed pixels become (deletion) or what the image starts as
   * (insertion): a constant, or `'blur'` for a Gaussian-blurred copy of the
   * image. Default: 0 for deletion, `'blur'` for insertion (Petsiuk et al. 2018).
   */
  substrate?: number | 'blur';
  /** Standard deviation in pixels of the `'blur'` substrate; default max(H, W) / 10. */
  blurSigma?: number;
  /** `'probability'` (default, as in the paper: softmax, or sigmoid for one output) or `'logit'`. */
  score?: 'probability' | 'logit';
  /** Modified copies per forward pass; default 64. */
  batchSize?: number;
}

export interface CausalMetricResult {
  /** Area under each image's curve, x from 0 to 1 (fraction of pixels changed). */
  auc: number[];
  /** Mean of `auc`. */
  meanAuc: number;
  /** Fraction of pixels changed at each point of the curves (starts at 0, ends at 1). */
  fractions: number[];
  /** Each image's score at each point. */
  curves: number[][];
}

/**
 * Deletion AUC (Petsiuk et al. 2018, RISE): removes pixels from the most to
 * the least important according to `heatmaps` and integrates the class
 * probability; a faithful map makes it fall fast (lower is better).
 */
export function deletionAuc(model: tf.LayersModel, images: tf.Tensor, heatmaps: tf.Tensor, options: CausalMetricOptions = {}): Promise<CausalMetricResult> {
  return causalMetric('deletion', model, images, heatmaps, options);
}

/**
 * Insertion AUC (Petsiuk et al. 2018): starts from a blurred image and puts
 * pixels back from the most important; a faithful map makes the probability
 * rise fast (higher is better).
 */
export function insertionAuc(model: tf.LayersModel, images: tf.Tensor, heatmaps: tf.Tensor, options: CausalMetricOptions = {}): Promise<CausalMetricResult> {
  return causalMetric('insertion', model, images, heatmaps, options);
}

async function causalMetric(
  kind: 'deletion' | 'insertion',
  model: tf.LayersModel,
  images: tf.Tensor,
  heatmaps: tf.Tensor,
  options: CausalMetricOptions,
): Promise<CausalMetricResult> {
  const explained = new ExplainedModel(model, { output: 'logits' });
  explained.checkInputs(images, 'images', true);
  const [n, height, width] = images.shape as [number, number, number, number];
  if (heatmaps.rank !== 3 || heatmaps.shape[0] !== n || heatmaps.shape[1] !== height || heatmaps.shape[2] !== width) {
    throw new ShapeError('heatmaps', `[${n}, ${height}, ${width}] (one map per image at input resolution)`, `shape [${heatmaps.shape.join(', ')}]`);
  }
  const pixels = height * width;
  const steps = checkPositiveInteger(options.steps ?? Math.min(pixels, 100), 'steps');
  const batchSize = checkPositiveInteger(options.batchSize ?? 64, 'batchSize');
  const scoreKind = options.score ?? 'probability';
  if (scoreKind !== 'probability' && scoreKind !== 'logit') throw new InvalidArgumentError('score', "'probability' or 'logit'", scoreKind);
  const substrateOption = options.substrate ?? (kind === 'deletion' ? 0 : 'blur');
  if (substrateOption !== 'blur' && (typeof substrateOption !== 'number' || !Number.isFinite(substrateOption))) {
    throw new InvalidArgumentError('substrate', "a finite number or 'blur'", substrateOption);
  }
  const targets = await explained.resolveTargets(images, options.targets, batchSize);

  const perStep = Math.ceil(pixels / steps);
  const counts = Array.from({ length: steps + 1 }, (_, k) => Math.min(k * perStep, pixels));
  const fractions = counts.map((c) => c / pixels);

  // Rank of every pixel in decreasing heatmap order (ties by position, so the order is deterministic).
  const mapValues = await heatmaps.data();
  const ranks = new Int32Array(n * pixels);
  for (let i = 0; i < n; i++) {
    const order = Array.from({ length: pixels }, (_, p) => p);
    const offset = i * pixels;
    order.sort((a, b) => (mapValues[offset + b] as number) - (mapValues[offset + a] as number) || a - b);
    order.forEach((p, r) => (ranks[offset + p] = r));
  }

  const substrate = tf.tidy(() =>
    substrateOption === 'blur' ? gaussianBlur(images as tf.Tensor4D, options.blurSigma ?? Math.max(height, width) / 10) : tf.fill(images.shape, substrateOption),
  );
  const points = counts.length;
  const total = n * points;
  const curveValues = new Float32Array(total);
  try {
    for (let start = 0; start < total; start += batchSize) {
      const size = Math.min(batchSize, total - start);
      const imageIndex = new Int32Array(size);
      // mask 1 = the pixel shows the image, 0 = it shows the substrate.
      const mask = new Float32Array(size * pixels);
      for (let b = 0; b < size; b++) {
        const flat = start + b;
        const image = Math.floor(flat / points);
        const changed = counts[flat % points] as number;
        imageIndex[b] = image;
        const offset = image * pixels;
        for (let p = 0; p < pixels; p++) {
          const isChanged = (ranks[offset + p] as number) < changed;
          mask[b * pixels + p] = kind === 'deletion' ? (isChanged ? 0 : 1) : isChanged ? 1 : 0;
        }
      }
      const scores = tf.tidy(() => {
        const idx = tf.tensor1d(imageIndex, 'int32');
        const m = tf.tensor4d(mask, [size, height, width, 1]);
        const x = tf.gather(images, idx).mul(m).add(tf.gather(substrate, idx).mul(tf.scalar(1).sub(m)));
        const logits = explained.scores(x);
        const scored = scoreKind === 'logit' ? logits : logits.shape[1] === 1 ? logits.sigmoid() : logits.softmax();
        return gatherScores(scored as tf.Tensor2D, Array.from(imageIndex, (i) => targets[i] as number));
      });
      curveValues.set(await scores.data(), start);
      scores.dispose();
    }
  } finally {
    substrate.dispose();
  }
  const curves: number[][] = [];
  const auc: number[] = [];
  for (let i = 0; i < n; i++) {
    const curve = Array.from(curveValues.subarray(i * points, (i + 1) * points));
    curves.push(curve);
    auc.push(trapezoid(fractions, curve));
  }
  return { auc, meanAuc: auc.reduce((a, b) => a + b, 0) / n, fractions, curves };
}

/** Area under y(x) by the trapezoid rule. */
export function trapezoid(x: readonly number[], y: readonly number[]): number {
  let area = 0;
  for (let i = 1; i < x.length; i++) area += (((x[i] as number) - (x[i - 1] as number)) * ((y[i] as number) + (y[i - 1] as number))) / 2;
  return area;
}

/** A separable Gaussian blur of images `[N, H, W, C]` with reflected edges. */
export function gaussianBlur(images: tf.Tensor4D, sigma: number): tf.Tensor4D {
  if (!(typeof sigma === 'number' && sigma > 0 && Number.isFinite(sigma))) throw new InvalidArgumentError('blurSigma', 'a positive number', sigma);
  const [, height, width, channels] = images.shape;
  const radius = Math.min(Math.ceil(3 * sigma), height - 1, width - 1);
  return tf.tidy(() => {
    if (radius < 1) return images.clone();
    const taps = Array.from({ length: 2 * radius + 1 }, (_, i) => Math.exp(-((i - radius) ** 2) / (2 * sigma * sigma)));
    const sum = taps.reduce((a, b) => a + b, 0);
    const kernel = tf.tensor1d(taps.map((t) => t / sum));
    const vertical = tf.tile(kernel.reshape([2 * radius + 1, 1, 1, 1]), [1, 1, channels, 1]) as tf.Tensor4D;
    const horizontal = tf.tile(kernel.reshape([1, 2 * radius + 1, 1, 1]), [1, 1, channels, 1]) as tf.Tensor4D;
    const padded = tf.mirrorPad(images, [[0, 0], [radius, radius], [radius, radius], [0, 0]], 'reflect');
    return tf.depthwiseConv2d(tf.depthwiseConv2d(padded, vertical, 1, 'valid'), horizontal, 1, 'valid');
  });
}
