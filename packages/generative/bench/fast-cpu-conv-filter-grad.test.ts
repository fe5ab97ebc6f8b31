import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf, initBackend, seedStream } from '@deepcourse/backend';
import { installFastCpuConvFilterGradient, restoreStockCpuConvFilterGradient } from './fast-cpu-conv-filter-grad.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});
afterAll(() => restoreStockCpuConvFilterGradient());

describe('benchmark Conv2DBackpropFilter for cpu', () => {
  it('equals the stock kernel on random shapes, strides and paddings', () => {
    const s = seedStream(3);
    for (let trial = 0; trial < 8; trial++) {
      const n = s.uniformInt(1, 4);
      const h = s.uniformInt(4, 10);
      const w = s.uniformInt(4, 10);
      const ci = s.uniformInt(1, 4);
      const co = s.uniformInt(1, 4);
      const k = s.uniformInt(1, 4);
      const stride = s.uniformInt(1, 3);
      const pad = s.uniform() < 0.5 ? 'same' : 'valid';
      const x = tf.randomNormal([n, h, w, ci], 0, 1, 'float32', s.next()) as tf.Tensor4D;
      const filter = tf.randomNormal([k, k, ci, co], 0, 1, 'float32', s.next()) as tf.Tensor4D;
      const grad = () => tf.tidy(() => tf.grad((f: tf.Tensor) => tf.conv2d(x, f as tf.Tensor4D, stride, pad).square().sum())(filter).dataSync());
      restoreStockCpuConvFilterGradient();
      const stock = grad();
      installFastCpuConvFilterGradient();
      const fast = grad();
      expect(fast.length).toBe(stock.length);
      for (let i = 0; i < stock.length; i++) expect(fast[i]).toBeCloseTo(stock[i] as number, 3);
      tf.dispose([x, filter]);
    }
  });
});
