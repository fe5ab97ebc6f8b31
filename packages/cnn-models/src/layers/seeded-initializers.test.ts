import { tf } from '@deepcourse/backend';
import { beforeAll, describe, expect, it } from 'vitest';
import { LayerSeeds } from './seeded-initializers.js';

function std(t: tf.Tensor): number {
  const values = Array.from(t.dataSync() as Float32Array);
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
}

describe('LayerSeeds.heNormal', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('draws kernels with the spread of Keras he_normal, sqrt(2 / fan_in), after truncation', () => {
    // 3x3 kernel, 64 -> 64 channels: fan_in 576, 36,864 draws (standard error of the std about 0.4%).
    const shape = [3, 3, 64, 64];
    const target = Math.sqrt(2 / 576);
    const ours = tf.tidy(() => std(new LayerSeeds(7).heNormal().apply(shape)));
    const stock = tf.tidy(() => std(tf.initializers.heNormal({ seed: 7 }).apply(shape)));
    expect(ours / target).toBeCloseTo(1, 1.5);
    // The stock tfjs initialiser is 0.88x as wide; that is the gap this method exists to close.
    expect(stock / target).toBeCloseTo(0.8796, 1.5);
  });

  it('truncates at two (uncorrected) standard deviations and is reproducible from the seed', () => {
    const shape = [5, 5, 32, 64];
    const a = tf.tidy(() => Array.from(new LayerSeeds(3).heNormal().apply(shape).dataSync()));
    const b = tf.tidy(() => Array.from(new LayerSeeds(3).heNormal().apply(shape).dataSync()));
    expect(a).toEqual(b);
    const bound = (2 * Math.sqrt(2 / (5 * 5 * 32))) / 0.87962566103423978;
    expect(Math.max(...a.map(Math.abs))).toBeLessThanOrEqual(bound * (1 + 1e-6));
    expect(Math.max(...a.map(Math.abs))).toBeGreaterThan(bound * 0.95);
  });
});
