import { tf, InvalidArgumentError, ShapeError, seedStream } from '@deepcourse/backend';
import { ExplainedModel, checkPositiveInteger, gatherScores, selectedScore, type ExplainOptions, type TargetClasses } from './explained-model.js';
import { reduceChannels, type ChannelReduction } from './heatmaps.js';

export interface AttributionOptions extends ExplainOptions {
  targets?: TargetClasses;
  /** Rows per forward/backward pass; default 32 (saliency) or 64 (SmoothGrad, integrated gradients). */
  batchSize?: number;
  /**
   * How image attributions `[N, H, W, C]` become heatmaps `[N, H, W]`. Default
   * `'maxAbs'` for plain gradients (Simonyan et al. 2014), `'sum'` for
   * gradient × input and integrated gradients (their sums are the score).
   */
  channelReduction?: ChannelReduction;
}

/** Attributions with the input's shape, and (for image inputs `[N, H, W, C]`) heatmaps `[N, H, W]`. */
export interface AttributionExplanation {
  attributions: tf.Tensor;
  /** Channel-reduced maps for image inputs; null for other inputs. */
  heatmaps: tf.Tensor3D | null;
  targets: number[];
}

export interface SaliencyOptions extends AttributionOptions {
  /** Gradient × input (Shrikumar et al. 2016) instead of the plain gradient; default false. */
  multiplyByInput?: boolean;
}

export interface SmoothGradOptions extends SaliencyOptions {
  /** Noisy copies per image; default 25. */
  samples?: number;
  /** Noise standard deviation as a fraction of each input's value range (max − min); default 0.15. */
  noiseLevel?: number;
  /** Seed of the noise; default 0. */
  seed?: number;
}

export type IntegrationRule = 'trapezoid' | 'left' | 'right' | 'midpoint';

export interface IntegratedGradientsOptions extends AttributionOptions {
  /** Integration intervals along the path; default 50. */
  steps?: number;
  /** The reference input: a constant (default 0), one input `[...inputShape]`, or one per input `[N, ...inputShape]`. */
  baseline?: number | tf.Tensor;
  /** Quadrature of the path integral; default `'trapezoid'` (exact for paths where the gradient is linear in alpha). */
  rule?: IntegrationRule;
}

export interface IntegratedGradientsExplanation extends AttributionExplanation {
  /** Per input: Σ attributions − (F(x) − F(baseline)); 0 for an exact integral (completeness, Sundararajan et al. 2017). */
  completenessGap: number[];
  /** Per input: F(x) − F(baseline) of the explained score. */
  scoreDifference: number[];
}

function finishAttributions(attributions: tf.Tensor, targets: number[], reduction: ChannelReduction): AttributionExplanation {
  const heatmaps = attributions.rank === 4 ? reduceChannels(attributions as tf.Tensor4D, reduction) : null;
  return { attributions, heatmaps, targets };
}

/** The gradient of each row's target score with respect to the input rows. */
function inputGradients(explained: ExplainedModel, x: tf.Tensor, targets: readonly number[]): tf.Tensor {
  return tf.grad((input: tf.Tensor) => selectedScore(explained.scores(input), targets))(x);
}

function concatAndDispose(parts: tf.Tensor[]): tf.Tensor {
  if (parts.length === 1) return parts[0] as tf.Tensor;
  const out = tf.concat(parts, 0);
  parts.forEach((p) => p.dispose());
  return out;
}

/**
 * Saliency (Simonyan et al. 2014): the gradient of the class logit with
 * respect to the input, or gradient × input. For a linear model the gradient
 * is the weight vector of the class.
 */
export async function saliency(model: tf.LayersModel, inputs: tf.Tensor, options: SaliencyOptions = {}): Promise<AttributionExplanation> {
  const explained = new ExplainedModel(model, options);
  explained.checkInputs(inputs, 'inputs');
  const batchSize = checkPositiveInteger(options.batchSize ?? 32, 'batchSize');
  const targets = await explained.resolveTargets(inputs, options.targets, batchSize);
  const n = inputs.shape[0] as number;
  const parts: tf.Tensor[] = [];
  for (let start = 0; start < n; start += batchSize) {
    const size = Math.min(batchSize, n - start);
    parts.push(
      tf.tidy(() => {
        const x = inputs.slice(start, size);
        const grads = inputGradients(explained, x, targets.slice(start, start + size));
        return options.multiplyByInput ? grads.mul(x) : grads;
      }),
    );
  }
  return finishAttributions(concatAndDispose(parts), targets, options.channelReduction ?? (options.multiplyByInput ? 'sum' : 'maxAbs'));
}

/**
 * SmoothGrad (Smilkov et al. 2017): the mean gradient over `samples` copies of
 * each input with Gaussian noise of standard deviation `noiseLevel · (max −
 * min)`. Seeded: the same seed gives the same maps.
 */
export async function smoothGrad(model: tf.LayersModel, inputs: tf.Tensor, options: SmoothGradOptions = {}): Promise<AttributionExplanation> {
  const explained = new ExplainedModel(model, options);
  explained.checkInputs(inputs, 'inputs');
  const batchSize = checkPositiveInteger(options.batchSize ?? 64, 'batchSize');
  const samples = checkPositiveInteger(options.samples ?? 25, 'samples');
  const noiseLevel = options.noiseLevel ?? 0.15;
  if (typeof noiseLevel !== 'number' || !(noiseLevel >= 0) || !Number.isFinite(noiseLevel)) {
    throw new InvalidArgumentError('noiseLevel', 'a non-negative number', noiseLevel);
  }
  const stream = seedStream(options.seed ?? 0);
  const targets = await explained.resolveTargets(inputs, options.targets, batchSize);
  const n = inputs.shape[0] as number;
  const rowShape = inputs.shape.slice(1);
  const axes = rowShape.map((_, i) => i + 1);
  // One noise seed per sample: the noise of sample s for all inputs comes from one draw.
  const seeds = Array.from({ length: samples }, () => stream.next());
  const sum = tf.tidy(() => {
    const sigma = inputs.max(axes, true).sub(inputs.min(axes, true)).mul(noiseLevel);
    let total: tf.Tensor = tf.zerosLike(inputs);
    for (const seed of seeds) {
      const noisy = inputs.add(tf.randomNormal(inputs.shape, 0, 1, 'float32', seed).mul(sigma));
      const parts: tf.Tensor[] = [];
      for (let start = 0; start < n; start += batchSize) {
        const size = Math.min(batchSize, n - start);
        const x = noisy.slice(start, size);
        const grads = inputGradients(explained, x, targets.slice(start, start + size));
        parts.push(options.multiplyByInput ? grads.mul(x) : grads);
      }
      const next = total.add(parts.length === 1 ? (parts[0] as tf.Tensor) : tf.concat(parts, 0));
      // Free each sample's tensors now rather than at the end of the tidy.
      total.dispose();
      noisy.dispose();
      parts.forEach((p) => p.dispose());
      total = next;
    }
    return total.div(samples);
  });
  return finishAttributions(sum, targets, options.channelReduction ?? (options.multiplyByInput ? 'sum' : 'maxAbs'));
}

/** Path points alpha in [0, 1] and their quadrature weights (summing to 1). */
export function integrationPoints(steps: number, rule: IntegrationRule): { alphas: number[]; weights: number[] } {
  const alphas: number[] = [];
  const weights: number[] = [];
  switch (rule) {
    case 'trapezoid':
      for (let k = 0; k <= steps; k++) {
        alphas.push(k / steps);
        weights.push(k === 0 || k === steps ? 0.5 / steps : 1 / steps);
      }
      break;
    case 'left':
    case 'right':
    case 'midpoint': {
      const offset = rule === 'left' ? 0 : rule === 'right' ? 1 : 0.5;
      for (let k = 0; k < steps; k++) {
        alphas.push((k + offset) / steps);
        weights.push(1 / steps);
      }
      break;
    }
    default:
      throw new InvalidArgumentError('rule', "'trapezoid', 'left', 'right' or 'midpoint'", rule);
  }
  return { alphas, weights };
}

/**
 * Integrated gradients (Sundararajan et al. 2017): (x − x') · ∫₀¹ ∇F(x' +
 * α(x − x')) dα along the straight path from the baseline x'. Returns the
 * completeness gap Σ attributions − (F(x) − F(x')) per input, which tells how
 * well `steps` resolved the integral. All path points of all inputs go through
 * the model `batchSize` rows at a time.
 */
export async function integratedGradients(
  model: tf.LayersModel,
  inputs: tf.Tensor,
  options: IntegratedGradientsOptions = {},
): Promise<IntegratedGradientsExplanation> {
  const explained = new ExplainedModel(model, options);
  explained.checkInputs(inputs, 'inputs');
  const batchSize = checkPositiveInteger(options.batchSize ?? 64, 'batchSize');
  const steps = checkPositiveInteger(options.steps ?? 50, 'steps');
  const { alphas, weights } = integrationPoints(steps, options.rule ?? 'trapezoid');
  const n = inputs.shape[0] as number;
  const rowShape = inputs.shape.slice(1);
  const rowSize = rowShape.reduce((a, b) => a * b, 1);
  const baseline = tf.tidy(() => expandBaseline(options.baseline ?? 0, inputs));
  try {
    const targets = await explained.resolveTargets(inputs, options.targets, batchSize);
    const points = alphas.length;
    const total = n * points;
    // Σ_k w_k ∇F at the path points of each input, accumulated chunk by chunk.
    let gradientSum = tf.zeros([n, rowSize]);
    const flatInputs = inputs.reshape([n, rowSize]);
    const flatBaseline = baseline.reshape([n, rowSize]);
    try {
      for (let start = 0; start < total; start += batchSize) {
        const size = Math.min(batchSize, total - start);
        const rowImage = new Int32Array(size);
        const rowAlpha = new Float32Array(size);
        // Row b of the chunk adds w_k · grad_b to its input: a [n, size] matrix does the segment sum.
        const scatter = new Float32Array(n * size);
        for (let b = 0; b < size; b++) {
          const flat = start + b;
          const image = Math.floor(flat / points);
          const k = flat % points;
          rowImage[b] = image;
          rowAlpha[b] = alphas[k] as number;
          scatter[image * size + b] = weights[k] as number;
        }
        const next = tf.tidy(() => {
          const idx = tf.tensor1d(rowImage, 'int32');
          const x0 = tf.gather(flatBaseline, idx);
          const x1 = tf.gather(flatInputs, idx);
          const alpha = tf.tensor2d(rowAlpha, [size, 1]);
          const path = x0.add(x1.sub(x0).mul(alpha)).reshape([size, ...rowShape]);
          const grads = inputGradients(explained, path, Array.from(rowImage, (i) => targets[i] as number)).reshape([size, rowSize]);
          return gradientSum.add(tf.matMul(tf.tensor2d(scatter, [n, size]), grads));
        });
        gradientSum.dispose();
        gradientSum = next;
      }
      const { attributions, gapValues, diffValues } = await (async () => {
        const attributionsFlat = tf.tidy(() => flatInputs.sub(flatBaseline).mul(gradientSum));
        const sums = tf.tidy(() => attributionsFlat.sum(1));
        const diffs = tf.tidy(() => gatherScores(explained.scores(inputs), targets).sub(gatherScores(explained.scores(baseline), targets)));
        const [s, d] = await Promise.all([sums.data(), diffs.data()]);
        sums.dispose();
        diffs.dispose();
        const shaped = attributionsFlat.reshape(inputs.shape);
        attributionsFlat.dispose();
        return { attributions: shaped, gapValues: Array.from(s, (v, i) => v - (d[i] as number)), diffValues: Array.from(d) };
      })();
      const result = finishAttributions(attributions, targets, options.channelReduction ?? 'sum');
      return { ...result, completenessGap: gapValues, scoreDifference: diffValues };
    } finally {
      gradientSum.dispose();
      flatInputs.dispose();
      flatBaseline.dispose();
    }
  } finally {
    baseline.dispose();
  }
}

/** The baseline as a tensor shaped like `inputs`. */
function expandBaseline(baseline: number | tf.Tensor, inputs: tf.Tensor): tf.Tensor {
  if (typeof baseline === 'number') {
    if (!Number.isFinite(baseline)) throw new InvalidArgumentError('baseline', 'a finite number or a tensor', baseline);
    return tf.fill(inputs.shape, baseline);
  }
  const rowShape = inputs.shape.slice(1);
  if (baseline.rank === rowShape.length && baseline.shape.every((d, i) => d === rowShape[i])) {
    return tf.tile(baseline.toFloat().expandDims(0), [inputs.shape[0] as number, ...rowShape.map(() => 1)]);
  }
  if (baseline.rank === inputs.rank && baseline.shape.every((d, i) => d === inputs.shape[i])) return baseline.toFloat().clone();
  throw new ShapeError(
    'baseline',
    `a number, one input [${rowShape.join(', ')}] or one per input [${inputs.shape.join(', ')}]`,
    `shape [${baseline.shape.join(', ')}]`,
  );
}
