import type { tf } from '@deepcourse/backend';
import { Pipeline, type ApplyOptions, type Augmentation } from './augmentation.js';

/**
 * A pipeline that runs `steps` in order. Adjacent geometric steps (flip,
 * rotate, translate, zoom, shear) with the same fill and interpolation
 * settings are fused into one resampling of the batch.
 */
export function compose(steps: readonly Augmentation[]): Pipeline {
  return new Pipeline(steps);
}

/** `augmentation.apply(images, options)`: a new float32 batch, each image with its own random parameters. */
export function augment(images: tf.Tensor4D, augmentation: Augmentation, options: ApplyOptions = {}): tf.Tensor4D {
  return augmentation.apply(images, options);
}
