import { beforeAll, describe, expect, it } from 'vitest';
import { tf, initBackend } from '@deepcourse/backend';
import { SeededDropout } from './seeded-dropout.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe('SeededDropout', () => {
  it('draws a new mask per training call, the same sequence per seed, and is the identity at inference', () => {
    const x = tf.ones([1000]);
    const masks = (seed: number) => {
      const layer = new SeededDropout({ rate: 0.3, seed });
      return [0, 1].map(() => tf.tidy(() => Array.from((layer.apply(x, { training: true }) as tf.Tensor).dataSync())));
    };
    const [a1, a2] = masks(1);
    const [b1, b2] = masks(1);
    expect(a1).toEqual(b1);
    expect(a2).toEqual(b2);
    expect(a1).not.toEqual(a2);
    const kept = a1!.filter((v) => v !== 0);
    expect(kept.every((v) => Math.abs(v - 1 / 0.7) < 1e-5)).toBe(true);
    expect(kept.length / 1000).toBeGreaterThan(0.65);
    expect(kept.length / 1000).toBeLessThan(0.75);
    const identity = tf.tidy(() => (new SeededDropout({ rate: 0.5 }).apply(x) as tf.Tensor).sum().dataSync()[0]);
    expect(identity).toBe(1000);
    expect(() => new SeededDropout({ rate: 1 })).toThrow(/rate/);
    x.dispose();
  });
});
