import { tf, ShapeError } from '@deepcourse/backend';
import { ExplainedModel, checkPositiveInteger, selectedScore, type ExplainOptions, type TargetClasses } from './explained-model.js';
import { upsampleBilinear } from './heatmaps.js';
import { findFeatureLayer } from './model-graph.js';

export interface GradCamOptions extends ExplainOptions {
  /** Class per image, one class for all, or omitted for each image's predicted class. */
  targets?: TargetClasses;
  /**
   * The layer to read: a name (searched in nested models too) or a path
   * `'base/conv2d_3'`. Default: the last layer with a 4-D output, entering
   * nested models (a transfer model's base).
   */
  layer?: string;
  /** Images per forward/backward pass; default 32. */
  batchSize?: number;
  /** Resize the maps to the input resolution (bilinear); default true. */
  upsample?: boolean;
}

/** Maps `[N, H, W]` (raw values, not normalised), one per image, for the class in `targets`. */
export interface HeatmapExplanation {
  heatmaps: tf.Tensor3D;
  /** The class each map explains. */
  targets: number[];
}

export interface GradCamExplanation extends HeatmapExplanation {
  /** Path of the layer read, outer model first: `'model/base/conv2d_3'`. */
  layer: string;
  /** Height and width of that layer's feature maps. */
  featureMapSize: [number, number];
  /** The final activation skipped to explain logits (`'softmax'`, `'sigmoid'`), or undefined. */
  skippedActivation: 'softmax' | 'sigmoid' | undefined;
}

type Weighting = (features: tf.Tensor4D, grads: tf.Tensor4D) => tf.Tensor2D;

/** Grad-CAM (Selvaraju et al. 2017): channel weights are the spatial mean of the gradient. */
const gradCamWeights: Weighting = (_features, grads) => grads.mean([1, 2]) as tf.Tensor2D;

/**
 * Grad-CAM++ (Chattopadhay et al. 2018), closed form for an exponential of the
 * score: alpha = g² / (2g² + Σ_ab A · g³), weights = Σ_ij alpha · relu(g).
 */
const gradCamPlusPlusWeights: Weighting = (features, grads) => {
  const g2 = grads.square();
  const g3 = g2.mul(grads);
  const sumA = features.sum([1, 2], true);
  const denominator = g2.mul(2).add(sumA.mul(g3));
  const safe = tf.where(denominator.notEqual(0), denominator, tf.onesLike(denominator));
  const alpha = g2.div(safe);
  return alpha.mul(grads.relu()).sum([1, 2]) as tf.Tensor2D;
};

/**
 * Grad-CAM: ReLU(Σ_k α_k A_k) with α_k the mean gradient of the class logit
 * over feature map k. Each image gets its own class; the maps of a batch equal
 * those of each image alone.
 *
 * ```ts
 * const { heatmaps, targets, layer } = await gradCam(model, images);
 * ```
 */
export function gradCam(model: tf.LayersModel, images: tf.Tensor, options: GradCamOptions = {}): Promise<GradCamExplanation> {
  return camMethod(model, images, options, gradCamWeights);
}

/** Grad-CAM++: like `gradCam` with positive-gradient weights that localise several instances of a class better. */
export function gradCamPlusPlus(model: tf.LayersModel, images: tf.Tensor, options: GradCamOptions = {}): Promise<GradCamExplanation> {
  return camMethod(model, images, options, gradCamPlusPlusWeights);
}

async function camMethod(model: tf.LayersModel, images: tf.Tensor, options: GradCamOptions, weighting: Weighting): Promise<GradCamExplanation> {
  const explained = new ExplainedModel(model, options);
  explained.checkInputs(images, 'images', true);
  const batchSize = checkPositiveInteger(options.batchSize ?? 32, 'batchSize');
  const tap = findFeatureLayer(explained.graph, options.layer);
  const targets = await explained.resolveTargets(images, options.targets, batchSize);
  const [n, height, width] = images.shape as [number, number, number, number];
  const upsample = options.upsample ?? true;
  let featureMapSize: [number, number] = [0, 0];
  const parts: tf.Tensor3D[] = [];
  try {
    for (let start = 0; start < n; start += batchSize) {
      const size = Math.min(batchSize, n - start);
      parts.push(
        tf.tidy(() => {
          const x = images.slice(start, size);
          const chunkTargets = targets.slice(start, start + size);
          // Pass 1 reads the feature maps; pass 2 feeds them back in as the
          // variable of differentiation, so the gradient is d logit / d A exactly.
          const a = explained.scoresAndFeatures(x, tap.layer).features;
          if (a.rank !== 4) {
            throw new ShapeError(`layer ${tap.path.join('/')}`, 'a 4-D output [batch, height, width, channels]', `shape [${a.shape.join(', ')}]`);
          }
          const grads = tf.grad((fed: tf.Tensor) => selectedScore(explained.scores(x, { layer: tap.layer, transform: () => fed }), chunkTargets))(a);
          const weights = weighting(a as tf.Tensor4D, grads as tf.Tensor4D);
          const cam = a.mul(weights.reshape([size, 1, 1, -1])).sum(3).relu() as tf.Tensor3D;
          featureMapSize = [a.shape[1] as number, a.shape[2] as number];
          return upsample ? upsampleBilinear(cam, height, width) : cam;
        }),
      );
    }
    const heatmaps = parts.length === 1 ? (parts[0] as tf.Tensor3D) : (tf.concat(parts, 0) as tf.Tensor3D);
    if (parts.length > 1) parts.forEach((p) => p.dispose());
    parts.length = 0;
    return { heatmaps, targets, layer: tap.path.join('/'), featureMapSize, skippedActivation: explained.logits?.activation };
  } finally {
    parts.forEach((p) => p.dispose());
  }
}
