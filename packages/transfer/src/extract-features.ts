import { InvalidArgumentError, tf } from '@deepcourse/backend';
import { checkBase, checkFitsBase, featureModel, findFeatureLayer } from './feature-layer.js';

export interface ExtractFeaturesOptions {
  /** Where to cut the base (default: found, see `findFeatureLayer`). */
  cutAt?: string | number;
  /** How spatial features become vectors (default 'flatten'). */
  pooling?: 'flatten' | 'avg' | 'max';
  /** Images per forward pass (default 64). */
  batchSize?: number;
}

/**
 * The fast route of transfer learning: runs the images once through the base
 * (cut at its feature layer) and returns the features `[N, D]`, on which a
 * small classifier trains in seconds. The caller owns the result.
 */
export function extractFeatures(base: tf.LayersModel, images: tf.Tensor, options: ExtractFeaturesOptions = {}): tf.Tensor2D {
  checkBase(base, 'base');
  if (!(images instanceof tf.Tensor)) throw new InvalidArgumentError('images', 'a tensor [N, ...]', images);
  checkFitsBase(base, images.shape.slice(1), 'images');
  const batchSize = options.batchSize ?? 64;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new InvalidArgumentError('batchSize', 'a positive integer', batchSize);
  const pooling = options.pooling ?? 'flatten';
  if (!['flatten', 'avg', 'max'].includes(pooling)) throw new InvalidArgumentError('pooling', "'flatten', 'avg' or 'max'", pooling);
  const cut = featureModel(base, findFeatureLayer(base, options.cutAt));
  const n = images.shape[0] as number;
  return tf.tidy(() => {
    const parts: tf.Tensor2D[] = [];
    for (let start = 0; start < n; start += batchSize) {
      const batch = images.slice(start, Math.min(batchSize, n - start));
      const out = cut.predict(batch) as tf.Tensor;
      parts.push(toVectors(out, pooling));
    }
    if (parts.length === 0) return tf.zeros([0, vectorSize(cut, pooling)]) as tf.Tensor2D;
    return parts.length === 1 ? parts[0]! : tf.concat(parts, 0);
  });
}

function toVectors(features: tf.Tensor, pooling: 'flatten' | 'avg' | 'max'): tf.Tensor2D {
  const n = features.shape[0] as number;
  if (features.rank <= 2 || pooling === 'flatten') return features.reshape([n, -1]) as tf.Tensor2D;
  // Pool over every axis between the batch and the channels.
  const axes = features.shape.slice(1, -1).map((_, i) => i + 1);
  return (pooling === 'avg' ? features.mean(axes) : features.max(axes)) as tf.Tensor2D;
}

function vectorSize(cut: tf.LayersModel, pooling: 'flatten' | 'avg' | 'max'): number {
  const shape = cut.outputs[0]!.shape.slice(1) as number[];
  if (shape.length <= 1 || pooling === 'flatten') return shape.reduce((a, b) => a * b, 1);
  return shape[shape.length - 1]!;
}
