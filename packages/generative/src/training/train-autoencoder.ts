import { tf, seedStream, InvalidArgumentError, ShapeError } from '@deepcourse/backend';

export interface AddNoiseOptions {
  /** Standard deviation of the Gaussian noise (default 0.5, as in Chollet's denoising example). */
  noiseLevel?: number;
  /** Clip the noisy images to [0, 1] (default true). */
  clip?: boolean;
  seed?: number;
}

/** Images plus seeded Gaussian noise of standard deviation `noiseLevel`, clipped to [0, 1] by default. */
export function addNoise(images: tf.Tensor, options: AddNoiseOptions = {}): tf.Tensor {
  const noiseLevel = options.noiseLevel ?? 0.5;
  if (!(noiseLevel >= 0) || !Number.isFinite(noiseLevel)) throw new InvalidArgumentError('noiseLevel', 'a non-negative standard deviation', options.noiseLevel);
  const seed = options.seed ?? 42;
  return tf.tidy(() => {
    const noisy = images.toFloat().add(tf.randomNormal(images.shape, 0, noiseLevel, 'float32', seed));
    return options.clip ?? true ? noisy.clipByValue(0, 1) : noisy;
  });
}

export interface TrainAutoencoderOptions {
  /** Default 10 (the course: 50). */
  epochs?: number;
  /** Default 128 (the course's). */
  batchSize?: number;
  /** Adam learning rate (default 1e-3, Keras's default). */
  learningRate?: number;
  /** 'binaryCrossentropy' (default, the course's) or 'meanSquaredError'. */
  loss?: 'binaryCrossentropy' | 'meanSquaredError';
  /** Validation images (inputs = targets unless `validationTargets` is given). */
  validationImages?: tf.Tensor4D;
  validationTargets?: tf.Tensor4D;
  /** Seed of the per-epoch shuffling (default 42). */
  seed?: number;
  /** tfjs callbacks, e.g. `progressReporter()` from @deepcourse/backend. */
  callbacks?: tf.CustomCallbackArgs | tf.Callback | (tf.Callback | tf.CustomCallbackArgs)[];
}

/**
 * Compiles (Adam, BCE by default) and trains `model` to map `inputs` to
 * `targets` (`targets` defaults to `inputs`: a plain autoencoder; noisy inputs
 * and clean targets: a denoising autoencoder). Batches are shuffled each epoch
 * from the seed (tfjs's own shuffle is not seedable). The optimizer lives for
 * this call only: a second call starts a fresh Adam.
 */
export async function trainAutoencoder(
  model: tf.LayersModel,
  inputs: tf.Tensor4D,
  targets: tf.Tensor4D = inputs,
  options: TrainAutoencoderOptions = {},
): Promise<tf.History> {
  const epochs = options.epochs ?? 10;
  if (!Number.isInteger(epochs) || epochs < 1) throw new InvalidArgumentError('epochs', 'a positive integer', options.epochs);
  const batchSize = options.batchSize ?? 128;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new InvalidArgumentError('batchSize', 'a positive integer', options.batchSize);
  if (inputs.rank !== 4) throw new ShapeError('inputs', 'images [N, H, W, C]', `shape [${inputs.shape.join(', ')}]`);
  if (targets.shape[0] !== inputs.shape[0]) throw new ShapeError('targets', `${inputs.shape[0]} images, as many as inputs`, `shape [${targets.shape.join(', ')}]`);
  const loss = options.loss ?? 'binaryCrossentropy';
  if (loss !== 'binaryCrossentropy' && loss !== 'meanSquaredError') throw new InvalidArgumentError('loss', "'binaryCrossentropy' or 'meanSquaredError'", options.loss);
  const optimizer = tf.train.adam(options.learningRate ?? 1e-3);
  model.compile({ optimizer, loss });

  const n = inputs.shape[0];
  const batchesPerEpoch = Math.ceil(n / batchSize);
  const stream = seedStream(options.seed ?? 42);
  // An endless dataset: each pass walks a fresh seeded permutation; fitDataset takes batchesPerEpoch per epoch.
  const dataset = tf.data.generator(function* () {
    for (;;) {
      const order = stream.permutation(n);
      for (let start = 0; start < n; start += batchSize) {
        const idx = order.subarray(start, Math.min(n, start + batchSize));
        yield tf.tidy(() => {
          const indices = tf.tensor1d(idx, 'int32');
          return { xs: tf.gather(inputs, indices), ys: tf.gather(targets, indices) };
        });
      }
    }
  }) as unknown as tf.data.Dataset<tf.TensorContainer>;
  const validation = options.validationImages
    ? ([options.validationImages, options.validationTargets ?? options.validationImages] as [tf.Tensor, tf.Tensor])
    : undefined;
  try {
    return await model.fitDataset(dataset, {
      epochs,
      batchesPerEpoch,
      ...(validation ? { validationData: validation } : {}),
      ...(options.callbacks ? { callbacks: options.callbacks } : {}),
    });
  } finally {
    // Each call compiles a fresh Adam; its moment estimates die with the call (no tensors outlive it).
    optimizer.dispose();
  }
}
