import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf, InvalidArgumentError, ShapeError } from '@deepcourse/backend';
import { makeWindows, windowsToTensors } from './windows.js';
import { fitMinMaxScaler, fitStandardScaler, scalerFromJSON } from './scaling.js';
import { meanAbsoluteError, meanAbsolutePercentageError, rootMeanSquaredError } from './metrics.js';
import { baselineForWindows, naiveForecast, seasonalNaiveForecast } from './baselines.js';
import { forecastNext, forecastWindows, recurrentForecaster } from './forecaster.js';
import { expectNoLeak, roundTrip } from '../test-support/index.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe('makeWindows', () => {
  it('cuts windows and targets as worked out by hand', () => {
    const w = makeWindows([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], { inputWidth: 3, horizon: 2, stride: 2 });
    // starts 0, 2, 4 (a fourth window at 6 would need steps up to 10)
    expect(w.count).toBe(3);
    expect(Array.from(w.inputs)).toEqual([0, 1, 2, 2, 3, 4, 4, 5, 6]);
    expect(Array.from(w.targets)).toEqual([3, 4, 5, 6, 7, 8]);
    expect(Array.from(w.targetStarts)).toEqual([3, 5, 7]);
  });

  it('keeps every feature in the inputs and takes targets from targetColumn', () => {
    const rows = [[1, 10], [2, 20], [3, 30], [4, 40]];
    const w = makeWindows(rows, { inputWidth: 2, targetColumn: 1 });
    expect(w.numFeatures).toBe(2);
    expect(Array.from(w.inputs)).toEqual([1, 10, 2, 20, 2, 20, 3, 30]);
    expect(Array.from(w.targets)).toEqual([30, 40]);
    const { xs, ys } = windowsToTensors(w);
    expect(xs.shape).toEqual([2, 2, 2]);
    expect(ys.arraySync()).toEqual([[30], [40]]);
    tf.dispose([xs, ys]);
  });

  it('rejects short series, bad columns, ragged rows and non-finite values', () => {
    expect(() => makeWindows([1, 2, 3], { inputWidth: 3 })).toThrow(/at least inputWidth \+ horizon = 4 steps, found "3 steps"/);
    expect(() => makeWindows([[1], [2], [3]], { inputWidth: 1, targetColumn: 1 })).toThrow(InvalidArgumentError);
    expect(() => makeWindows([[1, 2], [3]], { inputWidth: 1 })).toThrow(ShapeError);
    expect(() => makeWindows([1, NaN, 3, 4], { inputWidth: 1 })).toThrow(/series\[1\]/);
    expect(() => makeWindows([1, 2, 3, 4], { inputWidth: 0 })).toThrow(/inputWidth/);
  });
});

describe('scaling', () => {
  it('standard scaling uses the mean and population standard deviation, and inverts', () => {
    const scaler = fitStandardScaler([1, 2, 3, 4]);
    const scaled = scaler.transform([1, 4]);
    expect(scaled[0]).toBeCloseTo(-1.5 / Math.sqrt(1.25), 6);
    expect(scaled[1]).toBeCloseTo(1.5 / Math.sqrt(1.25), 6);
    expect(Array.from(scaler.inverse(scaled)).map((v) => Math.round(v * 1e5) / 1e5)).toEqual([1, 4]);
    expect(scaler.toJSON()).toEqual({ kind: 'standard', mean: 2.5, std: Math.sqrt(1.25) });
  });

  it('min-max scaling maps onto the range and survives JSON', () => {
    const scaler = fitMinMaxScaler([10, 20, 30], [-1, 1]);
    expect(Array.from(scaler.transform([10, 25, 30]))).toEqual([-1, 0.5, 1]);
    const restored = scalerFromJSON(JSON.parse(JSON.stringify(scaler.toJSON())));
    expect(Array.from(restored.inverse([0]))).toEqual([20]);
    expect(() => fitStandardScaler([3, 3])).toThrow(InvalidArgumentError);
    expect(() => scalerFromJSON({ kind: 'other' } as never)).toThrow(/json/);
  });
});

describe('error metrics', () => {
  it('MAE, RMSE and MAPE match hand computations', () => {
    const actual = [1, 2, 3, 4];
    const predicted = [2, 2, 2, 2];
    expect(meanAbsoluteError(actual, predicted)).toBe(1);
    expect(rootMeanSquaredError(actual, predicted)).toBeCloseTo(Math.sqrt(1.5), 12);
    expect(meanAbsolutePercentageError(actual, predicted)).toBeCloseTo(((1 + 0 + 1 / 3 + 0.5) / 4) * 100, 10);
    expect(() => meanAbsoluteError([1, 2], [1])).toThrow(ShapeError);
    expect(() => meanAbsolutePercentageError([0, 1], [1, 1])).toThrow(/actual\[0\]/);
  });
});

describe('baselines', () => {
  it('naive repeats the last value; seasonal-naive repeats the last season', () => {
    const history = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(Array.from(naiveForecast(history, 3))).toEqual([10, 10, 10]);
    // season 7: the next 9 steps repeat steps 4..10 (values 4..10), then 4, 5 again
    expect(Array.from(seasonalNaiveForecast(history, 9, 7))).toEqual([4, 5, 6, 7, 8, 9, 10, 4, 5]);
    expect(() => seasonalNaiveForecast([1, 2], 1, 7)).toThrow(/seasonLength=7/);
  });

  it('per-window baselines read each window’s own history', () => {
    const series = Array.from({ length: 12 }, (_, i) => i * i);
    const w = makeWindows(series, { inputWidth: 4, horizon: 3 });
    const naive = baselineForWindows(w, 'naive');
    const seasonal = baselineForWindows(w, { seasonLength: 2 });
    expect(Array.from(naive.subarray(0, 3))).toEqual([9, 9, 9]);
    expect(Array.from(seasonal.subarray(3, 6))).toEqual([9, 16, 9]); // window 1 is 1,4,9,16
    expect(() => baselineForWindows(w, { seasonLength: 5 })).toThrow(/inputWidth=4/);
  });
});

describe('recurrentForecaster', () => {
  const series = Array.from({ length: 160 }, (_, t) => Math.sin((2 * Math.PI * t) / 8) + 0.5 * Math.sin((2 * Math.PI * t) / 20));

  it('an LSTM forecaster beats the naive baseline on a two-tone signal, two steps ahead', async () => {
    const train = makeWindows(series.slice(0, 120), { inputWidth: 12, horizon: 2 });
    const test = makeWindows(series.slice(100), { inputWidth: 12, horizon: 2 });
    const model = recurrentForecaster({ inputWidth: 12, horizon: 2, units: 16, learningRate: 2e-2, seed: 4 });
    const { xs, ys } = windowsToTensors(train);
    await model.fit(xs, ys, { epochs: 25, batchSize: 64, shuffle: false, verbose: 0 });
    tf.dispose([xs, ys]);
    const predicted = await expectNoLeak(() => forecastWindows(model, test));
    const modelMae = meanAbsoluteError(test.targets, predicted);
    const naiveMae = meanAbsoluteError(test.targets, baselineForWindows(test, 'naive'));
    expect(modelMae).toBeLessThan(0.5 * naiveMae);
    model.dispose();
  });

  it('a stacked GRU forecaster saves and loads with identical forecasts; forecastNext reads the last window', async () => {
    const model = recurrentForecaster({ inputWidth: 6, numFeatures: 2, horizon: 3, cell: 'gru', units: [8, 4], dropout: 0.1, seed: 8 });
    const rows = series.slice(0, 20).map((v, t) => [v, t % 7]);
    const windows = makeWindows(rows, { inputWidth: 6, horizon: 3 });
    const loaded = await roundTrip(model);
    const a = forecastWindows(model, windows);
    const b = forecastWindows(loaded, windows);
    expect(Array.from(b)).toEqual(Array.from(a));
    const next = await expectNoLeak(() => forecastNext(model, rows.slice(0, 14)));
    // window 8 reads steps 8..13, the last six of rows.slice(0, 14)
    expect(Array.from(next)).toEqual(Array.from(a.subarray(8 * 3, 9 * 3)));
    expect(() => forecastWindows(model, makeWindows(series, { inputWidth: 6, horizon: 3 }))).toThrow(ShapeError);
    expect(() => recurrentForecaster({ inputWidth: 4, cell: 'rnn' as never })).toThrow(/cell/);
    model.dispose();
    loaded.dispose();
  });
});
