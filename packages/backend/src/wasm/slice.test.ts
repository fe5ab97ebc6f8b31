import { beforeAll, describe, expect, test } from 'vitest';
import { tf } from '../tf.js';
import { initBackend } from '../init-backend.js';
import { compareWithCpu, seededValues } from './parity-harness.js';
import { sliceKernel, splitVKernel } from './slice.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

function wasmBuffers(): number {
  return (tf.engine().findBackend('wasm') as unknown as { numDataIds(): number }).numDataIds();
}

describe('Slice on wasm', () => {
  test('registered as ours', () => {
    expect(tf.getKernel('Slice', 'wasm')).toBe(sliceKernel);
    expect(tf.getKernel('SplitV', 'wasm')).toBe(splitVKernel);
  });

  test('hand-computed: the middle of a 3x4 matrix', async () => {
    const result = await compareWithCpu('Slice', { x: { shape: [3, 4], values: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] } }, { begin: [1, 1], size: [2, 2] });
    expect(Array.from(result.wasm)).toEqual([5, 6, 9, 10]);
  });

  test.each([
    ['rank 1', [10], [3], [4]],
    ['rank 2, whole rows (one run)', [6, 5], [2, 0], [3, 5]],
    ['rank 2, a column band', [256, 256], [0, 64], [256, 64]],
    ['rank 3, middle axis', [4, 30, 8], [0, 7, 0], [4, 1, 8]],
    ['rank 4, every axis cut', [3, 5, 6, 7], [1, 2, 1, 3], [2, 2, 4, 3]],
    ['rank 5', [2, 3, 4, 2, 3], [1, 0, 1, 0, 1], [1, 3, 2, 2, 2]],
    ['size -1 means to the end', [5, 6], [2, 1], [-1, -1]],
    ['empty', [4, 4], [1, 1], [0, 2]],
  ] as [string, number[], number[], number[]][])('equals cpu exactly: %s', async (_name, shape, begin, size) => {
    const result = await compareWithCpu('Slice', { x: { shape } }, { begin, size });
    expect(result.relativeError).toBe(0);
    expect(result.shape).toEqual(result.cpuShape);
    expect(result.leakedTensors).toBe(0);
    expect(result.leakedWasmBuffers).toBe(0);
  });

  test('int32 stays int32', async () => {
    const result = await compareWithCpu('Slice', { x: { shape: [2, 3], dtype: 'int32', values: [1, 2, 3, 4, 5, 6] } }, { begin: [0, 1], size: [2, 2] });
    expect(result.wasm).toBeInstanceOf(Int32Array);
    expect(Array.from(result.wasm)).toEqual([2, 3, 5, 6]);
  });
});

describe('SplitV on wasm', () => {
  test.each([
    ['4 equal gates along axis 1', [8, 12], 4, 1],
    ['uneven sizes with -1 along axis 0', [10, 3], [2, -1, 5], 0],
    ['100 time steps of a flat projection', [300, 16], 100, 0],
    ['last axis of rank 3', [2, 3, 6], [1, 2, 3], -1],
  ] as [string, number[], number | number[], number][])('equals cpu exactly: %s', async (_name, shape, numOrSizeSplits, axis) => {
    const values = seededValues(shape.reduce((a, b) => a * b, 1), 4);
    const run = async (backend: string) => {
      await tf.setBackend(backend);
      const x = tf.tensor(values, shape);
      const parts = tf.split(x, numOrSizeSplits, axis);
      const out = await Promise.all(parts.map(async (p) => ({ shape: p.shape, values: Array.from(await p.data()) })));
      tf.dispose([x, ...parts]);
      return out;
    };
    const before = { tensors: tf.memory().numTensors, buffers: wasmBuffers() };
    const ours = await run('wasm');
    const after = { tensors: tf.memory().numTensors, buffers: wasmBuffers() };
    const cpu = await run('cpu');
    await tf.setBackend('wasm');
    expect(ours).toEqual(cpu);
    expect(after).toEqual(before);
  });
});
