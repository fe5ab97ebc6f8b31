import { tf, historyToJSON, progressReporter } from '@deepcourse/backend';
import { usBirths } from '@deepcourse/datasets/node';
import {
  baselineForWindows,
  fitStandardScaler,
  forecastWindows,
  makeWindows,
  meanAbsoluteError,
  recurrentForecaster,
  windowsToTensors,
} from '@deepcourse/sequence-models';
import type { TopLevelSpec } from 'vega-lite';
import { lineChart } from '../charts.js';
import type { Stage } from '../stage.js';

/** Forecasting a week of US births from the four weeks before, against the seasonal-naive baseline. */
export const forecastStage: Stage = {
  id: 'forecast',
  title: 'Forecasting: a week of US births with an LSTM',
  summary: 'Daily US births are scaled and cut into windows (28 days in, 7 days out); an LSTM forecaster is trained on earlier years and compared on the held-out last year with the seasonal-naive baseline ("same weekday last week").',
  async run({ options, seeds, chart, log }) {
    const { births, dates } = usBirths();
    const inputWidth = 28;
    const horizon = 7;
    const testDays = 365;
    const testStart = births.length - testDays;
    // Quick mode trains on the 3 years before the test year; the full run on all 9.
    const trainStart = options.quick ? testStart - 3 * 365 : 0;
    const trainValues = births.slice(trainStart, testStart);
    const scaler = fitStandardScaler(trainValues);
    const scaled = scaler.transform(births);
    const trainWindows = makeWindows(scaled.subarray(trainStart, testStart), { inputWidth, horizon });
    // Test windows read the 28 days before each target, so their targets all lie in the last year.
    const testOffset = testStart - inputWidth;
    const testWindows = makeWindows(scaled.subarray(testOffset), { inputWidth, horizon });

    const model = recurrentForecaster({ inputWidth, horizon, cell: 'lstm', units: 32, learningRate: 5e-3, seed: seeds.next() });
    const { xs, ys } = windowsToTensors(trainWindows);
    const epochs = options.quick ? 12 : 25;
    log(`training on ${trainWindows.count} windows`);
    const history = await model.fit(xs, ys, { epochs, batchSize: 64, verbose: 0, shuffle: true, callbacks: [progressReporter({ label: 'LSTM forecaster' })] });
    tf.dispose([xs, ys]);

    const actual = scaler.inverse(testWindows.targets);
    const predicted = scaler.inverse(forecastWindows(model, testWindows));
    const naive = scaler.inverse(baselineForWindows(testWindows, { seasonLength: 7 }));
    model.optimizer?.dispose();
    model.dispose();
    const maeModel = meanAbsoluteError(actual, predicted);
    const maeNaive = meanAbsoluteError(actual, naive);

    // The last 8 weeks as 8 consecutive 7-day forecasts (non-overlapping windows).
    const weeks = 8;
    const rows: { date: string; series: string; births: number }[] = [];
    for (let w = 0; w < weeks; w++) {
      const seriesStart = births.length - (weeks - w) * horizon; // first target day of this forecast
      const k = seriesStart - testOffset - inputWidth; // window index (stride 1)
      if (testWindows.targetStarts[k] !== seriesStart - testOffset) throw new Error(`window ${k} does not start at day ${seriesStart}`);
      for (let h = 0; h < horizon; h++) {
        const date = dates[seriesStart + h]!;
        rows.push({ date, series: 'actual', births: births[seriesStart + h]! });
        rows.push({ date, series: 'LSTM', births: Math.round(predicted[k * horizon + h]!) });
        rows.push({ date, series: 'seasonal naive', births: Math.round(naive[k * horizon + h]!) });
      }
    }
    const spec: TopLevelSpec = {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      width: 560,
      height: 260,
      data: { values: rows },
      mark: { type: 'line', point: true },
      encoding: {
        x: { field: 'date', type: 'temporal', title: null },
        y: { field: 'births', type: 'quantitative', scale: { zero: false } },
        color: { field: 'series', type: 'nominal', title: null, sort: ['actual', 'LSTM', 'seasonal naive'] },
        strokeDash: { field: 'series', type: 'nominal', title: null, sort: ['actual', 'LSTM', 'seasonal naive'] },
      },
    };
    await chart('last-weeks', spec, 'The last 8 weeks of 2003: actual births and 7-day forecasts', 'each week is forecast from the 28 days before it; seasonal naive repeats the previous week');
    await chart('loss', lineChart({ 'training loss (MSE, scaled)': historyToJSON(history).metrics.loss ?? [] }, { x: 'epoch', y: 'loss' }), 'Forecaster training loss');

    return {
      metrics: {
        'train windows': trainWindows.count,
        'test windows': testWindows.count,
        epochs,
        'MAE LSTM (births/day)': maeModel,
        'MAE seasonal naive (births/day)': maeNaive,
        'MAE ratio LSTM / seasonal naive': maeModel / maeNaive,
      },
      figures: [],
      notes: [
        `On the held-out last year (${dates[testStart]} to ${dates.at(-1)}), the LSTM's 7-day forecasts are off by ${maeModel.toFixed(0)} births a day on average, seasonal naive by ${maeNaive.toFixed(0)}; a ratio below 1 means the network beats "same weekday last week".`,
      ],
    };
  },
};
