// Helpers shared by the cross-package integration tests and the reproduction suite (test-side code only: every
// package call in the tests goes through a public entry, `@deepcourse/x` or `@deepcourse/x/node`).
import { expect } from 'vitest';
import { seedStream, tf } from '@deepcourse/backend';

/** Live tensors in the one shared engine. */
export function liveTensors(): number {
  return tf.memory().numTensors;
}

/**
 * Runs `call` and checks that it leaves exactly `returned` more live tensors than it found (the tensors it hands
 * to the caller), i.e. that it leaks nothing of its own.
 */
export async function expectTensorDelta<T>(returned: number, call: () => T | Promise<T>): Promise<T> {
  const before = liveTensors();
  const result = await call();
  expect(liveTensors() - before, 'live tensors left behind by the call, beyond what it returns').toBe(returned);
  return result;
}

/** A copy of every weight of every layer that has weights, by layer path (as `listLayers` names them). */
export function weightSnapshot(entries: readonly { path: string; layer: tf.layers.Layer }[]): Map<string, Float32Array[]> {
  const snapshot = new Map<string, Float32Array[]>();
  for (const { path, layer } of entries) {
    const values = layer.getWeights().map((w) => Float32Array.from(w.dataSync() as Float32Array));
    if (values.length > 0) snapshot.set(path, values);
  }
  return snapshot;
}

/** True when two weight lists are the same bit for bit (NaN payloads and signed zeros included). */
export function bitwiseEqual(a: readonly Float32Array[], b: readonly Float32Array[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((x, i) => {
    const y = b[i] as Float32Array;
    if (x.length !== y.length) return false;
    const xb = new Uint32Array(x.buffer, x.byteOffset, x.length);
    const yb = new Uint32Array(y.buffer, y.byteOffset, y.length);
    return xb.every((v, j) => v === yb[j]);
  });
}

/** Seconds since `start` (from `performance.now()`), one decimal. */
export function secondsSince(start: number): string {
  return ((performance.now() - start) / 1000).toFixed(1);
}

/** Keras-style `fit` with a fresh seeded order every epoch (tfjs's own `shuffle` draws from Math.random). */
export async function fitSeeded(model: tf.LayersModel, x: tf.Tensor2D, y: tf.Tensor2D, options: { epochs: number; batchSize: number; seed: number }): Promise<number[]> {
  const order = seedStream(options.seed);
  const losses: number[] = [];
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    const [xs, ys] = tf.tidy(() => {
      const permutation = tf.tensor1d(order.permutation(x.shape[0]), 'int32');
      return [tf.gather(x, permutation), tf.gather(y, permutation)];
    });
    const history = await model.fit(xs, ys, { epochs: 1, batchSize: options.batchSize, shuffle: false, verbose: 0 });
    losses.push(history.history.loss?.[0] as number);
    tf.dispose([xs, ys]);
  }
  return losses;
}
