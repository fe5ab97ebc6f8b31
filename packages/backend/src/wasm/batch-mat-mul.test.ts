import { beforeAll, describe, expect, test } from 'vitest';
import { tf } from '../tf.js';
import { initBackend } from '../init-backend.js';
import { compareWithCpu } from './parity-harness.js';
import { PER_PAIR_MIN_WORK } from './batch-mat-mul.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

/** Shapes of a and b for `rows x inner` times `inner x cols`, with the given batch dims and transposes. */
function operands(batchA: number[], batchB: number[], rows: number, inner: number, cols: number, transposeA: boolean, transposeB: boolean) {
  return {
    a: { shape: [...batchA, ...(transposeA ? [inner, rows] : [rows, inner])] },
    b: { shape: [...batchB, ...(transposeB ? [cols, inner] : [inner, cols])] },
  };
}

const TRANSPOSES: [boolean, boolean][] = [[false, false], [true, false], [false, true], [true, true]];
// Batch layouts: single matrices, a batch against one matrix (both ways), a batch of pairs
// (above and below the size where pairs leave the stock loop), and rank-4 batch dims.
const LAYOUTS: [string, number[], number[], number, number, number][] = [
  ['single', [], [], 13, 17, 11],
  ['batch x single', [4], [], 9, 12, 7],
  ['single x batch', [], [5], 8, 6, 10],
  ['batch 1 x single (rank 3)', [1], [], 9, 12, 7],
  ['pairs, large', [3], [3], 40, 36, 33],
  ['pairs, small (stock loop)', [6], [6], 5, 4, 3],
  ['rank 4 pairs', [2, 3], [2, 3], 34, 33, 32],
  ['rank 4 x single', [2, 2], [], 6, 5, 4],
];

describe('BatchMatMul on wasm equals the cpu backend', () => {
  for (const [name, batchA, batchB, rows, inner, cols] of LAYOUTS) {
    test.each(TRANSPOSES)(`${name}, transposeA %s, transposeB %s`, async (transposeA, transposeB) => {
      const result = await compareWithCpu('BatchMatMul', operands(batchA, batchB, rows, inner, cols, transposeA, transposeB), { transposeA, transposeB });
      expect(result.shape).toEqual(result.cpuShape);
      expect(result.shape.slice(-2)).toEqual([rows, cols]);
      expect(result.relativeError).toBeLessThan(1e-4);
      expect(result.leakedTensors).toBe(0);
      expect(result.leakedWasmBuffers).toBe(0);
    });
  }

  test('the small pair case really is below the per-pair threshold, the large one above', () => {
    expect(5 * 4 * 3).toBeLessThan(PER_PAIR_MIN_WORK);
    expect(40 * 36 * 33).toBeGreaterThanOrEqual(PER_PAIR_MIN_WORK);
  });

  test('hand-computed: a^T b', async () => {
    const result = await compareWithCpu('BatchMatMul', {
      a: { shape: [2, 2], values: [1, 2, 3, 4] },
      b: { shape: [2, 1], values: [5, 6] },
    }, { transposeA: true, transposeB: false });
    // a^T = [[1, 3], [2, 4]]; a^T b = [1*5 + 3*6, 2*5 + 4*6].
    expect(Array.from(result.wasm)).toEqual([23, 34]);
  });

  test('matMul through the public op uses our kernel and leaves no tensors', async () => {
    await tf.setBackend('wasm');
    const before = tf.memory().numTensors;
    const a = tf.tensor2d([[1, 2], [3, 4], [5, 6]]);
    const b = tf.tensor2d([[1, 0, 2], [0, 1, 3]]);
    const product = tf.matMul(a, b, true, true);
    expect(Array.from(await product.data())).toEqual([1 * 1 + 3 * 0 + 5 * 2, 1 * 0 + 3 * 1 + 5 * 3, 2 * 1 + 4 * 0 + 6 * 2, 2 * 0 + 4 * 1 + 6 * 3]);
    tf.dispose([a, b, product]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
