import { expect } from 'vitest';
import { tf } from '@deepcourse/backend';

/** Runs `fn` and asserts it leaves the number of live tensors unchanged (minus `keep(result)`); returns its result. */
export async function expectNoLeak<T>(fn: () => T | Promise<T>, keep: (result: T) => number = () => 0): Promise<T> {
  const before = tf.memory().numTensors;
  const result = await fn();
  expect(tf.memory().numTensors - keep(result)).toBe(before);
  return result;
}

/** Copies of all weights of a model, as plain arrays. */
export function snapshot(model: tf.LayersModel, which: 'trainable' | 'all' = 'all'): Float32Array[] {
  const weights = which === 'trainable' ? model.trainableWeights : model.weights;
  return weights.map((w) => w.read().dataSync() as Float32Array).map((a) => Float32Array.from(a));
}

export function maxAbsDifference(a: Float32Array[], b: Float32Array[]): number {
  let m = 0;
  a.forEach((x, i) => {
    const y = b[i] as Float32Array;
    for (let j = 0; j < x.length; j++) m = Math.max(m, Math.abs((x[j] as number) - (y[j] as number)));
  });
  return m;
}
