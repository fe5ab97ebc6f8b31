import { beforeAll, describe, expect, test } from 'vitest';
import { tf, seedStream, InvalidArgumentError } from '@deepcourse/backend';
import { imageDataGenerator, type KerasTransformParameters } from './image-data-generator.js';
import { countTensors, expectNoLeak, indexImages, ksUniform, useCpu } from './test-utils.js';

beforeAll(useCpu);

const values = (t: tf.Tensor) => Array.from(t.dataSync());

function parameters(n: number, set: Partial<Record<keyof KerasTransformParameters, number>>): KerasTransformParameters {
  const filled = (key: keyof KerasTransformParameters, base: number) => new Float64Array(n).fill(set[key] ?? base);
  return {
    theta: filled('theta', 0), tx: filled('tx', 0), ty: filled('ty', 0), shear: filled('shear', 0), zx: filled('zx', 1), zy: filled('zy', 1),
    flipHorizontal: new Uint8Array(n).fill(set.flipHorizontal ?? 0), flipVertical: new Uint8Array(n).fill(set.flipVertical ?? 0),
    channelShiftIntensity: filled('channelShiftIntensity', 0), brightness: filled('brightness', 1),
  };
}

describe('Keras transforms', () => {
  // Keras 2.x builds its matrix in (x, y) order and maps output to input points:
  // theta = 90 gives in_x = (W-1) - y, in_y = x, i.e. out[r][c] = in[c][W-1-r]: counter-clockwise.
  test('theta 90 reads in[c][W-1-r] (counter-clockwise as displayed), as Keras 2 apply_affine_transform', async () => {
    const images = indexImages(2, 5, 5, 2);
    const generator = imageDataGenerator({ rotationRange: 90, interpolationOrder: 0 });
    const out = await expectNoLeak(() => generator.applyTransform(images, parameters(2, { theta: 90 })), () => 1);
    const expected = tf.transpose(tf.reverse(images, 2), [0, 2, 1, 3]);
    expect(values(out)).toEqual(values(expected));
    tf.dispose([images, out, expected]);
  });

  test('tx = 1 reads one column to the right (content moves left), nearest fill repeats the edge; flips follow', () => {
    const images = indexImages(1, 3, 4);
    const generator = imageDataGenerator({ widthShiftRange: 1, horizontalFlip: true });
    const shifted = generator.applyTransform(images, parameters(1, { tx: 1 }));
    const expected = tf.concat([images.slice([0, 0, 1, 0], [1, 3, 3, 1]), images.slice([0, 0, 3, 0], [1, 3, 1, 1])], 2);
    expect(values(shifted)).toEqual(values(expected));
    const flipped = generator.applyTransform(images, parameters(1, { tx: 1, flipHorizontal: 1 }));
    expect(values(flipped)).toEqual(values(tf.reverse(expected, 2)));
    tf.dispose([images, shifted, expected, flipped]);
  });

  test('zoom 2 (Keras: zooms out) reads the input at twice the distance from the centre', () => {
    const ramp = tf.tidy(() => tf.range(0, 9).reshape([1, 1, 9, 1]).tile([1, 9, 1, 1]) as tf.Tensor4D);
    const generator = imageDataGenerator({ zoomRange: [2, 2], fillMode: 'constant', cval: -1 });
    const out = generator.applyTransform(ramp, parameters(1, { zx: 2, zy: 2 }));
    // Column c reads input column 2(c - 4) + 4; outside 0..8 is the fill.
    expect(Array.from(out.slice([0, 4, 0, 0], [1, 1, 9, 1]).dataSync())).toEqual([-1, -1, 0, 2, 4, 6, 8, -1, -1]);
    tf.dispose([ramp, out]);
  });

  test('channel shift clips to the image min and max; brightness multiplies and clips to 255', () => {
    const image = tf.tensor4d([10, 20, 30, 200], [1, 2, 2, 1]);
    const generator = imageDataGenerator({ channelShiftRange: 50, brightnessRange: [0.5, 1.5] });
    expect(values(generator.applyTransform(image, parameters(1, { channelShiftIntensity: 15 })))).toEqual([25, 35, 45, 200]);
    expect(values(generator.applyTransform(image, parameters(1, { brightness: 1.5 })))).toEqual([15, 30, 45, 255]);
    image.dispose();
  });
});

describe('Keras parameter draws', () => {
  test('fractional shifts are uniform over ±r·size; a whole number n draws whole pixels in (-n, n) like Keras int', () => {
    const n = 20000;
    const shape = { batchSize: n, height: 20, width: 28, channels: 1 };
    const fraction = imageDataGenerator({ widthShiftRange: 0.1, heightShiftRange: 0.2, rotationRange: 15 }).getRandomTransform(shape, seedStream(1));
    // tx is the width shift (±0.1 · 28 pixels), ty the height shift (±0.2 · 20).
    expect(ksUniform(fraction.tx, -2.8, 2.8)).toBeLessThan(1.63 / Math.sqrt(n));
    expect(ksUniform(fraction.ty, -4, 4)).toBeLessThan(1.63 / Math.sqrt(n));
    expect(ksUniform(fraction.theta, -15, 15)).toBeLessThan(1.63 / Math.sqrt(n));
    const whole = imageDataGenerator({ widthShiftRange: 2 }).getRandomTransform(shape, seedStream(2)).tx;
    // np.random.choice(2) * choice([-1, 1]): 0 half the time, ±1 a quarter each.
    const share = (v: number) => whole.filter((t) => t === v).length / n;
    expect(new Set(whole)).toEqual(new Set([-1, 0, 1]));
    expect(Math.abs(share(0) - 0.5)).toBeLessThan(0.015);
    expect(Math.abs(share(1) - 0.25)).toBeLessThan(0.015);
    const zoom = imageDataGenerator({ zoomRange: 0.2 }).getRandomTransform(shape, seedStream(3));
    expect(ksUniform(zoom.zx, 0.8, 1.2)).toBeLessThan(1.63 / Math.sqrt(n));
    expect(Array.from(zoom.zx)).not.toEqual(Array.from(zoom.zy));
    const flips = imageDataGenerator({ horizontalFlip: true }).getRandomTransform(shape, seedStream(4)).flipHorizontal;
    expect(Math.abs(flips.reduce((a, b) => a + b, 0) / n - 0.5)).toBeLessThan(4 * Math.sqrt(0.25 / n));
  });
});

describe('the course generator', () => {
  const courseOptions = { rescale: 1 / 255, horizontalFlip: true, widthShiftRange: 0.1, heightShiftRange: 0.1 };

  test('apply = standardize(applyTransform(getRandomTransform)) with the same seed; rescaled to [0, 1]', async () => {
    const images = tf.tidy(() => indexImages(4, 10, 10, 3).mod(256).toInt() as tf.Tensor4D);
    const generator = imageDataGenerator(courseOptions);
    const out = await expectNoLeak(() => generator.apply(images, { seed: 5 }), () => 1);
    const params = generator.getRandomTransform({ batchSize: 4, height: 10, width: 10, channels: 3 }, seedStream(5));
    const transformed = generator.applyTransform(images, params);
    const byHand = generator.standardize(transformed);
    expect(values(out)).toEqual(values(byHand));
    expect(Math.max(...values(out))).toBeLessThanOrEqual(1);
    expect(Math.max(...values(out))).toBeGreaterThan(0.9);
    tf.dispose([images, out, transformed, byHand]);
  });

  test('flow keeps every label with its image, covers each image once per epoch, reshuffles, and is reproducible', async () => {
    // Image i is constant i·10: flips and shifts with nearest fill keep it constant, so its value names its label.
    const n = 10;
    const x = tf.tidy(() => tf.range(0, n).mul(10).reshape([n, 1, 1, 1]).tile([1, 6, 6, 1]) as tf.Tensor4D);
    const y = tf.range(0, n, 1, 'int32');
    const generator = imageDataGenerator(courseOptions);
    const readEpoch = async (dataset: tf.data.Dataset<{ xs: tf.Tensor4D; ys?: tf.Tensor }>) => {
      const labels: number[] = [];
      const iterator = await dataset.iterator();
      for (let item = await iterator.next(); !item.done; item = await iterator.next()) {
        const { xs, ys } = item.value;
        const [means, maxs] = tf.tidy(() => [values(xs.mean([1, 2, 3])), values(xs.max([1, 2, 3]))]);
        values(ys!).forEach((label, i) => {
          expect(means[i]).toBeCloseTo((label * 10) / 255, 6);
          expect(maxs[i]).toBeCloseTo((label * 10) / 255, 6);
          labels.push(label);
        });
        tf.dispose([xs, ys!]);
      }
      return labels;
    };
    const dataset = generator.flow(x, y, { batchSize: 4, seed: 3 });
    const before = tf.memory().numTensors;
    const first = await readEpoch(dataset);
    const second = await readEpoch(dataset);
    expect(tf.memory().numTensors).toBe(before);
    expect([...first].sort((a, b) => a - b)).toEqual([...Array(n).keys()]);
    expect([...second].sort((a, b) => a - b)).toEqual([...Array(n).keys()]);
    expect(second).not.toEqual(first);
    expect(await readEpoch(generator.flow(x, y, { batchSize: 4, seed: 3 }))).toEqual(first);
    expect(await readEpoch(generator.flow(x, y, { batchSize: 4, shuffle: false }))).toEqual([...Array(n).keys()]);
    tf.dispose([x, y]);
  });

  test('flow trains a model with fitDataset', async () => {
    const x = tf.tidy(() => tf.randomUniform([16, 6, 6, 1], 0, 255, 'float32', 1) as tf.Tensor4D);
    const y = tf.tidy(() => tf.oneHot(tf.tensor1d([0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1], 'int32'), 2));
    const model = tf.sequential({ layers: [tf.layers.flatten({ inputShape: [6, 6, 1] }), tf.layers.dense({ units: 2, activation: 'softmax' })] });
    model.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
    const history = await model.fitDataset(imageDataGenerator(courseOptions).flow(x, y, { batchSize: 8, seed: 1 }) as unknown as tf.data.Dataset<tf.TensorContainer>, {
      epochs: 2,
      verbose: 0,
    });
    expect(history.history['loss']).toHaveLength(2);
    expect(Number.isFinite(history.history['loss']![1] as number)).toBe(true);
    model.dispose();
    tf.dispose([x, y]);
  });
});

describe('standardisation and options', () => {
  test('samplewise and featurewise normalisation', () => {
    const images = tf.tidy(() => tf.randomUniform([5, 4, 4, 2], 0, 10, 'float32', 2) as tf.Tensor4D);
    const sample = imageDataGenerator({ samplewiseCenter: true, samplewiseStdNormalization: true }).standardize(images);
    const { mean, variance } = tf.moments(sample, [1, 2, 3]);
    for (const m of values(mean)) expect(m).toBeCloseTo(0, 5);
    for (const v of values(variance)) expect(v).toBeCloseTo(1, 3);
    const featurewise = imageDataGenerator({ featurewiseCenter: true, featurewiseStdNormalization: true });
    expect(() => featurewise.standardize(images)).toThrow(/fit\(images\)/);
    featurewise.fit(images);
    const standardized = featurewise.standardize(images);
    const channel = tf.moments(standardized, [0, 1, 2]);
    for (const m of values(channel.mean)) expect(m).toBeCloseTo(0, 4);
    for (const v of values(channel.variance)) expect(v).toBeCloseTo(1, 3);
    tf.dispose([images, sample, mean, variance, standardized, channel.mean, channel.variance]);
  });

  test("Keras' snake_case names and unsupported options are named errors", () => {
    expect(() => imageDataGenerator({ horizontal_flip: true } as never)).toThrow(InvalidArgumentError);
    expect(() => imageDataGenerator({ horizontal_flip: true } as never)).toThrow(/imageDataGenerator\.horizontal_flip: expected the option "horizontalFlip"/);
    expect(() => imageDataGenerator({ width_shift_range: 0.1 } as never)).toThrow(/"widthShiftRange"/);
    expect(() => imageDataGenerator({ zcaWhitening: true } as never)).toThrow(/ZCA whitening is not implemented/);
    expect(() => imageDataGenerator({ fillMode: 'mirror' as never })).toThrow(/imageDataGenerator\.fillMode/);
    expect(() => imageDataGenerator({ zoomRange: 1.5 })).toThrow(/zoomRange/);
    const x = tf.zeros([3, 2, 2, 1]) as tf.Tensor4D;
    expect(() => imageDataGenerator().flow(x, tf.zeros([2]))).toThrow(/y: expected 3 labels/);
    x.dispose();
  });

  test('countTensors helper counts nested results', () => {
    const a = tf.scalar(1);
    expect(countTensors({ xs: a, rest: [a, 2] })).toBe(2);
    a.dispose();
  });
});
