import { beforeAll, describe, expect, test } from 'vitest';
import { tf } from '../tf.js';
import { initBackend } from '../init-backend.js';
import { InvalidArgumentError } from '../errors.js';
import { seededValues } from './parity-harness.js';
import { unpackKernel } from './unpack.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

function wasmBuffers(): number {
  return (tf.engine().findBackend('wasm') as unknown as { numDataIds(): number }).numDataIds();
}

/** tf.unstack on `backend`: the outputs' shapes and values. */
async function unstackOn(backend: string, values: Float32Array | Int32Array, shape: number[], axis: number, dtype: 'float32' | 'int32') {
  await tf.setBackend(backend);
  const x = tf.tensor(values, shape, dtype);
  const parts = tf.unstack(x, axis);
  const result = await Promise.all(parts.map(async (p) => ({ shape: p.shape, dtype: p.dtype, values: Array.from(await p.data()) })));
  tf.dispose([x, ...parts]);
  return result;
}

describe('Unpack on wasm', () => {
  test('registered as ours', () => {
    expect(tf.getKernel('Unpack', 'wasm')).toBe(unpackKernel);
  });

  test('hand-computed: a 2x3 matrix along each axis', async () => {
    const values = Float32Array.from([1, 2, 3, 4, 5, 6]);
    const rows = await unstackOn('wasm', values, [2, 3], 0, 'float32');
    expect(rows.map((r) => r.values)).toEqual([[1, 2, 3], [4, 5, 6]]);
    const columns = await unstackOn('wasm', values, [2, 3], 1, 'float32');
    expect(columns.map((c) => c.values)).toEqual([[1, 4], [2, 5], [3, 6]]);
    expect(columns.map((c) => c.shape)).toEqual([[2], [2], [2]]);
    const last = await unstackOn('wasm', values, [2, 3], -1, 'float32');
    expect(last.map((c) => c.values)).toEqual([[1, 4], [2, 5], [3, 6]]);
  });

  test.each([
    ['an LSTM input sequence [batch, time, features] along time', [16, 30, 8], 1],
    ['rank 4, middle axis', [3, 4, 5, 6], 2],
    ['rank 4, last axis', [3, 4, 5, 6], 3],
    ['axis 0 (contiguous blocks)', [7, 5, 3], 0],
    ['one output', [4, 1, 3], 1],
  ] as [string, number[], number][])('equals cpu exactly: %s', async (_name, shape, axis) => {
    const values = seededValues(shape.reduce((a, b) => a * b, 1), 3);
    const before = { tensors: tf.memory().numTensors, buffers: wasmBuffers() };
    const ours = await unstackOn('wasm', values, shape, axis, 'float32');
    const after = { tensors: tf.memory().numTensors, buffers: wasmBuffers() };
    const cpu = await unstackOn('cpu', values, shape, axis, 'float32');
    await tf.setBackend('wasm');
    expect(ours).toEqual(cpu);
    expect(ours).toHaveLength(shape[axis]!);
    expect(after).toEqual(before);
  });

  test('int32 stays int32', async () => {
    const ours = await unstackOn('wasm', Int32Array.from([1, 2, 3, 4, 5, 6]), [3, 2], 1, 'int32');
    expect(ours.map((o) => o.dtype)).toEqual(['int32', 'int32']);
    expect(ours.map((o) => o.values)).toEqual([[1, 3, 5], [2, 4, 6]]);
  });

  test('its gradient (stack of the output gradients) matches cpu', async () => {
    const values = seededValues(4 * 6 * 3, 11);
    const gradient = async (backend: string) => {
      await tf.setBackend(backend);
      const weights = tf.tensor1d([1, -2, 3, 0.5, -1, 2]);
      const g = tf.grad((x: tf.Tensor) => tf.addN(tf.unstack(x, 1).map((part, t) => part.square().mul(weights.slice(t, 1)))).sum())(tf.tensor3d(values, [4, 6, 3]));
      const out = Array.from(await g.data());
      tf.dispose([g, weights]);
      return out;
    };
    const ours = await gradient('wasm');
    const cpu = await gradient('cpu');
    await tf.setBackend('wasm');
    ours.forEach((v, i) => expect(v).toBeCloseTo(cpu[i]!, 5));
  });

  test('a bad axis is a typed error', () => {
    const x = tf.zeros([2, 3]);
    expect(() => tf.engine().runKernel('Unpack', { value: x }, { axis: 2 })).toThrow(InvalidArgumentError);
    x.dispose();
  });
});
