import { beforeAll, describe, expect, test } from 'vitest';
import { tf } from '../tf.js';
import { initBackend } from '../init-backend.js';
import { compareWithCpu } from './parity-harness.js';
import { stockKernel } from './kernel-call.js';
import { meanKernel, reductionBlock, sumKernel } from './reduce.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

describe('reductionBlock', () => {
  test('splits the shape around one block of reduced axes', () => {
    // Batch norm: NHWC over N, H, W: N averaged in the second pass, H*W is the window.
    expect(reductionBlock([128, 28, 28, 16], [0, 1, 2])).toEqual({ before: 1, outer: 128, inner: 784, after: 16 });
    // Global average pooling: each image on its own.
    expect(reductionBlock([8, 7, 5, 64], [1, 2])).toEqual({ before: 8, outer: 7, inner: 5, after: 64 });
    // One reduced axis: no second pass.
    expect(reductionBlock([32, 10], [0])).toEqual({ before: 1, outer: 1, inner: 32, after: 10 });
    // A size-1 axis inside the block does not break it, and is not the outer axis.
    expect(reductionBlock([1, 6, 1, 4, 3], [0, 1, 3])).toEqual({ before: 1, outer: 6, inner: 4, after: 3 });
  });

  test('leaves innermost, split and empty reductions to the stock kernel', () => {
    expect(reductionBlock([4, 5, 6], [2])).toBeUndefined();
    expect(reductionBlock([4, 5, 6], [1, 2])).toBeUndefined();
    expect(reductionBlock([4, 5, 6], [0, 2])).toBeUndefined();
    expect(reductionBlock([1, 5], [0])).toBeUndefined();
    expect(reductionBlock([4, 5], [])).toBeUndefined();
  });
});

describe('Sum and Mean on wasm', () => {
  test('registered as ours', () => {
    expect(tf.getKernel('Sum', 'wasm')).toBe(sumKernel);
    expect(tf.getKernel('Mean', 'wasm')).toBe(meanKernel);
  });

  test('hand-computed: column sums and means of [[1, 2, 3], [4, 5, 6]]', async () => {
    const sum = await compareWithCpu('Sum', { x: { shape: [2, 3], values: [1, 2, 3, 4, 5, 6] } }, { axis: [0], keepDims: false });
    expect(Array.from(sum.wasm)).toEqual([5, 7, 9]);
    const mean = await compareWithCpu('Mean', { x: { shape: [2, 3], values: [1, 2, 3, 4, 5, 6] } }, { axis: 0, keepDims: true });
    expect(mean.shape).toEqual([1, 3]);
    expect(Array.from(mean.wasm)).toEqual([2.5, 3.5, 4.5]);
  });

  test.each([
    ['batch norm statistics: NHWC over N, H, W', [16, 9, 7, 5], [0, 1, 2], false],
    ['the same, keepDims', [16, 9, 7, 5], [0, 1, 2], true],
    ['global average pooling: over H, W per image', [6, 7, 5, 12], [1, 2], false],
    ['negative axes, keepDims', [6, 7, 5, 12], [-3, -2], true],
    ['dense bias gradient: over the batch', [33, 10], [0], false],
    ['middle axis of a rank-3 tensor', [4, 50, 3], [1], false],
    ['a size-1 axis inside the block', [5, 1, 6, 4], [0, 2], true],
    ['the axis attribute as a number', [40, 7], 0, false],
  ] as [string, number[], number[] | number, boolean][])('equal cpu to float rounding: %s', async (_name, shape, axis, keepDims) => {
    for (const kernel of ['Sum', 'Mean']) {
      const result = await compareWithCpu(kernel, { x: { shape } }, { axis, keepDims });
      expect(result.shape).toEqual(result.cpuShape);
      expect(result.relativeError).toBeLessThan(1e-5);
      expect(result.leakedTensors).toBe(0);
      expect(result.leakedWasmBuffers).toBe(0);
    }
  });

  test('a large reduction agrees with cpu no worse than the stock kernel does', async () => {
    const attrs = { axis: [0, 1, 2], keepDims: false };
    const ours = await compareWithCpu('Sum', { x: { shape: [64, 28, 28, 16] } }, attrs);
    tf.unregisterKernel('Sum', 'wasm');
    tf.registerKernel(stockKernel('Sum')!);
    try {
      const stock = await compareWithCpu('Sum', { x: { shape: [64, 28, 28, 16] } }, attrs);
      expect(ours.relativeError).toBeLessThan(Math.max(2 * stock.relativeError, 1e-5));
    } finally {
      tf.unregisterKernel('Sum', 'wasm');
      tf.registerKernel(sumKernel);
    }
  });

  test('int32, innermost and empty reductions keep the stock results', async () => {
    const ints = await compareWithCpu('Sum', { x: { shape: [3, 2], dtype: 'int32', values: [2, 3, 4, 5, 6, 7] } }, { axis: [0], keepDims: false });
    expect(ints.wasm).toBeInstanceOf(Int32Array);
    expect(Array.from(ints.wasm)).toEqual([12, 15]);
    const innermost = await compareWithCpu('Mean', { x: { shape: [2, 3], values: [1, 2, 3, 4, 5, 6] } }, { axis: [1], keepDims: false });
    expect(Array.from(innermost.wasm)).toEqual([2, 5]);
    const empty = await compareWithCpu('Sum', { x: { shape: [0, 3] } }, { axis: [0], keepDims: false });
    expect(Array.from(empty.wasm)).toEqual([0, 0, 0]);
  });

  test('NaN and infinities propagate as on cpu (XNNPACK alone would turn NaN into -Infinity)', async () => {
    const result = await compareWithCpu('Sum', { x: { shape: [2, 2, 3], values: [1, NaN, Infinity, 1, 2, -Infinity, 3, 4, 5, 6, 7, 8] } }, { axis: [0, 1], keepDims: false });
    expect(Array.from(result.wasm)).toEqual(Array.from(result.cpu));
    expect(Number.isNaN(result.wasm[1])).toBe(true);
  });

  test('gradients of batch normalization in training match cpu', async () => {
    const run = async (backend: string) => {
      await tf.setBackend(backend);
      const x = tf.tensor4d(Array.from({ length: 4 * 5 * 3 * 6 }, (_, i) => Math.sin(i * 0.7) * 2 + (i % 6)), [4, 5, 3, 6]);
      const g = tf.grad((input: tf.Tensor) => {
        const { mean, variance } = tf.moments(input, [0, 1, 2]);
        return tf.batchNorm(input, mean, variance, tf.range(0, 6).mul(0.1), tf.range(1, 7), 1e-3).mul(tf.range(0, 360).reshape([4, 5, 3, 6])).sum();
      })(x);
      const values = await g.data();
      tf.dispose([x, g]);
      return values;
    };
    const cpu = await run('cpu');
    const before = tf.memory().numTensors;
    const wasm = await run('wasm');
    expect(tf.memory().numTensors).toBe(before);
    const scale = Math.max(...Array.from(cpu, Math.abs));
    expect(Math.max(...Array.from(wasm, (v, i) => Math.abs(v - cpu[i]!))) / scale).toBeLessThan(1e-4);
  });
});
