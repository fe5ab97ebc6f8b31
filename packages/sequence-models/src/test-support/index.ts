import { expect } from 'vitest';
import { tf } from '@deepcourse/backend';

/** Runs `fn` and asserts it leaves the number of live tensors unchanged (minus `keep` tensors it returns). */
export async function expectNoLeak<T>(fn: () => T | Promise<T>, keep: (result: T) => number = () => 0): Promise<T> {
  const before = tf.memory().numTensors;
  const result = await fn();
  expect(tf.memory().numTensors - keep(result)).toBe(before);
  return result;
}

/** Deterministic pseudo-random floats in [-1, 1) (sfc-like LCG; enough for test fixtures). */
export function fixture(size: number, seed: number): Float32Array {
  let s = seed >>> 0 || 1;
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 2 ** 32) * 2 - 1;
  }
  return out;
}

/** Saves a layers model into memory and loads it back (the same path as files, without the file system). */
export async function roundTrip(model: tf.LayersModel): Promise<tf.LayersModel> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return tf.loadLayersModel(tf.io.fromMemory(saved as tf.io.ModelArtifacts));
}

/**
 * Central finite-difference check of d(sum(f() * probe))/d(variable) at a few entries.
 * Returns pairs [analytic, numeric] for the caller to compare.
 */
export function finiteDifferencePairs(
  loss: () => tf.Scalar,
  variable: tf.Variable,
  entries: number[],
  epsilon = 1e-2,
): [number, number][] {
  const analytic = tf.tidy(() => {
    const { grads } = tf.variableGrads(loss, [variable]);
    return (grads[variable.name] as tf.Tensor).dataSync().slice();
  });
  const original = variable.dataSync().slice();
  const pairs: [number, number][] = [];
  for (const index of entries) {
    const at = (delta: number) => {
      const values = original.slice();
      values[index] = (values[index] as number) + delta;
      tf.tidy(() => variable.assign(tf.tensor(values, variable.shape)));
      return tf.tidy(() => loss().dataSync()[0] as number);
    };
    const numeric = (at(epsilon) - at(-epsilon)) / (2 * epsilon);
    pairs.push([analytic[index] as number, numeric]);
  }
  tf.tidy(() => variable.assign(tf.tensor(original, variable.shape)));
  return pairs;
}
