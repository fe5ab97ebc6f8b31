import { describe, expect, test } from 'vitest';
import { seedStream } from './seed.js';
import { InvalidArgumentError } from './errors.js';

describe('seedStream', () => {
  test('the same seed gives the same sequence; different seeds differ', () => {
    const a = seedStream(123);
    const b = seedStream(123);
    const c = seedStream(124);
    const sa = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(sa);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(sa);
    expect(seedStream(1).next()).not.toBe(seedStream(2 ** 32 + 1).next());
  });

  test('uniform is in [0, 1) with the right mean and variance', () => {
    const s = seedStream(5);
    const n = 20000;
    let sum = 0;
    let sq = 0;
    for (let i = 0; i < n; i++) {
      const u = s.uniform();
      expect(u >= 0 && u < 1).toBe(true);
      sum += u;
      sq += u * u;
    }
    const mean = sum / n;
    expect(mean).toBeCloseTo(0.5, 2);
    expect(sq / n - mean * mean).toBeCloseTo(1 / 12, 2);
  });

  test('normal has mean 0 and standard deviation 1', () => {
    const s = seedStream(9);
    const xs = Array.from({ length: 20000 }, () => s.normal());
    const mean = xs.reduce((p, x) => p + x, 0) / xs.length;
    const std = Math.sqrt(xs.reduce((p, x) => p + (x - mean) ** 2, 0) / xs.length);
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(std).toBeCloseTo(1, 1);
  });

  test('shuffle and permutation are permutations, reproducible, and leave the input alone', () => {
    const items = Array.from({ length: 50 }, (_, i) => i);
    const shuffled = seedStream(3).shuffle(items);
    expect(items).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(shuffled).not.toEqual(items);
    expect([...shuffled].sort((x, y) => x - y)).toEqual(items);
    expect(seedStream(3).shuffle(items)).toEqual(shuffled);
    const perm = Array.from(seedStream(4).permutation(50));
    expect([...perm].sort((x, y) => x - y)).toEqual(items);
  });

  test('uniformInt covers its range evenly', () => {
    const s = seedStream(11);
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 8000; i++) counts[s.uniformInt(0, 4)]! += 1;
    for (const c of counts) expect(Math.abs(c - 2000)).toBeLessThan(200);
  });

  test('fork gives an independent, reproducible child', () => {
    const child1 = seedStream(8).fork();
    const child2 = seedStream(8).fork();
    expect(child1.next()).toBe(child2.next());
    expect(child1.seed).not.toBe(8);
  });

  test('bad seeds are typed errors', () => {
    expect(() => seedStream(1.5)).toThrow(InvalidArgumentError);
    expect(() => seedStream(Number.NaN)).toThrow(/seed: expected a safe integer, found NaN/);
  });
});
