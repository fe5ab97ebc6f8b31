import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '@deepcourse/backend';
import { gradientDescent, leastSquares, manualGradientDescent, linearRegression, logisticRegression, meanSquaredError } from './regression.js';
import { expectNoLeak } from '../test-utils.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

// The book's table: hours studied → score, and private tutoring sessions.
const hours = [2, 4, 6, 8];
const tutoring = [0, 4, 2, 3];
const scores = [81, 93, 91, 97];

describe('regression (the course’s worked numbers)', () => {
  it('least squares of the book’s table is a = 2.3, b = 79; a = 3, b = 76 has MSE 11.0', () => {
    const fit = leastSquares(hours, scores);
    expect(fit.weights[0]).toBeCloseTo(2.3, 10);
    expect(fit.bias).toBeCloseTo(79, 10);
    expect(meanSquaredError(hours, scores, [3], 76)).toBeCloseTo(11, 10);
  });

  it('gradient descent (lr 0.03, 2,001 steps) reaches a = 2.3000, b = 79.0000', async () => {
    const model = linearRegression();
    const result = await expectNoLeak(() => gradientDescent(model, hours, scores, { learningRate: 0.03, steps: 2001 }));
    expect(result.final.step).toBe(2000);
    // float32 (tfjs) lands within 2e-4 of the course's float64 NumPy run ...
    expect(result.final.weights[0]!).toBeCloseTo(2.3, 3);
    expect(result.final.bias).toBeCloseTo(79, 2);
    model.dispose();
    // ... and the float64 hand-written descent prints exactly the course's numbers.
    const byHand = manualGradientDescent(hours, scores, { learningRate: 0.03, steps: 2001 });
    expect(byHand.final.weights[0]!.toFixed(4)).toBe('2.3000');
    expect(byHand.final.bias.toFixed(4)).toBe('79.0000');
    expect(byHand.log.map((e) => e.step).slice(0, 3)).toEqual([0, 100, 200]);
  });

  it('two-variable descent (lr 0.01, 2,001 steps) reaches 1.5191, 2.2923, 77.7260', () => {
    const model = linearRegression({ inputs: 2 });
    const x = hours.map((h, i) => [h, tutoring[i]!]);
    const { final } = gradientDescent(model, x, scores, { learningRate: 0.01, steps: 2001 });
    expect(final.weights[0]).toBeCloseTo(1.5191, 3);
    expect(final.weights[1]).toBeCloseTo(2.2923, 3);
    expect(final.bias).toBeCloseTo(77.726, 2);
    model.dispose();
    const byHand = manualGradientDescent(x, scores, { learningRate: 0.01, steps: 2001 }).final;
    expect([...byHand.weights, byHand.bias].map((v) => v.toFixed(4))).toEqual(['1.5191', '2.2923', '77.7260']);
  });

  it('the deck’s table fits y = 10x, and with sleep hours 10, 0, 0', () => {
    const studied = [9, 8, 4, 2];
    const score = [90, 80, 40, 20];
    const sleep = [5, 8, 7, 3];
    const one = leastSquares(studied, score);
    expect(one.weights[0]).toBeCloseTo(10, 10);
    expect(one.bias).toBeCloseTo(0, 10);
    const two = leastSquares(studied.map((s, i) => [s, sleep[i]!]), score);
    expect(two.weights[0]).toBeCloseTo(10, 8);
    expect(two.weights[1]).toBeCloseTo(0, 8);
    expect(two.bias).toBeCloseTo(0, 8);
    // Gradient descent on the model gets there too (within 0.05) from zeros.
    const model = linearRegression({ inputs: 2 });
    const { final } = gradientDescent(model, studied.map((s, i) => [s, sleep[i]!]), score, { learningRate: 0.01, steps: 8000, logEvery: 8000 });
    expect(Math.abs(final.weights[0]! - 10)).toBeLessThan(0.05);
    expect(Math.abs(final.weights[1]!)).toBeLessThan(0.05);
    expect(Math.abs(final.bias)).toBeLessThan(0.05);
    model.dispose();
  });

  it('logistic regression on pass/fail by hours gives p(7 h) near 0.6 after 5,000 SGD epochs', () => {
    const passHours = [2, 4, 6, 8, 10, 12, 14];
    const passed = [0, 0, 0, 1, 1, 1, 1];
    const model = logisticRegression();
    gradientDescent(model, passHours, passed, { steps: 5000, logEvery: 5000 });
    const p7 = tf.tidy(() => (model.predict(tf.tensor2d([[7]])) as tf.Tensor).dataSync()[0]!);
    expect(p7).toBeGreaterThan(0.5);
    expect(p7).toBeLessThan(0.7);
    // Monotone: more hours, higher probability.
    const p = tf.tidy(() => Array.from((model.predict(tf.tensor2d(passHours, [7, 1])) as tf.Tensor).dataSync()));
    for (let i = 1; i < p.length; i++) expect(p[i]!).toBeGreaterThan(p[i - 1]!);
    console.log(`logistic regression: p(pass | 7 hours) = ${(p7 * 100).toFixed(1)}% (course: 59.7%)`);
    model.dispose();
  });
});
