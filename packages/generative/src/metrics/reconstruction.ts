import { tf, InvalidArgumentError, ShapeError, seedStream } from '@deepcourse/backend';
import type { Vae } from '../models/vae.js';
import { binaryCrossEntropy } from '../training/losses.js';
import { vaeLossTerms } from '../training/train-vae.js';

export interface ReconstructionErrorOptions {
  /** 'bce' (binary cross-entropy, Keras's clipping) or 'mse'. Default 'bce'. */
  loss?: 'bce' | 'mse';
  batchSize?: number;
}

/**
 * Mean reconstruction error per pixel of `model` on `images` in [0, 1]: the
 * number Keras reports as `binary_crossentropy` (or `mse`) for an autoencoder.
 */
export function reconstructionError(model: tf.LayersModel, images: tf.Tensor4D, options: ReconstructionErrorOptions = {}): number {
  const loss = options.loss ?? 'bce';
  if (loss !== 'bce' && loss !== 'mse') throw new InvalidArgumentError('loss', "'bce' or 'mse'", options.loss);
  const batchSize = options.batchSize ?? 256;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new InvalidArgumentError('batchSize', 'a positive integer', options.batchSize);
  if (images.rank !== 4) throw new ShapeError('images', 'a batch [N, H, W, C]', `shape [${images.shape.join(', ')}]`);
  const n = images.shape[0];
  if (n < 1) throw new ShapeError('images', 'at least one image', 'an empty batch');
  let sum = 0;
  for (let start = 0; start < n; start += batchSize) {
    const s = tf.tidy(() => {
      const x = images.slice(start, Math.min(batchSize, n - start));
      const y = model.predict(x) as tf.Tensor;
      if (y.shape.some((d, i) => d !== x.shape[i])) throw new ShapeError('model', `reconstructions of shape [${x.shape.join(', ')}]`, `[${y.shape.join(', ')}]`);
      return (loss === 'bce' ? binaryCrossEntropy(x, y) : x.sub(y).square()).sum();
    });
    sum += (s.dataSync()[0] as number);
    s.dispose();
  }
  return sum / images.size;
}

export interface NegativeElboResult {
  /** −ELBO = reconstruction + KL, nats per image (an upper bound on −log p(x) under the Bernoulli model). */
  negativeElbo: number;
  /** E_q[−log p(x|z)], nats per image. */
  reconstruction: number;
  /** KL(q(z|x) ‖ p(z)), nats per image. */
  kl: number;
}

/**
 * The VAE's negative evidence lower bound on `images`, in nats per image,
 * with `samples` seeded draws of z per image (default 1). The Bernoulli
 * likelihood treats grey levels in [0, 1] as probabilities, as the Keras VAE
 * example does.
 */
export function negativeElbo(model: Vae, images: tf.Tensor4D, options: { samples?: number; batchSize?: number; seed?: number } = {}): NegativeElboResult {
  const samples = options.samples ?? 1;
  if (!Number.isInteger(samples) || samples < 1) throw new InvalidArgumentError('samples', 'a positive integer', options.samples);
  const batchSize = options.batchSize ?? 256;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new InvalidArgumentError('batchSize', 'a positive integer', options.batchSize);
  const n = images.shape[0];
  if (images.rank !== 4 || n < 1) throw new ShapeError('images', 'a non-empty batch [N, H, W, C]', `shape [${images.shape.join(', ')}]`);
  const stream = seedStream(options.seed ?? 42);
  let recon = 0;
  let kl = 0;
  for (let start = 0; start < n; start += batchSize) {
    for (let s = 0; s < samples; s++) {
      const seed = stream.next();
      const [r, k] = tf.tidy(() => {
        const terms = vaeLossTerms(model, images.slice(start, Math.min(batchSize, n - start)), seed);
        return [terms.reconstruction.sum(), terms.kl.sum()];
      }) as [tf.Scalar, tf.Scalar];
      recon += (r.dataSync()[0] as number) / samples;
      kl += (k.dataSync()[0] as number) / samples;
      tf.dispose([r, k]);
    }
  }
  return { negativeElbo: (recon + kl) / n, reconstruction: recon / n, kl: kl / n };
}
