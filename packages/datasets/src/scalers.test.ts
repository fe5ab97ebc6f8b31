import { beforeAll, describe, expect, test } from 'vitest';
import { initBackend, ShapeError, tf } from '@deepcourse/backend';
import { expectError, expectNoLeak } from '../test-support/helpers.js';
import { fitMinMaxScaler, fitStandardScaler, scalerFromJSON } from './scalers.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe('scalers', () => {
  test('standard scaler: population mean and std of the training data, applied to test data', async () => {
    // column 0: 1, 2, 3, 4 -> mean 2.5, std sqrt(1.25); column 1 constant 7 -> std replaced by 1
    const train = tf.tensor2d([[1, 7], [2, 7], [3, 7], [4, 7]]);
    const scaler = await expectNoLeak(() => fitStandardScaler(train));
    expect(scaler.offset).toEqual([2.5, 7]);
    expect(scaler.scale[0]).toBeCloseTo(Math.sqrt(1.25), 12);
    expect(scaler.scale[1]).toBe(1);
    const test = tf.tensor2d([[5, 9]]);
    await expectNoLeak(
      () => scaler.transform(test),
      (scaled) => {
        const [a, b] = Array.from(scaled.dataSync());
        expect(a).toBeCloseTo(2.5 / Math.sqrt(1.25), 5);
        expect(b).toBeCloseTo(2, 6);
      },
    );
    await expectNoLeak(
      () => tf.tidy(() => scaler.inverseTransform(scaler.transform(test))),
      (back) => expect(Array.from(back.dataSync()).map((v) => Math.round(v * 1e4) / 1e4)).toEqual([5, 9]),
    );
    tf.dispose([train, test]);
  });

  test('min-max scaler maps the training range onto featureRange, test values may fall outside', () => {
    const train = tf.tensor2d([[0, 10], [5, 20], [10, 30]]);
    const scaler = fitMinMaxScaler(train, { featureRange: [-1, 1] });
    const out = scaler.transform(tf.tensor2d([[5, 10], [20, 30]]));
    expect(Array.from(out.dataSync())).toEqual([0, -1, 3, 1]);
    const restored = scalerFromJSON(JSON.parse(JSON.stringify(scaler)) as ReturnType<typeof scaler.toJSON>);
    const again = restored.transform(tf.tensor2d([[5, 10], [20, 30]]));
    expect(Array.from(again.dataSync())).toEqual([0, -1, 3, 1]);
    tf.dispose([train, out, again]);
  });

  test('a matrix with another number of features is a ShapeError', async () => {
    const train = tf.tensor2d([[1, 2]]);
    const scaler = fitStandardScaler(train);
    const wrong = tf.tensor2d([[1, 2, 3]]);
    await expectError(() => scaler.transform(wrong), ShapeError, 'x', '2 features', '[1, 3]');
    await expectError(() => fitStandardScaler(tf.tensor1d([1, 2]) as unknown as tf.Tensor2D), ShapeError, 'rank-2');
    tf.dispose([train, wrong]);
  });
});
