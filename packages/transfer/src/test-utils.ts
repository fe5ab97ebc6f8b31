import { expect } from 'vitest';
import { tf } from '@deepcourse/backend';

/** Runs `fn` and asserts it leaves the number of live tensors unchanged apart from `keep(result)`. */
export async function expectNoLeak<T>(fn: () => T | Promise<T>, keep: (result: T) => number = () => 0): Promise<T> {
  const before = tf.memory().numTensors;
  const result = await fn();
  expect(tf.memory().numTensors - keep(result)).toBe(before);
  return result;
}

/** A tiny seeded conv base, [8, 8, 1] → conv(3) → pool → conv(4) → flatten(16) → dense(5) → dropout → dense(3) softmax. */
export function tinyBase(seed = 1, name = 'tiny'): tf.Sequential {
  const init = (k: number) => tf.initializers.glorotUniform({ seed: seed * 100 + k });
  return tf.sequential({
    name,
    layers: [
      tf.layers.conv2d({ inputShape: [8, 8, 1], filters: 3, kernelSize: 2, activation: 'relu', kernelInitializer: init(1), name: 'c1' }),
      tf.layers.maxPooling2d({ poolSize: 2, name: 'p1' }),
      tf.layers.conv2d({ filters: 4, kernelSize: 2, activation: 'relu', kernelInitializer: init(2), name: 'c2' }),
      tf.layers.flatten({ name: 'flat' }),
      tf.layers.dense({ units: 5, activation: 'relu', kernelInitializer: init(3), name: 'd1' }),
      tf.layers.dropout({ rate: 0.2, name: 'drop' }),
      tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: init(4), name: 'cls' }),
    ],
  });
}

/** `n` seeded images [n, 8, 8, 1] in [0, 1] with labels in [0, classes). */
export function tinyData(n: number, classes: number, seed = 3): { images: tf.Tensor4D; labels: tf.Tensor1D } {
  return tf.tidy(() => ({
    images: tf.randomUniform([n, 8, 8, 1], 0, 1, 'float32', seed) as tf.Tensor4D,
    labels: tf.tensor1d(Array.from({ length: n }, (_, i) => i % classes), 'int32'),
  }));
}

/** A copy of every weight's values, by weight name. */
export function snapshot(model: tf.LayersModel): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  for (const w of model.weights) out.set(w.originalName, Float32Array.from(w.read().dataSync() as Float32Array));
  return out;
}

/** Names of the weights whose values differ (bitwise) between two snapshots. */
export function changedWeights(before: Map<string, Float32Array>, after: Map<string, Float32Array>): string[] {
  const changed: string[] = [];
  for (const [name, a] of before) {
    const b = after.get(name)!;
    const ua = new Uint32Array(a.buffer);
    const ub = new Uint32Array(b.buffer);
    if (ua.some((v, i) => v !== ub[i])) changed.push(name);
  }
  return changed.sort();
}
