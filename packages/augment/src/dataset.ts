import { tf, InvalidArgumentError, ShapeError } from '@deepcourse/backend';
import { Augmentation } from './augmentation.js';
import { toSeedStream, type Seed } from './validate.js';

export interface AugmentDatasetOptions {
  /**
   * Seed of the whole dataset. Each element draws from its own child stream,
   * taken in the order elements are produced, so a second pass over the
   * dataset (the next epoch) gets new augmentations and a run is reproduced
   * by its seed.
   */
  seed?: Seed;
  /**
   * Which part of each element holds the images: a property name for object
   * elements (default 'xs'), an index for array elements (default 0). Plain
   * tensor elements are the images. Everything else (labels) passes through.
   */
  key?: string | number;
}

/**
 * Augments the images of a tf.data dataset. Elements may be a batch
 * `[N, H, W, C]` or a single image `[H, W, C]`, alone, in an object
 * (`{ xs, ys }`) or in an array (`[x, y]`); labels stay with their images.
 * The input tensors of each element are disposed by tf.data as usual.
 */
export function augmentDataset<T extends tf.TensorContainer>(
  dataset: tf.data.Dataset<T>,
  augmentation: Augmentation,
  options: AugmentDatasetOptions = {},
): tf.data.Dataset<T> {
  if (dataset === null || typeof dataset !== 'object' || typeof (dataset as { map?: unknown }).map !== 'function' || typeof (dataset as { iterator?: unknown }).iterator !== 'function') {
    throw new InvalidArgumentError('dataset', 'a tf.data.Dataset', dataset);
  }
  if (!(augmentation instanceof Augmentation)) throw new InvalidArgumentError('augmentation', 'an augmentation (flip(), compose([...]), ...)', augmentation);
  const root = toSeedStream(options.seed);
  return dataset.map((element: T) => {
    const random = root.fork();
    const augmentImages = (images: unknown, where: string): tf.Tensor => {
      if (!(images instanceof tf.Tensor)) throw new InvalidArgumentError(`dataset element${where}`, 'an image tensor', images);
      if (images.rank === 3) return tf.tidy(() => augmentation.apply(images.expandDims(0) as tf.Tensor4D, { seed: random }).squeeze([0]));
      if (images.rank === 4) return augmentation.apply(images as tf.Tensor4D, { seed: random });
      throw new ShapeError(`dataset element${where}`, 'an image [H, W, C] or a batch [N, H, W, C]', `shape [${images.shape.join(', ')}]`);
    };
    if (element instanceof tf.Tensor) return augmentImages(element, '') as unknown as T;
    if (Array.isArray(element)) {
      const index = options.key ?? 0;
      if (typeof index !== 'number' || !(index in element)) throw new InvalidArgumentError('key', `an index of the element array (length ${element.length})`, options.key);
      const copy = [...element];
      copy[index] = augmentImages(element[index], `[${index}]`);
      return copy as unknown as T;
    }
    if (element !== null && typeof element === 'object') {
      const key = options.key ?? 'xs';
      const record = element as Record<string, unknown>;
      if (typeof key !== 'string' || !(key in record)) {
        throw new InvalidArgumentError('key', `a property of the dataset elements (${Object.keys(record).join(', ')})`, options.key ?? 'xs');
      }
      return { ...record, [key]: augmentImages(record[key], `.${key}`) } as unknown as T;
    }
    throw new InvalidArgumentError('dataset element', 'a tensor, an array or an object of tensors', element);
  });
}
