// Test and benchmark helpers; not part of the published package.
import { expect } from 'vitest';
import { tf } from '@deepcourse/backend';

/** Runs `fn` and asserts it leaves the number of live tensors unchanged (plus `keep(result)`). */
export async function expectNoLeak<T>(fn: () => T | Promise<T>, keep: (result: T) => number = () => 0): Promise<T> {
  const before = tf.memory().numTensors;
  const result = await fn();
  expect(tf.memory().numTensors - keep(result)).toBe(before);
  return result;
}

export { loadMnistDigits } from '../bench/mnist-digits.js';

/** Two interleaved spirals (the Playground's hardest set), seeded: inputs [2n, 2] in about [-1, 1], labels 0/1. */
export function twoSpirals(perClass: number, noise: number, seed: number): { inputs: tf.Tensor2D; labels: tf.Tensor1D } {
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const points: number[] = [];
  const labels: number[] = [];
  for (let c = 0; c < 2; c++) {
    for (let i = 0; i < perClass; i++) {
      const r = (i / perClass) * 0.9 + 0.05;
      const angle = 1.75 * (i / perClass) * 2 * Math.PI + c * Math.PI;
      points.push(r * Math.sin(angle) + (random() - 0.5) * noise, r * Math.cos(angle) + (random() - 0.5) * noise);
      labels.push(c);
    }
  }
  return { inputs: tf.tensor2d(points, [2 * perClass, 2]), labels: tf.tensor1d(labels, 'int32') };
}
