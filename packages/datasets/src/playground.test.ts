import { beforeAll, describe, expect, test } from 'vitest';
import { initBackend, InvalidArgumentError } from '@deepcourse/backend';
import { expectError, expectNoLeak } from '../test-support/helpers.js';
import { PLAYGROUND_DATASETS, playgroundDataset, playgroundTensors } from './playground.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe('playgroundDataset', () => {
  test('every set: numSamples points, balanced 0/1 labels at noise 0, seeded', () => {
    for (const name of PLAYGROUND_DATASETS) {
      const a = playgroundDataset(name, { numSamples: 400, seed: 1 });
      expect(a.points).toHaveLength(400);
      expect(a.labels).toHaveLength(400);
      expect(a.points.every((p) => p.length === 2 && p.every(Number.isFinite))).toBe(true);
      const positives = a.labels.filter((l) => l === 1).length;
      expect(Math.abs(positives - 200)).toBeLessThanOrEqual(name === 'xor' ? 40 : 0);
      expect(playgroundDataset(name, { numSamples: 400, seed: 1 })).toEqual(a);
      expect(playgroundDataset(name, { numSamples: 400, seed: 2 }).points).not.toEqual(a.points);
    }
  });

  test('circle: positives inside radius 2.5, negatives in the ring 3.5..5; noise flips some labels', () => {
    const clean = playgroundDataset('circle', { seed: 3 });
    clean.points.forEach(([x, y], i) => {
      const r = Math.hypot(x as number, y as number);
      if (clean.labels[i] === 1) expect(r).toBeLessThan(2.5);
      else expect(r >= 3.5 && r <= 5).toBe(true);
    });
    const noisy = playgroundDataset('circle', { seed: 3, noise: 0.5 });
    const flipped = noisy.points.filter(([x, y], i) => (Math.hypot(x as number, y as number) < 2.5 ? 1 : 0) !== noisy.labels[i]).length;
    expect(flipped).toBeGreaterThan(10);
  });

  test('xor: label 1 where x*y >= 0, points at least 0.3 from the axes', () => {
    const data = playgroundDataset('xor', { seed: 4 });
    data.points.forEach(([x, y], i) => {
      expect(Math.abs(x as number)).toBeGreaterThanOrEqual(0.3);
      expect(Math.abs(y as number)).toBeGreaterThanOrEqual(0.3);
      expect(data.labels[i]).toBe((x as number) * (y as number) >= 0 ? 1 : 0);
    });
  });

  test('gaussian: blobs at (2, 2) and (-2, -2) with variance 0.5 at noise 0 and 4 at noise 0.5', () => {
    for (const [noise, variance] of [[0, 0.5], [0.5, 4]] as const) {
      const data = playgroundDataset('gaussian', { numSamples: 20000, seed: 5, noise });
      const xs = data.points.filter((_, i) => data.labels[i] === 1).map((p) => p[0] as number);
      const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
      const sampleVariance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1);
      expect(Math.abs(mean - 2)).toBeLessThan(4 * Math.sqrt(variance / xs.length));
      expect(Math.abs(sampleVariance / variance - 1)).toBeLessThan(0.06);
    }
  });

  test("spiral: noise-free points lie on the playground's arms r = 5 i / n, angle 1.75 turns * i / n (+ pi)", () => {
    const data = playgroundDataset('spiral', { numSamples: 100, seed: 6 });
    const n = 50;
    data.points.forEach(([x, y], k) => {
      const i = k % n;
      const t = ((1.75 * i) / n) * 2 * Math.PI + (k < n ? 0 : Math.PI);
      const r = (i / n) * 5;
      expect(x).toBeCloseTo(r * Math.sin(t), 12);
      expect(y).toBeCloseTo(r * Math.cos(t), 12);
      expect(data.labels[k]).toBe(k < n ? 1 : 0);
    });
    const noisy = playgroundDataset('spiral', { numSamples: 100, seed: 6, noise: 0.3 });
    const maxShift = Math.max(...noisy.points.map(([x, y], k) => Math.max(Math.abs((x as number) - (data.points[k]?.[0] as number)), Math.abs((y as number) - (data.points[k]?.[1] as number)))));
    expect(maxShift).toBeGreaterThan(0.1);
    expect(maxShift).toBeLessThanOrEqual(0.3);
  });

  test('playgroundTensors gives inputs [n, 2] float32 and int32 labels', async () => {
    const data = playgroundDataset('xor', { numSamples: 6, seed: 2 });
    await expectNoLeak(
      () => playgroundTensors(data),
      ({ inputs, labels }) => {
        expect(inputs.shape).toEqual([6, 2]);
        expect(labels.dtype).toBe('int32');
        expect(Array.from(labels.dataSync())).toEqual(data.labels);
        expect(Array.from(inputs.dataSync())).toEqual(data.points.flat().map(Math.fround));
      },
    );
  });

  test('bad options are named', async () => {
    await expectError(() => playgroundDataset('circle', { noise: 0.8 }), InvalidArgumentError, 'options.noise', '[0, 0.5]');
    await expectError(() => playgroundDataset('moons' as 'circle'), InvalidArgumentError, 'name', 'circle, xor, gaussian, spiral');
  });
});
