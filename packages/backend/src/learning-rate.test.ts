import { beforeAll, expect, test } from 'vitest';
import { InvalidArgumentError } from './errors.js';
import { getLearningRate, setLearningRate } from './learning-rate.js';
import { tf } from './tf.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

test.each([
  ['sgd', () => tf.train.sgd(0.1)],
  ['momentum', () => tf.train.momentum(0.1, 0)],
  ['adam', () => tf.train.adam(0.1)],
])('a new rate reaches the update of %s, not just its field', (name, make) => {
  const optimizer = make();
  setLearningRate(optimizer, 0.25);
  expect(getLearningRate(optimizer)).toBe(0.25);
  const w = tf.variable(tf.scalar(1));
  // SGD and Momentum without momentum: w − lr·dL/dw = 1 − 0.25·2 for L = w² at w = 1. Adam's first step moves
  // every weight by the learning rate whatever the gradient's size: 1 − 0.25.
  optimizer.minimize(() => w.square() as tf.Scalar);
  expect(w.dataSync()[0]).toBeCloseTo(name === 'adam' ? 0.75 : 0.5, 4);
  w.dispose();
  optimizer.dispose();
});

test('an optimizer without a numeric rate is a typed error', () => {
  const optimizer = tf.train.adadelta();
  Object.defineProperty(optimizer, 'learningRate', { value: undefined });
  expect(() => getLearningRate(optimizer)).toThrow(new InvalidArgumentError('optimizer', 'an optimizer with a numeric learningRate', 'Adadelta'));
});
