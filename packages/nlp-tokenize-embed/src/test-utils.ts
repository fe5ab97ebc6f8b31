import { tf } from '@deepcourse/backend';
import { expect } from 'vitest';

/** Runs `fn` and asserts it leaves the number of live tensors unchanged (plus `extra` it is meant to return). */
export async function expectNoLeak<T>(fn: () => T | Promise<T>, extra = 0): Promise<T> {
  const before = tf.memory().numTensors;
  const result = await fn();
  expect(tf.memory().numTensors).toBe(before + extra);
  return result;
}
