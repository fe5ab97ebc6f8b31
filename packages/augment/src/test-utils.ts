import { expect } from 'vitest';
import { tf, initBackend, seedStream } from '@deepcourse/backend';

/** Runs `fn` and asserts it leaves the number of live tensors unchanged but for `keep(result)`; returns its result. */
export async function expectNoLeak<T>(fn: () => T | Promise<T>, keep: (result: T) => number = () => 0): Promise<T> {
  const before = tf.memory().numTensors;
  const result = await fn();
  expect(tf.memory().numTensors - keep(result)).toBe(before);
  return result;
}

/** Tensors inside a (nested) result, for `expectNoLeak`'s `keep`. */
export function countTensors(value: unknown): number {
  if (value instanceof tf.Tensor) return 1;
  if (Array.isArray(value)) return value.reduce((n: number, v) => n + countTensors(v), 0);
  if (value !== null && typeof value === 'object') return Object.values(value).reduce((n: number, v) => n + countTensors(v), 0);
  return 0;
}

export async function useCpu(): Promise<void> {
  await initBackend({ backend: 'cpu' });
}

/** A seeded batch of random images in [0, 1]. */
export function randomImages(shape: [number, number, number, number], seed = 1): tf.Tensor4D {
  const random = seedStream(seed);
  const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < values.length; i++) values[i] = random.uniform();
  return tf.tensor4d(values, shape);
}

/** Images whose pixel (y, x, c) holds 1000·c + 100·y + x... scaled: distinct, readable values. */
export function indexImages(n: number, height: number, width: number, channels = 1): tf.Tensor4D {
  const values = new Float32Array(n * height * width * channels);
  let k = 0;
  for (let i = 0; i < n; i++) for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) for (let c = 0; c < channels; c++) values[k++] = 10000 * i + 1000 * c + 100 * y + x;
  return tf.tensor4d(values, [n, height, width, channels]);
}

/**
 * One-sample Kolmogorov-Smirnov statistic of `samples` against the uniform
 * distribution on [low, high]. With n samples, D < 1.63/sqrt(n) at the 1% level.
 */
export function ksUniform(samples: ArrayLike<number>, low: number, high: number): number {
  const sorted = Float64Array.from(samples).sort();
  const n = sorted.length;
  let d = 0;
  for (let i = 0; i < n; i++) {
    const cdf = Math.min(1, Math.max(0, (sorted[i]! - low) / (high - low)));
    d = Math.max(d, Math.abs(cdf - i / n), Math.abs((i + 1) / n - cdf));
  }
  return d;
}

export type ReferenceFill = 'constant' | 'nearest' | 'reflect' | 'wrap';

/**
 * Reference resampler in plain JavaScript: the input extended to every integer
 * pixel by the fill mode, read at M·(x, y) by nearest or bilinear interpolation.
 */
export function referenceTransform(
  images: tf.Tensor4D,
  matrices: Float64Array,
  fill: ReferenceFill,
  interpolation: 'nearest' | 'bilinear',
  fillValue = 0,
): Float32Array {
  const [n, h, w, c] = images.shape as [number, number, number, number];
  const data = images.dataSync();
  const out = new Float32Array(n * h * w * c);
  const index = (k: number, len: number): number | undefined => {
    if (fill === 'constant') return k >= 0 && k < len ? k : undefined;
    if (fill === 'nearest') return Math.min(len - 1, Math.max(0, k));
    if (fill === 'wrap') return ((k % len) + len) % len;
    const period = 2 * len;
    const m = ((k % period) + period) % period;
    return m < len ? m : period - 1 - m;
  };
  const read = (b: number, y: number, x: number, ch: number): number => {
    const yy = index(y, h);
    const xx = index(x, w);
    return yy === undefined || xx === undefined ? fillValue : data[((b * h + yy) * w + xx) * c + ch]!;
  };
  for (let b = 0; b < n; b++) {
    const m = Array.from(matrices.subarray(b * 9, b * 9 + 9), Math.fround);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const inX = m[0]! * x + m[1]! * y + m[2]!;
        const inY = m[3]! * x + m[4]! * y + m[5]!;
        for (let ch = 0; ch < c; ch++) {
          let v: number;
          if (interpolation === 'nearest') v = read(b, Math.round(inY), Math.round(inX), ch);
          else {
            const x0 = Math.floor(inX);
            const y0 = Math.floor(inY);
            const fx = inX - x0;
            const fy = inY - y0;
            v = (1 - fy) * ((1 - fx) * read(b, y0, x0, ch) + fx * read(b, y0, x0 + 1, ch)) + fy * ((1 - fx) * read(b, y0 + 1, x0, ch) + fx * read(b, y0 + 1, x0 + 1, ch));
          }
          out[((b * h + y) * w + x) * c + ch] = v;
        }
      }
    }
  }
  return out;
}

export function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
}
