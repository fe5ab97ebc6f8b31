import { beforeAll, describe, expect, test } from 'vitest';
import { initBackend, InvalidArgumentError } from '@deepcourse/backend';
import { expectError, expectNoLeak } from '../test-support/helpers.js';
import { syntheticStockPrice, windowed } from './time-series.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe('syntheticStockPrice', () => {
  test('each price is the previous times exp(log return); seeded', () => {
    const { prices, logReturns } = syntheticStockPrice({ days: 50, seed: 1 });
    expect(prices).toHaveLength(50);
    expect(prices[0]).toBe(100);
    logReturns.forEach((r, t) => expect(prices[t + 1]).toBeCloseTo((prices[t] as number) * Math.exp(r), 10));
    expect(syntheticStockPrice({ days: 50, seed: 1 }).prices).toEqual(prices);
    expect(syntheticStockPrice({ days: 50, seed: 2 }).prices).not.toEqual(prices);
  });

  test('zero volatility is exact exponential growth at mu per year', () => {
    const { prices } = syntheticStockPrice({ days: 253, drift: 0.1, volatility: 0, initialPrice: 50 });
    expect(prices[252]).toBeCloseTo(50 * Math.exp(0.1), 10);
  });

  test('log returns have the GBM mean (mu - sigma^2/2) dt and standard deviation sigma sqrt(dt)', () => {
    const mu = 0.08;
    const sigma = 0.3;
    const dt = 1 / 252;
    const { logReturns } = syntheticStockPrice({ days: 40001, drift: mu, volatility: sigma, seed: 9 });
    const n = logReturns.length;
    const mean = logReturns.reduce((a, b) => a + b, 0) / n;
    const std = Math.sqrt(logReturns.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
    const expectedStd = sigma * Math.sqrt(dt);
    expect(Math.abs(mean - (mu - sigma ** 2 / 2) * dt)).toBeLessThan((4 * expectedStd) / Math.sqrt(n));
    expect(Math.abs(std / expectedStd - 1)).toBeLessThan(0.02);
  });
});

describe('windowed', () => {
  test('inputs [n, inputLength, 1] and the next horizon steps as targets, by stride', async () => {
    await expectNoLeak(
      () => windowed([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], { inputLength: 3, horizon: 2, stride: 2 }),
      ({ inputs, targets }) => {
        // floor((10 - 3 - 2) / 2) + 1 = 3 windows starting at 0, 2, 4
        expect(inputs.shape).toEqual([3, 3, 1]);
        expect(inputs.arraySync()).toEqual([[[0], [1], [2]], [[2], [3], [4]], [[4], [5], [6]]]);
        expect(targets.arraySync()).toEqual([[3, 4], [5, 6], [7, 8]]);
      },
    );
  });

  test('a multivariate series keeps its features and predicts targetColumn', () => {
    const rows = Array.from({ length: 5 }, (_, t) => [t, 10 * t]);
    const { inputs, targets } = windowed(rows, { inputLength: 2, targetColumn: 1 });
    expect(inputs.shape).toEqual([3, 2, 2]);
    expect(inputs.arraySync()[1]).toEqual([[1, 10], [2, 20]]);
    expect(targets.arraySync()).toEqual([[20], [30], [40]]);
    inputs.dispose();
    targets.dispose();
  });

  test('too short a series, NaN and bad options are named', async () => {
    await expectError(() => windowed([1, 2, 3], { inputLength: 3 }), InvalidArgumentError, 'series', 'at least inputLength + horizon = 4 steps', '3 steps');
    await expectError(() => windowed([1, Number.NaN, 3, 4], { inputLength: 2 }), InvalidArgumentError, 'NaN at step 1');
    await expectError(() => windowed([1, 2, 3], { inputLength: 1, stride: 0 }), InvalidArgumentError, 'options.stride');
    await expectError(() => windowed([[1, 2], [3]], { inputLength: 1 }), InvalidArgumentError, 'rows of 2 features', 'at step 1');
  });
});
