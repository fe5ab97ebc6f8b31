import { tf, InvalidArgumentError, ShapeError } from '@deepcourse/backend';
import { frechetDistanceOfFeatures } from './frechet-distance.js';

export interface ClassifierMetricOptions {
  /** Images per forward pass (default 256). */
  batchSize?: number;
  /**
   * Maps the images before the classifier sees them, e.g. a GAN's [-1, 1]
   * output to the classifier's [0, 1] input: `(x) => x.add(1).div(2)`.
   */
  preprocess?: (images: tf.Tensor4D) => tf.Tensor4D;
}

function runBatched(model: tf.LayersModel, images: tf.Tensor4D, options: ClassifierMetricOptions): { values: Float32Array; dim: number } {
  if (images.rank !== 4) throw new ShapeError('images', 'a batch [N, H, W, C]', `shape [${images.shape.join(', ')}]`);
  const batchSize = options.batchSize ?? 256;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new InvalidArgumentError('batchSize', 'a positive integer', options.batchSize);
  const n = images.shape[0];
  const chunks: Float32Array[] = [];
  let dim = 0;
  for (let start = 0; start < n; start += batchSize) {
    const out = tf.tidy(() => {
      const batch = images.slice(start, Math.min(batchSize, n - start));
      const input = options.preprocess ? options.preprocess(batch) : batch;
      const y = model.predict(input) as tf.Tensor;
      return y.reshape([y.shape[0], -1]);
    });
    dim = out.shape[1] as number;
    chunks.push(out.dataSync() as Float32Array);
    out.dispose();
  }
  const values = new Float32Array(n * dim);
  let offset = 0;
  for (const c of chunks) {
    values.set(c, offset);
    offset += c.length;
  }
  return { values, dim };
}

/** Class probabilities `[N, K]` from a softmax classifier; checks that rows are distributions. */
function classProbabilities(classifier: tf.LayersModel, images: tf.Tensor4D, options: ClassifierMetricOptions): { p: Float32Array; k: number } {
  const { values, dim } = runBatched(classifier, images, options);
  const n = images.shape[0];
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let j = 0; j < dim; j++) {
      const v = values[i * dim + j] as number;
      if (!(v >= 0)) throw new InvalidArgumentError('classifier', 'softmax probabilities (non-negative)', `${v} for image ${i}, class ${j}`);
      sum += v;
    }
    if (Math.abs(sum - 1) > 1e-3) throw new InvalidArgumentError('classifier', 'softmax outputs whose rows sum to 1', `a row summing to ${sum} (image ${i}); end the classifier in a softmax`);
  }
  return { p: values, k: dim };
}

/**
 * The Inception Score computed with a task classifier (for MNIST: a digit
 * classifier), exp(E_x KL(p(y|x) ‖ p(y))), where p(y) is the mean prediction
 * over the set (Salimans et al. 2016). It lies in [1, K]: K when every image is
 * classified with certainty and the classes are used equally, 1 when all
 * predictions are the same. `classifier` must end in a softmax.
 */
export function classifierScore(classifier: tf.LayersModel, images: tf.Tensor4D, options: ClassifierMetricOptions = {}): number {
  const { p, k } = classProbabilities(classifier, images, options);
  const n = images.shape[0];
  if (n < 1) throw new ShapeError('images', 'at least one image', 'an empty batch');
  const marginal = new Float64Array(k);
  for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) marginal[j] = (marginal[j] as number) + (p[i * k + j] as number) / n;
  let meanKl = 0;
  for (let i = 0; i < n; i++) {
    let kl = 0;
    for (let j = 0; j < k; j++) {
      const pij = p[i * k + j] as number;
      if (pij > 0) kl += pij * (Math.log(pij) - Math.log(marginal[j] as number));
    }
    meanKl += kl / n;
  }
  return Math.exp(meanKl);
}

export interface ClassHistogram {
  /** Images assigned to each class (argmax of the classifier). */
  counts: number[];
  /** counts / N. */
  fractions: number[];
  /** Classes with no image. */
  missingClasses: number[];
  /** The largest fraction. */
  maxFraction: number;
  /** True when a class is missing or one class holds more than `maxFraction` of the images: the mode-collapse alarm. */
  modeCollapse: boolean;
}

/**
 * The class histogram of generated images under a classifier, and an alarm for
 * mode collapse: a missing class, or one class above `maxFraction` (default 0.2
 * for 10 balanced classes).
 */
export function classHistogram(classifier: tf.LayersModel, images: tf.Tensor4D, options: ClassifierMetricOptions & { maxFraction?: number } = {}): ClassHistogram {
  const maxAllowed = options.maxFraction ?? 0.2;
  if (!(maxAllowed > 0 && maxAllowed <= 1)) throw new InvalidArgumentError('maxFraction', 'a fraction in (0, 1]', options.maxFraction);
  const { values, dim } = runBatched(classifier, images, options);
  const n = images.shape[0];
  if (n < 1) throw new ShapeError('images', 'at least one image', 'an empty batch');
  const counts = new Array<number>(dim).fill(0);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let j = 1; j < dim; j++) if ((values[i * dim + j] as number) > (values[i * dim + best] as number)) best = j;
    counts[best] = (counts[best] as number) + 1;
  }
  const fractions = counts.map((c) => c / n);
  const missingClasses = counts.flatMap((c, i) => (c === 0 ? [i] : []));
  const maxFraction = Math.max(...fractions);
  return { counts, fractions, missingClasses, maxFraction, modeCollapse: missingClasses.length > 0 || maxFraction > maxAllowed };
}

export interface ClassifierFidOptions extends ClassifierMetricOptions {
  /** Layer whose output is the feature vector: a name or an index (default: the layer before the last). */
  layer?: string | number;
}

/** A model from the classifier's input to the chosen layer's output (shares weights; dispose() not needed). */
export function featureExtractor(classifier: tf.LayersModel, layer?: string | number): tf.LayersModel {
  const layers = classifier.layers;
  let chosen: tf.layers.Layer | undefined;
  if (layer === undefined) chosen = layers[layers.length - 2];
  else if (typeof layer === 'number') {
    if (!Number.isInteger(layer)) throw new InvalidArgumentError('layer', 'a layer index or name', layer);
    chosen = layers[layer < 0 ? layers.length + layer : layer];
  } else chosen = layers.find((l) => l.name === layer);
  if (!chosen) throw new InvalidArgumentError('layer', `a layer name or index of the classifier (${layers.map((l) => l.name).join(', ')})`, layer);
  return tf.model({ inputs: classifier.inputs, outputs: chosen.output as tf.SymbolicTensor });
}

/**
 * Fréchet distance between the classifier features of two image sets (FID
 * with a task classifier instead of Inception-v3). Features are the output of
 * `layer` (default: the penultimate layer, e.g. the Dense 128 of the course
 * CNN), flattened. It is 0 for a set with itself and independent of order;
 * each set needs more images than feature dimensions for a full-rank estimate.
 */
export function classifierFid(classifier: tf.LayersModel, a: tf.Tensor4D, b: tf.Tensor4D, options: ClassifierFidOptions = {}): number {
  const extractor = featureExtractor(classifier, options.layer);
  const fa = runBatched(extractor, a, options);
  const fb = runBatched(extractor, b, options);
  return frechetDistanceOfFeatures({ values: fa.values, rows: a.shape[0] }, { values: fb.values, rows: b.shape[0] }, fa.dim);
}
