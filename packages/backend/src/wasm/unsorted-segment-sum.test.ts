import { beforeAll, describe, expect, test } from 'vitest';
import { tf } from '../tf.js';
import { initBackend } from '../init-backend.js';
import { InvalidArgumentError, ShapeError } from '../errors.js';
import { compareWithCpu, seededValues } from './parity-harness.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

describe('UnsortedSegmentSum on wasm', () => {
  test('hand-computed: repeated and out-of-order ids add up, absent segments are zero', async () => {
    const result = await compareWithCpu('UnsortedSegmentSum', {
      x: { shape: [5, 2], values: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] },
      segmentIds: { shape: [5], dtype: 'int32', values: [3, 0, 3, 1, 0] },
    }, { numSegments: 5 });
    expect(result.shape).toEqual([5, 2]);
    expect(Array.from(result.wasm)).toEqual([3 + 9, 4 + 10, 7, 8, 0, 0, 1 + 5, 2 + 6, 0, 0]);
  });

  test('ids outside [0, numSegments) are dropped, as on cpu', async () => {
    const result = await compareWithCpu('UnsortedSegmentSum', {
      x: { shape: [4], values: [1, 2, 4, 8] },
      segmentIds: { shape: [4], dtype: 'int32', values: [1, -1, 2, 0] },
    }, { numSegments: 2 });
    expect(Array.from(result.wasm)).toEqual([8, 1]);
    expect(Array.from(result.cpu)).toEqual([8, 1]);
  });

  test.each([
    ['embedding gradient: 300 rows of 16 into 50 segments', [300, 16], [300], 50],
    ['rank-3 data', [12, 7, 5], [12], 9],
    ['one row', [1, 4], [1], 3],
  ] as [string, number[], number[], number][])('random ids: %s', async (_name, xShape, idShape, numSegments) => {
    const count = idShape.reduce((a, b) => a * b, 1);
    const ids = Int32Array.from(seededValues(count, 5), (v) => Math.floor((v + 1) / 2 * numSegments));
    const result = await compareWithCpu('UnsortedSegmentSum', { x: { shape: xShape }, segmentIds: { shape: idShape, dtype: 'int32', values: ids } }, { numSegments });
    expect(result.shape).toEqual([numSegments, ...xShape.slice(idShape.length)]);
    expect(result.relativeError).toBeLessThan(1e-4);
    expect(result.leakedTensors).toBe(0);
    expect(result.leakedWasmBuffers).toBe(0);
  });

  test('int32 data stays int32', async () => {
    const result = await compareWithCpu('UnsortedSegmentSum', {
      x: { shape: [3], dtype: 'int32', values: [5, 6, 7] },
      segmentIds: { shape: [3], dtype: 'int32', values: [1, 1, 0] },
    }, { numSegments: 2 });
    expect(result.wasm).toBeInstanceOf(Int32Array);
    expect(Array.from(result.wasm)).toEqual([7, 11]);
  });

  test('the gradient of gather (an Embedding lookup) matches cpu', async () => {
    const table = seededValues(20 * 3, 9);
    const indices = [4, 0, 4, 19, 7, 4];
    const gradient = async () => {
      const grads = tf.tidy(() => tf.grad((t: tf.Tensor) => tf.gather(t, tf.tensor1d(indices, 'int32')).square().sum())(tf.tensor2d(table, [20, 3])));
      const values = await grads.data();
      grads.dispose();
      return values;
    };
    await tf.setBackend('cpu');
    const cpu = await gradient();
    await tf.setBackend('wasm');
    const before = tf.memory().numTensors;
    const wasm = await gradient();
    expect(tf.memory().numTensors).toBe(before);
    expect(Array.from(wasm)).toEqual(Array.from(cpu));
    expect(wasm[4 * 3]).toBeCloseTo(3 * 2 * table[4 * 3]!, 5);
  });

  test('bad arguments are typed errors', async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor2d([[1, 2], [3, 4]]);
    const ids = tf.tensor1d([0, 1, 1], 'int32');
    expect(() => tf.engine().runKernel('UnsortedSegmentSum', { x, segmentIds: ids }, { numSegments: 2 })).toThrow(ShapeError);
    const ok = tf.tensor1d([0, 1], 'int32');
    expect(() => tf.engine().runKernel('UnsortedSegmentSum', { x, segmentIds: ok }, { numSegments: 1.5 })).toThrow(InvalidArgumentError);
    tf.dispose([x, ids, ok]);
  });
});
