import { afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import { tf, seedStream, InvalidArgumentError, ShapeError } from '@deepcourse/backend';
import { affine, flip, rotate, shear, translate, zoom } from './geometric.js';
import { compose } from './compose.js';
import { expectNoLeak, indexImages, ksUniform, maxAbsDifference, useCpu } from './test-utils.js';

beforeAll(useCpu);
afterEach(() => vi.restoreAllMocks());

const values = (t: tf.Tensor) => Array.from(t.dataSync());
const shape = (batchSize: number, height = 8, width = 8) => ({ batchSize, height, width, channels: 1 });

/** A batch of images whose value is the x coordinate (a ramp): bilinear sampling reproduces linear maps exactly. */
function rampX(n: number, size: number): tf.Tensor4D {
  return tf.tidy(() => tf.range(0, size).reshape([1, 1, size, 1]).tile([n, size, 1, 1]) as tf.Tensor4D);
}

describe('flip', () => {
  test('probability 1 equals tf.reverse exactly; twice is the identity', async () => {
    const images = indexImages(3, 4, 5, 2);
    const horizontal = flip({ horizontal: true, probability: 1 });
    const once = await expectNoLeak(() => horizontal.apply(images, { seed: 1 }), () => 1);
    const reversed = tf.reverse(images, 2);
    expect(values(once)).toEqual(values(reversed));
    const twice = horizontal.apply(once, { seed: 2 });
    expect(values(twice)).toEqual(values(images));
    const both = flip({ horizontal: true, vertical: true, probability: 1 }).apply(images);
    expect(values(both)).toEqual(values(tf.reverse(images, [1, 2])));
    tf.dispose([images, once, reversed, twice, both]);
  });

  test('with probability 0.5 each image is flipped or not, exactly as its drawn flag says', () => {
    const images = indexImages(16, 3, 4);
    const step = flip({ horizontal: true });
    const flags = step.sample(shape(16, 3, 4), seedStream(9)).horizontal;
    const out = step.apply(images, { seed: 9 });
    const reversed = tf.reverse(images, 2);
    for (let i = 0; i < 16; i++) {
      const expected = flags[i] ? reversed : images;
      expect(values(out.slice(i, 1))).toEqual(values(expected.slice(i, 1)));
    }
    expect(flags.some((f) => f === 1) && flags.some((f) => f === 0)).toBe(true);
    tf.dispose([images, out, reversed]);
  });

  test('the flip rate is 0.5 (binomial, 4 standard deviations over 20000 images)', () => {
    const n = 20000;
    const flags = flip({ horizontal: true, vertical: true }).sample(shape(n), seedStream(3));
    for (const f of [flags.horizontal, flags.vertical]) {
      const rate = f.reduce((a, b) => a + b, 0) / n;
      expect(Math.abs(rate - 0.5)).toBeLessThan(4 * Math.sqrt(0.25 / n));
    }
  });
});

describe('rotate', () => {
  test('90 degrees of a square image equals transpose-and-flip; -90 the other way; 180 of any image reverses both axes', async () => {
    const images = indexImages(2, 5, 5, 3);
    for (const interpolation of ['nearest', 'bilinear'] as const) {
      const ccw = await expectNoLeak(() => rotate({ degrees: [90, 90], interpolation }).apply(images), () => 1);
      // Counter-clockwise as displayed: out[i][j] = in[j][W-1-i].
      const expected = tf.transpose(tf.reverse(images, 2), [0, 2, 1, 3]);
      expect(maxAbsDifference(values(ccw), values(expected))).toBeLessThan(interpolation === 'nearest' ? 1e-9 : 1e-2);
      const cw = rotate({ degrees: [-90, -90], interpolation }).apply(images);
      const expectedCw = tf.transpose(tf.reverse(images, 1), [0, 2, 1, 3]);
      expect(maxAbsDifference(values(cw), values(expectedCw))).toBeLessThan(interpolation === 'nearest' ? 1e-9 : 1e-2);
      tf.dispose([ccw, expected, cw, expectedCw]);
    }
    const wide = indexImages(1, 4, 6);
    const half = rotate({ degrees: [180, 180], interpolation: 'nearest' }).apply(wide);
    expect(values(half)).toEqual(values(tf.reverse(wide, [1, 2])));
    tf.dispose([images, wide, half]);
  });

  test('30 degrees turns a ramp about the centre: out(x, y) = cos·(x-4) - sin·(y-4) + 4 where it samples inside', () => {
    const ramp = rampX(1, 9);
    const out = rotate({ degrees: [30, 30], fillMode: 'constant', fillValue: -100 }).apply(ramp);
    const data = out.dataSync();
    const [c, s] = [Math.cos(Math.PI / 6), Math.sin(Math.PI / 6)];
    let checked = 0;
    for (let y = 0; y < 9; y++) {
      for (let x = 0; x < 9; x++) {
        const inX = c * (x - 4) - s * (y - 4) + 4;
        const inY = s * (x - 4) + c * (y - 4) + 4;
        if (inX < 0 || inX > 8 || inY < 0 || inY > 8) continue;
        expect(data[y * 9 + x]).toBeCloseTo(inX, 4);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(50);
    expect(data[4 * 9 + 4]).toBeCloseTo(4, 5);
    tf.dispose([ramp, out]);
  });

  test('angles follow their range (Kolmogorov-Smirnov, 1% level) and probability leaves images untouched', () => {
    const n = 20000;
    const { radians } = rotate({ degrees: 30 }).sample(shape(n), seedStream(5));
    const degrees = Array.from(radians, (r) => (r * 180) / Math.PI);
    expect(Math.min(...degrees)).toBeGreaterThanOrEqual(-30);
    expect(Math.max(...degrees)).toBeLessThanOrEqual(30);
    expect(ksUniform(degrees, -30, 30)).toBeLessThan(1.63 / Math.sqrt(n));
    // The test has power: a range of ±25 is rejected.
    expect(ksUniform(degrees, -25, 25)).toBeGreaterThan(1.63 / Math.sqrt(n));
    const skipped = rotate({ degrees: [10, 20], probability: 0.25 }).sample(shape(n), seedStream(6)).radians.filter((r) => r === 0).length / n;
    expect(Math.abs(skipped - 0.75)).toBeLessThan(4 * Math.sqrt((0.75 * 0.25) / n));
  });
});

describe('translate', () => {
  test('a one-pixel shift moves every pixel by one; the new column is the fill value', async () => {
    const images = indexImages(2, 3, 4, 2);
    const right = await expectNoLeak(
      () => translate({ width: [1, 1], units: 'pixels', fillMode: 'constant', fillValue: -1 }).apply(images),
      () => 1,
    );
    const expected = tf.concat([tf.fill([2, 3, 1, 2], -1), images.slice([0, 0, 0, 0], [2, 3, 3, 2])], 2);
    expect(values(right)).toEqual(values(expected));
    // A quarter of the height (4 rows → 1 pixel) upwards, nearest fill repeats the last row.
    const tall = indexImages(1, 4, 3);
    const up = translate({ height: [-0.25, -0.25], interpolation: 'nearest' }).apply(tall);
    const expectedUp = tf.concat([tall.slice([0, 1, 0, 0], [1, 3, 3, 1]), tall.slice([0, 3, 0, 0], [1, 1, 3, 1])], 1);
    expect(values(up)).toEqual(values(expectedUp));
    tf.dispose([images, right, expected, tall, up, expectedUp]);
  });

  test('shifts are uniform over ±fraction·size', () => {
    const n = 20000;
    const { dx, dy } = translate({ width: 0.1, height: [0, 0.2] }).sample(shape(n, 50, 30), seedStream(8));
    expect(ksUniform(dx, -3, 3)).toBeLessThan(1.63 / Math.sqrt(n));
    expect(ksUniform(dy, 0, 10)).toBeLessThan(1.63 / Math.sqrt(n));
  });
});

describe('zoom and shear', () => {
  test('zoom 1 is the identity; zoom 2 doubles a ramp about the centre', async () => {
    const images = indexImages(2, 5, 6, 3);
    const same = await expectNoLeak(() => zoom({ scale: 1 }).apply(images), () => 1);
    expect(values(same)).toEqual(values(images));
    const ramp = rampX(1, 9);
    const doubled = zoom({ scale: 2 }).apply(ramp);
    // Output x samples the input at (x - 4) / 2 + 4.
    expect(Array.from(doubled.slice([0, 4, 0, 0], [1, 1, 9, 1]).dataSync())).toEqual([2, 2.5, 3, 3.5, 4, 4.5, 5, 5.5, 6]);
    tf.dispose([images, same, ramp, doubled]);
  });

  test('shear 45° along x slides each row by its distance from the centre row', () => {
    const ramp = rampX(1, 9);
    const out = shear({ degrees: [45, 45], fillMode: 'constant', fillValue: -100 }).apply(ramp);
    const data = out.dataSync();
    for (let y = 0; y < 9; y++) {
      for (let x = 0; x < 9; x++) {
        const inX = x - (y - 4);
        if (inX >= 0 && inX <= 8) expect(data[y * 9 + x]).toBeCloseTo(inX, 4);
        else expect(data[y * 9 + x]).toBe(-100);
      }
    }
    tf.dispose([ramp, out]);
  });

  test('zoom factors follow their range; aspect is kept unless scaleY is given', () => {
    const n = 20000;
    const kept = zoom({ scale: [0.8, 1.2] }).sample(shape(n), seedStream(2));
    expect(ksUniform(kept.sx, 0.8, 1.2)).toBeLessThan(1.63 / Math.sqrt(n));
    expect(Array.from(kept.sy)).toEqual(Array.from(kept.sx));
    const free = zoom({ scale: [0.8, 1.2], scaleY: [0.5, 0.6] }).sample(shape(n), seedStream(2));
    expect(ksUniform(free.sy, 0.5, 0.6)).toBeLessThan(1.63 / Math.sqrt(n));
  });
});

describe('pipelines of geometric steps', () => {
  test('adjacent geometric steps are fused into one tf.image.transform with the same result as applying them in turn', () => {
    const image = indexImages(1, 6, 6, 2);
    const settings = { fillMode: 'constant', fillValue: -1, interpolation: 'nearest' } as const;
    const steps = [flip({ probability: 1 }), translate({ width: [1, 1], height: [-2, -2], units: 'pixels', ...settings }), rotate({ degrees: [90, 90], ...settings })];
    const spy = vi.spyOn(tf.image, 'transform');
    const fused = compose(steps).apply(image, { seed: 4 });
    expect(spy).toHaveBeenCalledTimes(1);
    spy.mockClear();
    let sequential = image;
    for (const step of steps) sequential = step.apply(sequential, { seed: 4 });
    expect(spy).toHaveBeenCalledTimes(2);
    expect(values(fused)).toEqual(values(sequential));
    // Nested pipelines are inlined: a flip before affine() still costs one resampling.
    spy.mockClear();
    const nested = compose([flip(), affine({ degrees: 10, width: 0.1 })]);
    expect(nested.steps.map((s) => s.constructor.name)).toEqual(['Flip', 'Rotate', 'Translate']);
    tf.dispose(nested.apply(image));
    expect(spy).toHaveBeenCalledTimes(1);
    tf.dispose([image, fused, sequential]);
  });

  test('affine() draws flip, zoom, shear, rotation and shift per image in one resampling', async () => {
    const images = indexImages(4, 8, 8);
    const step = affine({ degrees: 20, width: 0.1, height: 0.1, scale: [0.9, 1.1], shearDegrees: 10, horizontalFlip: true });
    const out = await expectNoLeak(() => step.apply(images, { seed: 12 }), () => 1);
    expect(out.shape).toEqual([4, 8, 8, 1]);
    // Every image is changed, each differently.
    const diffs = values(out.sub(images).abs().sum([1, 2, 3]));
    expect(diffs.every((d) => d > 1)).toBe(true);
    expect(new Set(diffs.map((d) => d.toFixed(3))).size).toBe(4);
    expect(step.name).toContain('rotate(±20°)');
    tf.dispose([images, out]);
  });

  test('the same seed gives the same batch, another seed another, and a stream advances between calls', () => {
    const images = indexImages(8, 10, 10);
    const step = compose([flip(), rotate({ degrees: 15 }), translate({ width: 0.1, height: 0.1 })]);
    const a = step.apply(images, { seed: 21 });
    const b = step.apply(images, { seed: 21 });
    const c = step.apply(images, { seed: 22 });
    expect(values(a)).toEqual(values(b));
    expect(maxAbsDifference(values(a), values(c))).toBeGreaterThan(1);
    const random = seedStream(21);
    const first = step.apply(images, { seed: random });
    const second = step.apply(images, { seed: random });
    expect(values(first)).toEqual(values(a));
    expect(maxAbsDifference(values(first), values(second))).toBeGreaterThan(1);
    tf.dispose([images, a, b, c, first, second]);
  });
});

describe('errors', () => {
  test('bad options and inputs are typed errors that name the argument', () => {
    expect(() => rotate({} as never)).toThrow(InvalidArgumentError);
    expect(() => rotate({} as never)).toThrow(/rotate\.degrees/);
    expect(() => translate({ widht: 0.1 } as never)).toThrow(/translate\.widht: expected one of the known options/);
    expect(() => zoom({ scale: [0, 2] })).toThrow(/zoom\.scale: expected values above 0/);
    expect(() => rotate({ degrees: 10, fillMode: 'mirror' as never })).toThrow(/rotate\.fillMode/);
    expect(() => flip({ probability: 2 })).toThrow(/flip\.probability/);
    expect(() => shear({ degrees: 90 })).toThrow(/shear\.degrees/);
    const single = tf.zeros([4, 4, 1]);
    expect(() => flip().apply(single as never)).toThrow(ShapeError);
    expect(() => flip().apply(single as never)).toThrow(/expandDims/);
    expect(() => flip().apply(tf.zeros([1, 2, 2, 1]) as tf.Tensor4D, { seed: 1.5 })).toThrow(/seed/);
    single.dispose();
  });
});

describe('backends', () => {
  test('a full pipeline gives the same batch on wasm as on cpu', async () => {
    const { initBackend } = await import('@deepcourse/backend');
    const { contrast, gaussianNoise } = await import('./photometric.js');
    const { cutout } = await import('./cutout.js');
    const { randomCrop } = await import('./crop.js');
    const pipeline = compose([
      flip({ vertical: true }),
      affine({ degrees: 25, width: 0.2, height: 0.1, scale: [0.7, 1.2], shearDegrees: 10, fillMode: 'reflect' }),
      randomCrop({ scale: [0.5, 1] }),
      contrast({ factor: 0.3 }),
      gaussianNoise({ std: 0.05 }),
      cutout({ size: 0.3 }),
    ]);
    const run = async (backend: 'cpu' | 'wasm') => {
      await initBackend({ backend });
      const images = indexImages(5, 12, 10, 3);
      const scaled = images.div(30000) as tf.Tensor4D;
      const out = pipeline.apply(scaled, { seed: 17 });
      const data = Array.from(out.dataSync());
      tf.dispose([images, scaled, out]);
      return data;
    };
    try {
      const [cpu, wasm] = [await run('cpu'), await run('wasm')];
      expect(maxAbsDifference(cpu, wasm)).toBeLessThan(1e-4);
    } finally {
      await useCpu();
    }
  });
});
