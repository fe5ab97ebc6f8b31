import { beforeAll, describe, expect, it } from 'vitest';
import { tf, initBackend, InvalidArgumentError } from '@deepcourse/backend';
import { WeightAverage } from './weight-average.js';
import { expectNoLeak } from '../test-utils.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

function model(): tf.LayersModel {
  const m = tf.sequential();
  m.add(tf.layers.dense({ inputShape: [1], units: 1, useBias: false, kernelInitializer: 'zeros' }));
  m.add(tf.layers.batchNormalization());
  return m;
}

const kernel = (m: tf.LayersModel) => (m.trainableWeights[0]?.read().dataSync()[0] as number);
function setKernel(m: tf.LayersModel, v: number): void {
  const value = tf.tensor2d([[v]]);
  (m.trainableWeights[0]?.read() as tf.Variable).assign(value);
  value.dispose();
}

describe('WeightAverage', () => {
  it('follows TensorFlow ExponentialMovingAverage with num_updates (hand computation)', async () => {
    const m = model();
    await expectNoLeak(() => {
      const average = new WeightAverage(m, 0.5);
      setKernel(m, 10);
      average.update(); // d = min(0.5, 1/10) = 0.1: 0.1·0 + 0.9·10 = 9
      setKernel(m, 20);
      average.update(); // d = min(0.5, 2/11): (2/11)·9 + (9/11)·20 = 18
      setKernel(m, 30);
      average.update(); // d = min(0.5, 3/12) = 0.25: 0.25·18 + 0.75·30 = 27
      setKernel(m, 40);
      average.update(); // d = min(0.5, 4/13) = 4/13: (4/13)·27 + (9/13)·40 = 36
      setKernel(m, 100);
      average.update(); // d = min(0.5, 5/14) = 5/14: (5/14)·36 + (9/14)·100
      expect(average.count).toBe(5);
      const expected = (5 / 14) * 36 + (9 / 14) * 100;
      expect(average.withAverage(() => kernel(m))).toBeCloseTo(expected, 4);
      expect(kernel(m)).toBe(100); // the model's own weights are back
      average.copyInto();
      expect(kernel(m)).toBeCloseTo(expected, 4);
      average.dispose();
    });
    // BatchNorm's moving statistics (non-trainable) are left alone.
    expect(Array.from(m.getWeights()[4]?.dataSync() ?? [])).toEqual([1]); // moving variance
  });

  it('restores the model weights when the function throws, and rejects a bad decay', () => {
    const m = model();
    const average = new WeightAverage(m, 0.9);
    setKernel(m, 5);
    expect(() =>
      average.withAverage(() => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(kernel(m)).toBe(5);
    average.dispose();
    expect(() => new WeightAverage(m, 1)).toThrow(InvalidArgumentError);
    expect(() => new WeightAverage(m, 0)).toThrow(/decay/);
  });
});
