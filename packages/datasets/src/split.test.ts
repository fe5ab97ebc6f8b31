import { beforeAll, describe, expect, test } from 'vitest';
import { initBackend, InvalidArgumentError, ShapeError, tf } from '@deepcourse/backend';
import { expectError, expectNoLeak } from '../test-support/helpers.js';
import { splitIndices, trainTestSplit } from './split.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe('splitIndices', () => {
  test('round(n * testFraction) test indices; both parts partition 0..n-1; seeded', () => {
    const a = splitIndices(103, { testFraction: 0.25, seed: 1 });
    expect(a.test.length).toBe(26);
    expect(a.train.length).toBe(77);
    expect([...a.train, ...a.test].sort((x, y) => x - y)).toEqual(Array.from({ length: 103 }, (_, i) => i));
    expect(splitIndices(103, { testFraction: 0.25, seed: 1 })).toEqual(a);
    expect(splitIndices(103, { testFraction: 0.25, seed: 2 }).test).not.toEqual(a.test);
  });

  test('stratified: each class keeps its share (largest remainder), classes 60/30/10 with 20% test', () => {
    const labels = [...new Array(60).fill(0), ...new Array(30).fill(1), ...new Array(10).fill(2)];
    const { train, test } = splitIndices(100, { testFraction: 0.2, seed: 4, stratify: labels });
    const count = (indices: Int32Array, c: number) => Array.from(indices).filter((i) => labels[i] === c).length;
    expect([0, 1, 2].map((c) => count(test, c))).toEqual([12, 6, 2]);
    expect([0, 1, 2].map((c) => count(train, c))).toEqual([48, 24, 8]);
    // 7 samples of 3 classes (3, 2, 2) with testSize 3: quotas 9/7, 6/7, 6/7 -> 1 each
    const small = splitIndices(7, { testSize: 3, seed: 1, stratify: [0, 0, 0, 1, 1, 2, 2] });
    expect(Array.from(small.test).map((i) => [0, 0, 0, 1, 1, 2, 2][i]).sort()).toEqual([0, 1, 2]);
  });

  test('no shuffle takes the last samples as the test part; bad options are named', async () => {
    expect(splitIndices(5, { testSize: 2, shuffle: false })).toEqual({ train: Int32Array.from([0, 1, 2]), test: Int32Array.from([3, 4]) });
    await expectError(() => splitIndices(10, { testFraction: 1.5 }), InvalidArgumentError, 'options.testFraction');
    await expectError(() => splitIndices(10, { testSize: 10 }), InvalidArgumentError, 'options.testSize', '[1, 9]');
    await expectError(() => splitIndices(4, { stratify: [0, 1] }), InvalidArgumentError, 'options.stratify', '4 labels');
  });
});

describe('trainTestSplit', () => {
  test('gathers matching rows of every tensor into new tensors the caller owns', async () => {
    const x = tf.tensor2d(Array.from({ length: 10 }, (_, i) => [i, 10 * i]));
    const y = tf.tensor1d(Array.from({ length: 10 }, (_, i) => i % 2), 'int32');
    await expectNoLeak(
      () => trainTestSplit({ x, y }, { testFraction: 0.4, seed: 3, stratify: 'y' }),
      ({ train, test }) => {
        expect(train.x.shape).toEqual([6, 2]);
        expect(test.x.shape).toEqual([4, 2]);
        const rows = test.x.arraySync() as number[][];
        const labels = Array.from(test.y.dataSync());
        rows.forEach(([a, b], k) => {
          expect(b).toBe(10 * (a as number));
          expect(labels[k]).toBe((a as number) % 2);
        });
        expect(labels.filter((l) => l === 1).length).toBe(2);
      },
    );
    const wrong = tf.tensor1d([1, 2, 3]);
    await expectError(() => trainTestSplit({ x, wrong }), ShapeError, 'tensors.wrong', 'first dimension 10');
    tf.dispose([x, y, wrong]);
  });
});
