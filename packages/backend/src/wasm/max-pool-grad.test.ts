import { beforeAll, describe, expect, test } from 'vitest';
import { initBackend } from '../init-backend.js';
import { tf } from '../tf.js';
import { compareWithCpu, runKernelOn, seededValues } from './parity-harness.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

/** MaxPoolGrad's inputs: x, dy, and the pooled output (which the kernel does not need but receives). */
async function poolInputs(xShape: [number, number, number, number], filterSize: number | [number, number], strides: number | [number, number], pad: 'valid' | 'same', values?: Float32Array) {
  const x = values ?? seededValues(xShape.reduce((a, b) => a * b, 1), 3);
  const pooled = await runKernelOn('cpu', 'MaxPool', { x: { shape: xShape, values: x } }, { filterSize, strides, pad });
  return {
    dy: { shape: pooled.shape },
    input: { shape: xShape, values: x },
    output: { shape: pooled.shape, values: pooled.data as Float32Array },
  };
}

describe('MaxPoolGrad on wasm equals the cpu backend', () => {
  test.each([
    ['2x2 stride 2 valid (the course CNN), batch 1', [1, 8, 6, 5], 2, 2, 'valid'],
    ['3x3 stride 2 same, odd sizes', [2, 9, 7, 3], 3, 2, 'same'],
    ['3x3 stride 1 same: overlapping windows add up', [2, 6, 5, 4], 3, 1, 'same'],
    ['[2, 3] windows, strides [1, 2]', [3, 7, 8, 2], [2, 3], [1, 2], 'valid'],
  ] as [string, [number, number, number, number], number | [number, number], number | [number, number], 'valid' | 'same'][])(
    '%s', async (_name, xShape, filterSize, strides, pad) => {
      const result = await compareWithCpu('MaxPoolGrad', await poolInputs(xShape, filterSize, strides, pad), { filterSize, strides, pad });
      expect(result.shape).toEqual(xShape);
      expect(result.relativeError).toBeLessThan(1e-6);
      expect(result.leakedTensors).toBe(0);
      expect(result.leakedWasmBuffers).toBe(0);
    },
  );

  test('ties go to the first maximum of the window, as on cpu', async () => {
    // After a ReLU many activations are exactly 0: windows full of equal values.
    const x = seededValues(2 * 6 * 6 * 3, 8).map((v) => Math.max(0, Math.round(v * 2) / 2));
    const inputs = await poolInputs([2, 6, 6, 3], 2, 2, 'valid', x);
    const result = await compareWithCpu('MaxPoolGrad', inputs, { filterSize: 2, strides: 2, pad: 'valid' });
    expect(Array.from(result.wasm)).toEqual(Array.from(result.cpu));
  });

  test('hand-computed: the gradient lands on each window\'s maximum', async () => {
    const result = await compareWithCpu('MaxPoolGrad', {
      dy: { shape: [1, 1, 2, 1], values: [10, 20] },
      input: { shape: [1, 2, 4, 1], values: [1, 5, 3, 2, 4, 0, 9, 9] },
      output: { shape: [1, 1, 2, 1], values: [5, 9] },
    }, { filterSize: 2, strides: 2, pad: 'valid' });
    expect(Array.from(result.wasm)).toEqual([0, 10, 0, 0, 0, 0, 20, 0]);
    await tf.setBackend('wasm');
  });
});
