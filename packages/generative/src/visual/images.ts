import { tf, imageGrid, InvalidArgumentError, ShapeError, type ImageGridOptions } from '@deepcourse/backend';
import type { Gan } from '../models/dcgan.js';

/** Value range of a model's images: 'tanh' = [-1, 1] (GAN generators), 'unit' = [0, 1] (autoencoders). */
export type ImageRange = 'tanh' | 'unit';

/** Maps images of `range` to [0, 1] (clipped: a tanh output can touch ±1 by round-off). */
export function toUnitRange(images: tf.Tensor, range: ImageRange): tf.Tensor {
  if (range !== 'tanh' && range !== 'unit') throw new InvalidArgumentError('range', "'tanh' or 'unit'", range);
  return tf.tidy(() => (range === 'tanh' ? images.add(1).div(2) : images).clipByValue(0, 1));
}

export interface SampleGridOptions extends ImageGridOptions {
  /** Number of samples (default 16; the course shows 5×5 = 25). */
  count?: number;
  /** Seed of the noise (default 42). */
  seed?: number;
  /** Class ids for a conditional GAN, one per sample (default: 0, 1, 2, … cycling). */
  labels?: number[];
}

/** Generates `count` images from seeded noise and tiles them into one image `[H', W', C]` in [0, 1]. */
export function sampleGrid(gan: Gan, options: SampleGridOptions = {}): tf.Tensor3D {
  const count = options.count ?? 16;
  if (!Number.isInteger(count) || count < 1) throw new InvalidArgumentError('count', 'a positive integer', options.count);
  return tf.tidy(() => {
    const z = tf.randomNormal([count, gan.latentDim], 0, 1, 'float32', options.seed ?? 42);
    let input: tf.Tensor | tf.Tensor[] = z;
    if (gan.numClasses !== undefined) {
      const k = gan.numClasses;
      const ids = options.labels ?? Array.from({ length: count }, (_, i) => i % k);
      if (ids.length !== count || ids.some((c) => !Number.isInteger(c) || c < 0 || c >= k)) {
        throw new InvalidArgumentError('labels', `${count} class ids in [0, ${k})`, ids);
      }
      input = [z, tf.oneHot(tf.tensor1d(ids, 'int32'), k).toFloat()];
    }
    const images = gan.generator.predict(input) as tf.Tensor4D;
    return imageGrid(toUnitRange(images, 'tanh') as tf.Tensor4D, gridOptions(options));
  });
}

function gridOptions(options: ImageGridOptions): ImageGridOptions {
  const out: ImageGridOptions = {};
  if (options.columns !== undefined) out.columns = options.columns;
  if (options.padding !== undefined) out.padding = options.padding;
  if (options.padValue !== undefined) out.padValue = options.padValue;
  return out;
}

export interface InterpolationOptions {
  /** Number of images in the strip, ends included (default 10). */
  steps?: number;
  /** 'linear' or 'spherical' (slerp, better for Gaussian latents; default). */
  method?: 'linear' | 'spherical';
  /** Range of the decoder's output (default 'tanh' for GANs; 'unit' for autoencoder decoders). */
  range?: ImageRange;
  /** Extra inputs after z, e.g. a one-hot label `[1, K]` for a conditional generator. */
  extraInputs?: tf.Tensor[];
  padding?: number;
  padValue?: number;
}

/** Latent points from `from` to `to` (each `[d]`): `[steps, d]`. */
export function interpolateLatents(from: tf.Tensor1D, to: tf.Tensor1D, steps: number, method: 'linear' | 'spherical' = 'spherical'): tf.Tensor2D {
  if (from.rank !== 1 || to.rank !== 1 || from.shape[0] !== to.shape[0]) {
    throw new ShapeError('from, to', 'two latent vectors [d] of one length', `[${from.shape.join(', ')}] and [${to.shape.join(', ')}]`);
  }
  if (!Number.isInteger(steps) || steps < 2) throw new InvalidArgumentError('steps', 'an integer >= 2', steps);
  return tf.tidy(() => {
    const t = tf.linspace(0, 1, steps).expandDims(1);
    const a = from.expandDims(0);
    const b = to.expandDims(0);
    if (method === 'linear') return a.mul(tf.scalar(1).sub(t)).add(b.mul(t)) as tf.Tensor2D;
    const cos = from.dot(to).div(from.norm().mul(to.norm())).clipByValue(-1, 1).dataSync()[0] as number;
    const omega = Math.acos(cos);
    if (omega < 1e-6) return a.mul(tf.scalar(1).sub(t)).add(b.mul(t)) as tf.Tensor2D;
    const wa = t.mul(-1).add(1).mul(omega).sin().div(Math.sin(omega));
    const wb = t.mul(omega).sin().div(Math.sin(omega));
    return a.mul(wa).add(b.mul(wb)) as tf.Tensor2D;
  });
}

/** Decodes an interpolation between two latent vectors into one strip image `[H', W', C]` in [0, 1]. */
export function interpolationStrip(decoder: tf.LayersModel, from: tf.Tensor1D, to: tf.Tensor1D, options: InterpolationOptions = {}): tf.Tensor3D {
  const steps = options.steps ?? 10;
  return tf.tidy(() => {
    const z = interpolateLatents(from, to, steps, options.method ?? 'spherical');
    const extra = (options.extraInputs ?? []).map((t) => tf.tile(t, [steps, ...new Array<number>(t.rank - 1).fill(1)]));
    const images = decoder.predict(extra.length ? [z, ...extra] : z) as tf.Tensor4D;
    return imageGrid(toUnitRange(images, options.range ?? 'tanh') as tf.Tensor4D, { columns: steps, ...gridOptions(options) });
  });
}

/**
 * Originals in the top row and their reconstructions below, `columns` pairs
 * per block of two rows: `[H', W', C]` in [0, 1] (the course's figure).
 */
export function reconstructionGrid(originals: tf.Tensor4D, reconstructions: tf.Tensor4D, options: { columns?: number; padding?: number; padValue?: number; range?: ImageRange } = {}): tf.Tensor3D {
  if (originals.rank !== 4 || originals.shape.some((d, i) => d !== reconstructions.shape[i])) {
    throw new ShapeError('reconstructions', `the shape of originals [${originals.shape.join(', ')}]`, `[${reconstructions.shape.join(', ')}]`);
  }
  const n = originals.shape[0];
  const columns = options.columns ?? Math.min(n, 10);
  if (!Number.isInteger(columns) || columns < 1) throw new InvalidArgumentError('columns', 'a positive integer', options.columns);
  return tf.tidy(() => {
    const range = options.range ?? 'unit';
    const a = toUnitRange(originals, range) as tf.Tensor4D;
    const b = toUnitRange(reconstructions, range) as tf.Tensor4D;
    const blocks: tf.Tensor4D[] = [];
    const padValue = options.padValue ?? 1;
    for (let start = 0; start < n; start += columns) {
      const size = Math.min(columns, n - start);
      let top = a.slice(start, size);
      let bottom = b.slice(start, size);
      if (size < columns) {
        const [, h, w, c] = a.shape;
        const fill = tf.fill([columns - size, h, w, c], padValue) as tf.Tensor4D;
        top = top.concat(fill, 0);
        bottom = bottom.concat(fill, 0);
      }
      blocks.push(top, bottom);
    }
    return imageGrid(tf.concat(blocks, 0), { columns, ...gridOptions(options) });
  });
}

/**
 * Decodes a regular grid of points of a 2-D latent space (the VAE's manifold
 * figure): `n × n` images for z in [-extent, extent]², top row = largest z₂.
 */
export function latentManifold(decoder: tf.LayersModel, options: { n?: number; extent?: number; range?: ImageRange; padding?: number; padValue?: number } = {}): tf.Tensor3D {
  const n = options.n ?? 15;
  if (!Number.isInteger(n) || n < 2) throw new InvalidArgumentError('n', 'an integer >= 2', options.n);
  const extent = options.extent ?? 3;
  if (!(extent > 0)) throw new InvalidArgumentError('extent', 'a positive number', options.extent);
  const latentDim = decoder.inputs[0]?.shape[1];
  if (latentDim !== 2) throw new ShapeError('decoder', 'a decoder of 2-D latent vectors', `input of shape [${decoder.inputs[0]?.shape.join(', ')}]`);
  const points: number[] = [];
  for (let row = 0; row < n; row++) {
    for (let col = 0; col < n; col++) points.push(-extent + (2 * extent * col) / (n - 1), extent - (2 * extent * row) / (n - 1));
  }
  return tf.tidy(() => {
    const images = decoder.predict(tf.tensor2d(points, [n * n, 2])) as tf.Tensor4D;
    return imageGrid(toUnitRange(images, options.range ?? 'unit') as tf.Tensor4D, { columns: n, ...gridOptions(options) });
  });
}
