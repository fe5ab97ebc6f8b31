import { expect } from 'vitest';
import { tf } from './tf.js';

/** Runs `fn` and asserts it leaves the number of live tensors unchanged; returns its result. */
export async function expectNoLeak<T>(fn: () => T | Promise<T>, keep: (result: T) => number = () => 0): Promise<T> {
  const before = tf.memory().numTensors;
  const result = await fn();
  expect(tf.memory().numTensors - keep(result)).toBe(before);
  return result;
}
