import { InvalidArgumentError } from './errors.js';
import type { tf } from './tf.js';

/** The learning rate of a tfjs optimizer. */
export function getLearningRate(optimizer: tf.Optimizer): number {
  const lr = (optimizer as unknown as { learningRate?: unknown }).learningRate;
  if (typeof lr !== 'number') throw new InvalidArgumentError('optimizer', 'an optimizer with a numeric learningRate', optimizer.getClassName());
  return lr;
}

/** Changes a tfjs optimizer's learning rate in place (SGD and Momentum cache it, so they are told through setLearningRate). */
export function setLearningRate(optimizer: tf.Optimizer, learningRate: number): void {
  const target = optimizer as unknown as { learningRate: number; setLearningRate?: (lr: number) => void };
  if (typeof target.setLearningRate === 'function') target.setLearningRate(learningRate);
  else target.learningRate = learningRate;
}
