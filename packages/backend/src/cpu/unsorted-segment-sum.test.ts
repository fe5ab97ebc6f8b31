import { describe, expect, test } from 'vitest';
import { tf } from '../tf.js';
import { initBackend } from '../init-backend.js';
import { seededValues } from '../wasm/parity-harness.js';
import { cpuUnsortedSegmentSumKernel, unregisterCpuKernels } from './unsorted-segment-sum.js';

async function segmentSum(values: Float32Array | Int32Array, shape: number[], ids: number[], numSegments: number, dtype: 'float32' | 'int32' = 'float32') {
  const x = tf.tensor(values, shape, dtype);
  const segmentIds = tf.tensor1d(ids, 'int32');
  const out = tf.unsortedSegmentSum(x, segmentIds, numSegments);
  const result = { shape: out.shape, dtype: out.dtype, values: Array.from(await out.data()) };
  tf.dispose([x, segmentIds, out]);
  return result;
}

describe('UnsortedSegmentSum on cpu', () => {
  test('initBackend registers ours on cpu; cpuKernels: false puts the stock kernel back', async () => {
    await initBackend({ backend: 'cpu' });
    expect(tf.getKernel('UnsortedSegmentSum', 'cpu')).toBe(cpuUnsortedSegmentSumKernel);
    await initBackend({ backend: 'cpu', cpuKernels: false });
    expect(tf.getKernel('UnsortedSegmentSum', 'cpu')).not.toBe(cpuUnsortedSegmentSumKernel);
    expect(tf.getKernel('UnsortedSegmentSum', 'cpu')).toBeDefined();
  });

  test('hand-computed: repeated ids add up, out-of-range ids are dropped', async () => {
    await initBackend({ backend: 'cpu' });
    const result = await segmentSum(Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8]), [4, 2], [2, 0, 2, 5], 3);
    expect(result.shape).toEqual([3, 2]);
    expect(result.values).toEqual([3, 4, 0, 0, 1 + 5, 2 + 6]);
  });

  test('equals the stock cpu kernel: an Embedding gradient, 300 rows of 16 into 50 segments, float and int', async () => {
    const values = seededValues(300 * 16, 3);
    const ids = Array.from(seededValues(300, 4), (v) => Math.floor(((v + 1) / 2) * 50));
    const ints = Int32Array.from(values, (v) => Math.round(v * 100));
    await initBackend({ backend: 'cpu' });
    const before = tf.memory().numTensors;
    const ours = await segmentSum(values, [300, 16], ids, 50);
    const oursInt = await segmentSum(ints, [300, 16], ids, 50, 'int32');
    expect(tf.memory().numTensors).toBe(before);
    unregisterCpuKernels();
    const stock = await segmentSum(values, [300, 16], ids, 50);
    const stockInt = await segmentSum(ints, [300, 16], ids, 50, 'int32');
    expect(ours.shape).toEqual(stock.shape);
    ours.values.forEach((v, i) => expect(v).toBeCloseTo(stock.values[i]!, 4));
    expect(oursInt.values).toEqual(stockInt.values);
    // TensorFlow keeps the data's dtype; stock tfjs cpu returns float32 here.
    expect(oursInt.dtype).toBe('int32');
  });
});
