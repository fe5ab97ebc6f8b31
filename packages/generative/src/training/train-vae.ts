import { tf, seedStream, InvalidArgumentError, ShapeError, NonFiniteLossError } from '@deepcourse/backend';
import type { Vae } from '../models/vae.js';
import { binaryCrossEntropy } from './losses.js';

/**
 * KL(N(μ, diag σ²) || N(0, I)) per example, in nats:
 * −½ Σ (1 + log σ² − μ² − σ²). Returns `[batch]`.
 */
export function gaussianKlDivergence(mean: tf.Tensor2D, logVar: tf.Tensor2D): tf.Tensor1D {
  if (mean.rank !== 2 || logVar.rank !== 2 || mean.shape.some((d, i) => d !== logVar.shape[i])) {
    throw new ShapeError('mean, logVar', 'two [batch, latentDim] tensors of one shape', `[${mean.shape.join(', ')}] and [${logVar.shape.join(', ')}]`);
  }
  return tf.tidy(() => tf.scalar(1).add(logVar).sub(mean.square()).sub(logVar.exp()).sum(1).mul(-0.5) as tf.Tensor1D);
}

/**
 * Per-example VAE loss terms, in nats per image: Bernoulli reconstruction
 * (BCE summed over pixels) and KL. With a `seed`, z = μ + σ·ε uses ε drawn from
 * that seed (evaluation); without, z comes from the encoder's VaeSampling layer
 * in training mode (training).
 */
export function vaeLossTerms(vae: Vae, images: tf.Tensor4D, seed?: number): { reconstruction: tf.Tensor1D; kl: tf.Tensor1D } {
  return tf.tidy(() => {
    const training = seed === undefined;
    const [mean, logVar, sampled] = vae.encoder.apply(images, { training }) as tf.Tensor2D[];
    const z =
      seed === undefined
        ? (sampled as tf.Tensor2D)
        : (mean as tf.Tensor2D).add((logVar as tf.Tensor2D).mul(0.5).exp().mul(tf.randomNormal((mean as tf.Tensor2D).shape, 0, 1, 'float32', seed)));
    const decoded = vae.decoder.apply(z, { training }) as tf.Tensor;
    const reconstruction = binaryCrossEntropy(images, decoded).reshape([images.shape[0], -1]).sum(1) as tf.Tensor1D;
    return { reconstruction, kl: gaussianKlDivergence(mean as tf.Tensor2D, logVar as tf.Tensor2D) };
  });
}

export interface VaeEpochLogs {
  epoch: number;
  /** Mean loss (reconstruction + KL), nats per image. */
  loss: number;
  reconstruction: number;
  kl: number;
}

export interface TrainVaeOptions {
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  /** Weight of the KL term (default 1: the ELBO; β-VAE for other values). */
  klWeight?: number;
  seed?: number;
  onBatchEnd?: (batch: number, logs: { loss: number }) => void | Promise<void>;
  onEpochEnd?: (logs: VaeEpochLogs) => void | Promise<void>;
}

/**
 * Trains a VAE with a custom step: for each seeded batch, Adam minimises
 * mean(reconstruction + klWeight · KL) over all trainable weights of encoder
 * and decoder; z is drawn by the model's seeded VaeSampling layer and batches
 * are shuffled from `seed`, so a run is reproducible.
 */
export async function trainVae(model: Vae, images: tf.Tensor4D, options: TrainVaeOptions = {}): Promise<VaeEpochLogs[]> {
  const epochs = options.epochs ?? 10;
  if (!Number.isInteger(epochs) || epochs < 1) throw new InvalidArgumentError('epochs', 'a positive integer', options.epochs);
  const batchSize = options.batchSize ?? 128;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new InvalidArgumentError('batchSize', 'a positive integer', options.batchSize);
  const klWeight = options.klWeight ?? 1;
  if (!(klWeight >= 0)) throw new InvalidArgumentError('klWeight', 'a non-negative number', options.klWeight);
  const expected = model.encoder.inputs[0]?.shape.slice(1) ?? [];
  if (images.rank !== 4 || images.shape.slice(1).some((d, i) => d !== expected[i])) {
    throw new ShapeError('images', `[N, ${expected.join(', ')}]`, `shape [${images.shape.join(', ')}]`);
  }
  const n = images.shape[0];
  const stream = seedStream(options.seed ?? 42);
  const optimizer = tf.train.adam(options.learningRate ?? 1e-3);
  // Encoder and decoder together hold every weight of the VAE (the sampling layer has none).
  const variables = [...model.encoder.trainableWeights, ...model.decoder.trainableWeights].map((v) => v.read() as tf.Variable);
  const history: VaeEpochLogs[] = [];
  try {
    for (let epoch = 0; epoch < epochs; epoch++) {
      const order = stream.permutation(n);
      let sumLoss = 0;
      let sumRecon = 0;
      let sumKl = 0;
      let batch = 0;
      for (let start = 0; start < n; start += batchSize, batch++) {
        const idx = order.subarray(start, Math.min(n, start + batchSize));
        let recon: tf.Scalar | undefined;
        let kl: tf.Scalar | undefined;
        const loss = tf.tidy(() => {
          const x = tf.gather(images, tf.tensor1d(idx, 'int32'));
          return optimizer.minimize(
            () => {
              const terms = vaeLossTerms(model, x);
              recon = tf.keep(terms.reconstruction.mean() as tf.Scalar);
              kl = tf.keep(terms.kl.mean() as tf.Scalar);
              return recon.add(kl.mul(klWeight)) as tf.Scalar;
            },
            true,
            variables,
          ) as tf.Scalar;
        });
        const [l, r, k] = [(await loss.data())[0] as number, (await recon!.data())[0] as number, (await kl!.data())[0] as number];
        tf.dispose([loss, recon!, kl!]);
        if (!Number.isFinite(l)) throw new NonFiniteLossError(epoch, batch, l);
        sumLoss += l * idx.length;
        sumRecon += r * idx.length;
        sumKl += k * idx.length;
        await options.onBatchEnd?.(batch, { loss: l });
      }
      const logs = { epoch, loss: sumLoss / n, reconstruction: sumRecon / n, kl: sumKl / n };
      history.push(logs);
      await options.onEpochEnd?.(logs);
    }
  } finally {
    optimizer.dispose();
  }
  return history;
}
