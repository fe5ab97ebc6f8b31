import { beforeAll, describe, expect, test } from 'vitest';
import { tf } from '../tf.js';
import { initBackend } from '../init-backend.js';
import { compareWithCpu } from './parity-harness.js';
import { simplifyPermutation, transposeKernel } from './transpose.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

describe('simplifyPermutation', () => {
  test('merges axes that stay neighbours and drops size-1 axes', () => {
    expect(simplifyPermutation([2, 3, 4], [1, 0, 2])).toEqual({ shape: [2, 3, 4], perm: [1, 0, 2] });
    expect(simplifyPermutation([2, 3, 4, 5], [0, 2, 3, 1])).toEqual({ shape: [2, 3, 20], perm: [0, 2, 1] });
    expect(simplifyPermutation([2, 3, 4, 5], [2, 3, 0, 1])).toEqual({ shape: [6, 20], perm: [1, 0] });
    expect(simplifyPermutation([1, 7, 1, 5], [3, 2, 1, 0])).toEqual({ shape: [7, 5], perm: [1, 0] });
    expect(simplifyPermutation([4, 5], [0, 1])).toEqual({ shape: [20], perm: [0] });
  });
});

describe('Transpose on wasm', () => {
  test('registered as ours', () => {
    expect(tf.getKernel('Transpose', 'wasm')).toBe(transposeKernel);
  });

  test('hand-computed: a 2x3 matrix', async () => {
    const result = await compareWithCpu('Transpose', { x: { shape: [2, 3], values: [1, 2, 3, 4, 5, 6] } }, { perm: [1, 0] });
    expect(result.shape).toEqual([3, 2]);
    expect(Array.from(result.wasm)).toEqual([1, 4, 2, 5, 3, 6]);
  });

  test.each([
    ['2-D, square (stock kernel)', [37, 53], [1, 0]],
    ['2-D, tall (tiles; a backward-pass matrix)', [1000, 64], [1, 0]],
    ['2-D, tall, sizes not multiples of the tile', [203, 7], [1, 0]],
    ['rank 3 that merges into a tall 2-D transpose', [40, 25, 3], [2, 0, 1]],
    ['batch-major to time-major (rows copied)', [16, 30, 8], [1, 0, 2]],
    ['batched 2-D', [5, 19, 33], [0, 2, 1]],
    ['NHWC to NCHW', [2, 7, 9, 3], [0, 3, 1, 2]],
    ['NCHW to NHWC', [2, 3, 7, 9], [0, 2, 3, 1]],
    ['a filter HWIO to HWOI', [3, 3, 8, 16], [0, 1, 3, 2]],
    ['rank 4, falls back to stock', [3, 4, 5, 6], [2, 0, 3, 1]],
    ['rank 5, innermost kept', [2, 3, 2, 4, 5], [3, 1, 0, 2, 4]],
    ['size-1 axes', [1, 6, 1, 4], [3, 2, 1, 0]],
    ['identity', [4, 5], [0, 1]],
  ] as [string, number[], number[]][])('equals cpu exactly: %s', async (_name, shape, perm) => {
    const result = await compareWithCpu('Transpose', { x: { shape } }, { perm });
    expect(result.relativeError).toBe(0);
    expect(result.shape).toEqual(result.cpuShape);
    expect(result.leakedTensors).toBe(0);
    expect(result.leakedWasmBuffers).toBe(0);
  });

  test('int32 stays int32 and keeps every bit (tall path)', async () => {
    const values = Int32Array.from({ length: 40 * 2 }, (_, i) => (i % 2 ? -2147483648 + i : 2147483647 - i));
    const result = await compareWithCpu('Transpose', { x: { shape: [40, 2], dtype: 'int32', values } }, { perm: [1, 0] });
    expect(result.wasm).toBeInstanceOf(Int32Array);
    expect(Array.from(result.wasm)).toEqual(Array.from(result.cpu));
    expect(result.wasm[0]).toBe(2147483647);
    expect(result.wasm[40]).toBe(-2147483648 + 1);
  });
});
