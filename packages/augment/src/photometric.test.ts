import { beforeAll, describe, expect, test } from 'vitest';
import { tf, seedStream } from '@deepcourse/backend';
import { brightness, contrast, gaussianNoise } from './photometric.js';
import { cutout } from './cutout.js';
import { randomCrop } from './crop.js';
import { expectNoLeak, indexImages, ksUniform, randomImages, useCpu } from './test-utils.js';

beforeAll(useCpu);

const values = (t: tf.Tensor) => Array.from(t.dataSync());
const shape = (batchSize: number, height = 8, width = 8, channels = 1) => ({ batchSize, height, width, channels });

describe('brightness', () => {
  test('adds the drawn delta to every pixel of its image, or multiplies by the drawn factor; clips when asked', async () => {
    const images = randomImages([4, 3, 3, 2], 2);
    const step = brightness({ delta: 0.2 });
    const { offset } = step.sample(shape(4, 3, 3, 2), seedStream(5));
    const out = await expectNoLeak(() => step.apply(images, { seed: 5 }), () => 1);
    const diff = out.sub(images);
    for (let i = 0; i < 4; i++) {
      const d = values(diff.slice(i, 1));
      for (const v of d) expect(v).toBeCloseTo(offset[i]!, 6);
      expect(Math.abs(offset[i]!)).toBeLessThanOrEqual(0.2);
    }
    const scaled = brightness({ factor: [2, 2], valueRange: [0, 1.5] }).apply(images);
    expect(values(scaled)).toEqual(values(images).map((v) => Math.min(1.5, Math.fround(v * 2))));
    tf.dispose([images, out, diff, scaled]);
    expect(ksUniform(brightness({ factor: 0.3 }).sample(shape(20000), seedStream(1)).scale, 0.7, 1.3)).toBeLessThan(1.63 / Math.sqrt(20000));
  });
});

describe('contrast', () => {
  test('(x - mean) · factor + mean per image and channel, by hand on a 2x2 image', async () => {
    // Channel 0: 0, 1, 2, 5 (mean 2); channel 1: 4, 4, 4, 8 (mean 5).
    const image = tf.tensor4d([0, 4, 1, 4, 2, 4, 5, 8], [1, 2, 2, 2]);
    const out = await expectNoLeak(() => contrast({ factor: [2, 2] }).apply(image), () => 1);
    expect(values(out)).toEqual([-2, 3, 0, 3, 2, 3, 8, 11]);
    const clipped = contrast({ factor: [2, 2], valueRange: [0, 10] }).apply(image);
    expect(values(clipped)).toEqual([0, 3, 0, 3, 2, 3, 8, 10]);
    tf.dispose([image, out, clipped]);
  });

  test('factors follow [1-f, 1+f]', () => {
    const { factor } = contrast({ factor: 0.4 }).sample(shape(20000), seedStream(3));
    expect(ksUniform(factor, 0.6, 1.4)).toBeLessThan(1.63 / Math.sqrt(20000));
  });
});

describe('gaussianNoise', () => {
  test('noise has mean 0 and the drawn standard deviation per image; the seed fixes it', async () => {
    const images = tf.zeros([2, 64, 64, 1]) as tf.Tensor4D;
    const step = gaussianNoise({ std: [0.1, 0.5] });
    const { std } = step.sample(shape(2, 64, 64), seedStream(7));
    const out = await expectNoLeak(() => step.apply(images, { seed: 7 }), () => 1);
    for (let i = 0; i < 2; i++) {
      const { mean, variance } = tf.moments(out.slice(i, 1));
      // 4096 samples: the standard error of the mean is std/64, of the std about std/90.
      expect(Math.abs(mean.dataSync()[0]!)).toBeLessThan((4 * std[i]!) / 64);
      expect(Math.sqrt(variance.dataSync()[0]!)).toBeCloseTo(std[i]!, 1);
      tf.dispose([mean, variance]);
    }
    const again = step.apply(images, { seed: 7 });
    expect(values(again)).toEqual(values(out));
    const other = step.apply(images, { seed: 8 });
    expect(values(other)).not.toEqual(values(out));
    tf.dispose([images, out, again, other]);
  });
});

describe('cutout', () => {
  test('erases the drawn rectangles (clipped at the border) and nothing else', async () => {
    const images = tf.ones([6, 8, 8, 2]) as tf.Tensor4D;
    const step = cutout({ size: 0.5, value: 0 });
    const { boxes } = step.sample(shape(6, 8, 8, 2), seedStream(4));
    const out = await expectNoLeak(() => step.apply(images, { seed: 4 }), () => 1);
    const data = out.dataSync();
    for (let i = 0; i < 6; i++) {
      const [top, left, bottom, right] = Array.from(boxes.subarray(i * 4, i * 4 + 4));
      expect(bottom! - top!).toBeLessThanOrEqual(4);
      for (let y = 0; y < 8; y++) {
        for (let x = 0; x < 8; x++) {
          const inside = y >= top! && y < bottom! && x >= left! && x < right!;
          expect(data[((i * 8 + y) * 8 + x) * 2]).toBe(inside ? 0 : 1);
          expect(data[((i * 8 + y) * 8 + x) * 2 + 1]).toBe(inside ? 0 : 1);
        }
      }
    }
    // Away from the border a 0.5 cutout of an 8x8 image erases exactly 4x4 pixels.
    const centred = Array.from({ length: 6 }, (_, i) => Array.from(boxes.subarray(i * 4, i * 4 + 4))).find(([t, l, b, r]) => t! > 0 && l! > 0 && b! < 8 && r! < 8);
    if (centred) expect((centred[2]! - centred[0]!) * (centred[3]! - centred[1]!)).toBe(16);
    tf.dispose([images, out]);
  });

  test('several rectangles with a fill value; centres are uniform over the image', () => {
    const images = tf.zeros([1, 10, 10, 1]) as tf.Tensor4D;
    const out = cutout({ size: 0.2, count: 3, value: 7 }).apply(images, { seed: 1 });
    const filled = values(out).filter((v) => v === 7).length;
    expect(filled).toBeGreaterThanOrEqual(1);
    expect(filled).toBeLessThanOrEqual(12);
    tf.dispose([images, out]);
    const { boxes } = cutout({ size: 0 }).sample(shape(20000, 10, 10), seedStream(2));
    // A zero-size rectangle sits at its centre: top = centre row, uniform over 0..9.
    const rows = Array.from({ length: 20000 }, (_, i) => boxes[i * 4]!);
    for (let r = 0; r < 10; r++) expect(Math.abs(rows.filter((v) => v === r).length / 20000 - 0.1)).toBeLessThan(0.01);
  });
});

describe('randomCrop', () => {
  test('a crop of the full size is the identity; a fixed-size crop at output size is an exact slice', async () => {
    const images = indexImages(3, 6, 7, 2);
    const full = await expectNoLeak(() => randomCrop({ size: [6, 7] }).apply(images, { seed: 1 }), () => 1);
    expect(values(full)).toEqual(values(images));
    const step = randomCrop({ size: [3, 4], outputSize: [3, 4] });
    const { boxes } = step.sample(shape(3, 6, 7, 2), seedStream(3));
    const out = step.apply(images, { seed: 3 });
    expect(out.shape).toEqual([3, 3, 4, 2]);
    for (let i = 0; i < 3; i++) {
      const [top, left] = [boxes[i * 4]!, boxes[i * 4 + 1]!];
      expect(values(out.slice(i, 1))).toEqual(values(images.slice([i, top, left, 0], [1, 3, 4, 2])));
    }
    tf.dispose([images, full, out]);
  });

  test('a crop resized back up interpolates bilinearly between the corner pixels of the window', () => {
    // Ramp 0..6 along x; a crop of width 4 starting at `left`, resized to 7 columns, spans left..left+3 in steps of 0.5.
    const ramp = tf.tidy(() => tf.range(0, 7).reshape([1, 1, 7, 1]).tile([1, 7, 1, 1]) as tf.Tensor4D);
    const step = randomCrop({ size: [7, 4] });
    const { boxes } = step.sample(shape(1, 7, 7), seedStream(6));
    const out = step.apply(ramp, { seed: 6 });
    const left = boxes[1]!;
    expect(Array.from(out.slice([0, 0, 0, 0], [1, 1, 7, 1]).dataSync())).toEqual([0, 0.5, 1, 1.5, 2, 2.5, 3].map((v) => v + left));
    tf.dispose([ramp, out]);
  });

  test('area crops cover the requested fraction of the image with the requested aspect ratios', () => {
    const { boxes } = randomCrop({ scale: [0.25, 0.5], aspectRatio: [0.5, 2] }).sample(shape(2000, 100, 100), seedStream(4));
    for (let i = 0; i < 2000; i++) {
      const [top, left, h, w] = Array.from(boxes.subarray(i * 4, i * 4 + 4)) as [number, number, number, number];
      expect(top + h).toBeLessThanOrEqual(100);
      expect(left + w).toBeLessThanOrEqual(100);
      // Rounding to whole pixels moves the area by at most about (h + w) / 2 pixels.
      expect((h * w) / 10000).toBeGreaterThan(0.25 - (h + w) / 20000 - 1e-9);
      expect((h * w) / 10000).toBeLessThan(0.5 + (h + w) / 20000 + 1e-9);
      expect(w / h).toBeGreaterThan(0.45);
      expect(w / h).toBeLessThan(2.2);
    }
  });

  test('bad crop options are named', () => {
    expect(() => randomCrop({} as never)).toThrow(/randomCrop: expected exactly one of size/);
    expect(() => randomCrop({ size: [2, 0] })).toThrow(/randomCrop\.size/);
    const small = tf.zeros([1, 2, 2, 1]) as tf.Tensor4D;
    expect(() => randomCrop({ size: [3, 3] }).apply(small)).toThrow(/at most the image size 2x2/);
    small.dispose();
  });
});
