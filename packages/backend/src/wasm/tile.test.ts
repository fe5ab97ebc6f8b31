import { beforeAll, describe, expect, test } from 'vitest';
import { tf } from '../tf.js';
import { initBackend } from '../init-backend.js';
import { compareWithCpu } from './parity-harness.js';
import { simplifyTile, tileKernel } from './tile.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

describe('simplifyTile', () => {
  test('drops unrepeated size-1 axes and merges neighbouring unrepeated axes', () => {
    expect(simplifyTile([1, 1, 1, 16], [128, 28, 28, 1])).toEqual({ shape: [1, 1, 1, 16], reps: [128, 28, 28, 1] });
    expect(simplifyTile([2, 3, 4], [1, 1, 5])).toEqual({ shape: [6, 4], reps: [1, 5] });
    expect(simplifyTile([2, 1, 3, 4], [2, 1, 1, 1])).toEqual({ shape: [2, 12], reps: [2, 1] });
    expect(simplifyTile([1, 1], [1, 1])).toEqual({ shape: [], reps: [] });
  });
});

describe('Tile on wasm', () => {
  test('registered as ours', () => {
    expect(tf.getKernel('Tile', 'wasm')).toBe(tileKernel);
  });

  test('hand-computed: [[1, 2], [3, 4]] tiled [2, 3]', async () => {
    const result = await compareWithCpu('Tile', { x: { shape: [2, 2], values: [1, 2, 3, 4] } }, { reps: [2, 3] });
    expect(result.shape).toEqual([4, 6]);
    expect(Array.from(result.wasm)).toEqual([1, 2, 1, 2, 1, 2, 3, 4, 3, 4, 3, 4, 1, 2, 1, 2, 1, 2, 3, 4, 3, 4, 3, 4]);
  });

  test.each([
    ['batch norm gradient: a channel vector over NHWC', [1, 1, 1, 16], [8, 7, 5, 1]],
    ['every axis repeated, odd counts', [2, 3, 4], [3, 2, 5]],
    ['innermost axis of size 1 repeated', [5, 1], [1, 7]],
    ['innermost axis of size 1 repeated, outer too', [3, 1], [4, 6]],
    ['repeats that are not powers of two', [3, 2], [7, 11]],
    ['middle axis only', [2, 3, 4], [1, 5, 1]],
    ['nothing repeated', [2, 3, 4], [1, 1, 1]],
    ['rank 1', [9], [4]],
    ['rank 5', [2, 1, 3, 1, 2], [1, 3, 1, 2, 2]],
    ['a zero repetition', [3, 2], [0, 2]],
  ] as [string, number[], number[]][])('equals cpu exactly: %s', async (_name, shape, reps) => {
    const result = await compareWithCpu('Tile', { x: { shape } }, { reps });
    expect(result.shape).toEqual(result.cpuShape);
    expect(Array.from(result.wasm)).toEqual(Array.from(result.cpu));
    expect(result.leakedTensors).toBe(0);
    expect(result.leakedWasmBuffers).toBe(0);
  });

  test('int32 and bool keep their type and values; a scalar tiles to itself', async () => {
    const ints = await compareWithCpu('Tile', { x: { shape: [2], dtype: 'int32', values: [2147483647, -2147483648] } }, { reps: [3] });
    expect(ints.wasm).toBeInstanceOf(Int32Array);
    expect(Array.from(ints.wasm)).toEqual([2147483647, -2147483648, 2147483647, -2147483648, 2147483647, -2147483648]);
    const flags = tf.tile(tf.tensor2d([[true], [false]], [2, 1], 'bool'), [2, 2]);
    expect(flags.dtype).toBe('bool');
    expect(await flags.array()).toEqual([[1, 1], [0, 0], [1, 1], [0, 0]]);
    const scalar = tf.tile(tf.scalar(5), []);
    expect(await scalar.data()).toEqual(new Float32Array([5]));
    tf.dispose([flags, scalar]);
  });

  test('batch norm gradients through it equal cpu', async () => {
    const gradients = async (backend: string) => {
      await tf.setBackend(backend);
      const x = tf.tensor4d(Array.from({ length: 2 * 3 * 3 * 4 }, (_, i) => Math.sin(i)), [2, 3, 3, 4]);
      const [mean, variance] = [tf.tensor1d([0.1, -0.2, 0.3, 0]), tf.tensor1d([1, 2, 0.5, 1.5])];
      const [scale, offset] = [tf.tensor1d([1.5, 0.5, -1, 2]), tf.tensor1d([0, 1, 2, 3])];
      const loss = (input: tf.Tensor, s: tf.Tensor) => tf.batchNorm(input, mean, variance, offset, s, 1e-3).square().sum();
      const [dx, dScale] = tf.grads(loss)([x, scale]);
      const values = [Array.from(await dx!.data()), Array.from(await dScale!.data())];
      tf.dispose([x, mean, variance, scale, offset, dx!, dScale!]);
      return values;
    };
    const onCpu = await gradients('cpu');
    const onWasm = await gradients('wasm');
    onWasm.forEach((values, i) => values.forEach((v, j) => expect(v).toBeCloseTo(onCpu[i]![j]!, 4)));
  });
});
