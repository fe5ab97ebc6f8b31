import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, InvalidArgumentError, tf } from '@deepcourse/backend';
import { classificationMetrics, evaluateClassifier, formatClassificationReport } from './evaluate.js';
import { expectNoLeak } from './test-utils.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

/** A model that outputs its input: the "predictions" are whatever probabilities we feed it. */
function identityModel(units: number): tf.LayersModel {
  return tf.sequential({ layers: [tf.layers.activation({ activation: 'linear', inputShape: [units] })] });
}

describe('evaluateClassifier', () => {
  it('matches a hand-computed confusion matrix, per-class metrics and loss', async () => {
    // labels    0 0 0 1 1 1 2 2
    // predicted 0 0 1 1 1 2 2 0   (0.7 on the predicted class, 0.15 on the others)
    const labels = [0, 0, 0, 1, 1, 1, 2, 2];
    const predicted = [0, 0, 1, 1, 1, 2, 2, 0];
    const probabilities = tf.tensor2d(predicted.map((p) => [0, 1, 2].map((k) => (k === p ? 0.7 : 0.15))));
    const model = identityModel(3);
    const result = await expectNoLeak(() => evaluateClassifier(model, { inputs: probabilities, labels }, { classNames: ['a', 'b', 'c'], batchSize: 3 }));
    expect(result.confusion).toEqual([
      [2, 1, 0],
      [0, 2, 1],
      [1, 0, 1],
    ]);
    expect(result.accuracy).toBe(5 / 8);
    expect(result.count).toBe(8);
    // precision = diagonal / column sum (3, 3, 2); recall = diagonal / row sum (3, 3, 2)
    expect(result.perClass.map((m) => m.precision)).toEqual([2 / 3, 2 / 3, 1 / 2]);
    expect(result.perClass.map((m) => m.recall)).toEqual([2 / 3, 2 / 3, 1 / 2]);
    result.perClass.forEach((m, i) => expect(m.f1).toBeCloseTo([2 / 3, 2 / 3, 1 / 2][i]!, 12));
    expect(result.perClass.map((m) => m.support)).toEqual([3, 3, 2]);
    expect(result.macroAverage.f1).toBeCloseTo((2 / 3 + 2 / 3 + 1 / 2) / 3, 12);
    expect(result.weightedAverage.recall).toBeCloseTo(5 / 8, 12);
    expect(result.mostConfused.map((p) => [p.trueName, p.predictedName, p.count, p.rate])).toEqual([
      ['a', 'b', 1, 1 / 3],
      ['b', 'c', 1, 1 / 3],
      ['c', 'a', 1, 1 / 2],
    ]);
    // loss = -(5 ln 0.7 + 3 ln 0.15) / 8
    expect(result.loss).toBeCloseTo(-(5 * Math.log(0.7) + 3 * Math.log(0.15)) / 8, 6);
    // ... and equals tfjs's own categorical cross-entropy.
    const tfLoss = tf.tidy(() => tf.metrics.categoricalCrossentropy(tf.oneHot(labels, 3).toFloat(), probabilities).mean().dataSync()[0]!);
    expect(result.loss).toBeCloseTo(tfLoss, 5);
    expect(formatClassificationReport(result)).toContain('a -> b: 1 (33.3% of a)');
    tf.dispose(probabilities);
    model.dispose();
  });

  it('a single sigmoid output is a binary classifier thresholded at 0.5', async () => {
    const p = [0.9, 0.4, 0.3, 0.2];
    const inputs = tf.tensor2d(p, [4, 1]);
    const model = identityModel(1);
    const result = await evaluateClassifier(model, { inputs, labels: tf.tensor1d([1, 0, 1, 0], 'int32') });
    expect(result.confusion).toEqual([
      [2, 0],
      [1, 1],
    ]);
    expect(result.perClass[1]).toMatchObject({ precision: 1, recall: 0.5, support: 2 });
    expect(result.loss).toBeCloseTo(-(Math.log(0.9) + Math.log(0.6) + Math.log(0.3) + Math.log(0.8)) / 4, 6);
    tf.dispose(inputs);
    model.dispose();
  });

  it('classes never predicted or absent get 0, not NaN; bad inputs are typed errors', async () => {
    const metrics = classificationMetrics([
      [3, 0, 0],
      [2, 0, 0],
      [0, 0, 0],
    ]);
    expect(metrics.perClass[1]).toMatchObject({ precision: 0, recall: 0, f1: 0, support: 2 });
    expect(metrics.perClass[2]).toMatchObject({ precision: 0, recall: 0, f1: 0, support: 0 });
    expect(() => classificationMetrics([[1, 2]])).toThrow(InvalidArgumentError);
    const model = identityModel(3);
    const x = tf.zeros([2, 3]);
    await expect(evaluateClassifier(model, { inputs: x, labels: [0, 5] })).rejects.toThrow(/labels\[1\]/);
    await expect(evaluateClassifier(model, { inputs: x, labels: [0, 1] }, { classNames: ['a'] })).rejects.toThrow(/classNames/);
    tf.dispose(x);
    model.dispose();
  });
});
