import { beforeAll, describe, expect, test } from 'vitest';
import { tf } from './tf.js';
import { accuracy, confusionMatrix } from './metrics.js';
import { InvalidArgumentError, ShapeError } from './errors.js';
import { expectNoLeak } from './test-utils.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('accuracy and confusionMatrix', () => {
  test('match a hand count for ids, one-hot labels and score predictions', async () => {
    const labels = tf.tensor1d([0, 1, 2, 2, 1], 'int32');
    const oneHot = tf.oneHot(labels, 3);
    const scores = tf.tensor2d([
      [0.8, 0.1, 0.1], // 0 ✓
      [0.2, 0.3, 0.5], // 2 ✗ (true 1)
      [0.1, 0.1, 0.8], // 2 ✓
      [0.6, 0.3, 0.1], // 0 ✗ (true 2)
      [0.1, 0.7, 0.2], // 1 ✓
    ]);
    expect(await expectNoLeak(() => accuracy(labels, scores))).toBeCloseTo(3 / 5, 10);
    expect(accuracy(oneHot, scores)).toBeCloseTo(0.6, 10);
    expect(await expectNoLeak(() => confusionMatrix(labels, scores))).toEqual([
      [1, 0, 0],
      [0, 1, 1],
      [1, 0, 1],
    ]);
    expect(confusionMatrix([0, 1], [1, 1], 4)).toEqual([
      [0, 1, 0, 0],
      [0, 1, 0, 0],
      [0, 0, 0, 0],
      [0, 0, 0, 0],
    ]);
    tf.dispose([labels, oneHot, scores]);
  });

  test('binary scores [N, 1] are thresholded at 0.5', () => {
    const p = tf.tensor2d([[0.2], [0.5], [0.9], [0.49]]);
    expect(accuracy([0, 1, 1, 1], p)).toBe(0.75);
    p.dispose();
  });

  test('bad input is a typed error', () => {
    expect(() => accuracy([0, 1], [0])).toThrow(ShapeError);
    expect(() => confusionMatrix([0, 3], [0, 1], 3)).toThrow(/labels\[1\]: expected a class id in \[0, 3\), found 3/);
    expect(() => accuracy([0.5], [0])).toThrow(InvalidArgumentError);
  });
});
