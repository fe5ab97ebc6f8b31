// Benchmarks of @deepcourse/sequence-models on real data that installs with the project:
//   SpamAssassin e-mails: LSTM and Transformer classifiers (target: >= 97% test accuracy)
//   Daily US births 1994-2003: LSTM forecaster vs weekly seasonal-naive on the held-out last year (target: MAE <= 0.8x)
//   Training and inference throughput of the LSTM and Transformer classifiers on the cpu and wasm backends
// Run: pnpm bench  (BENCH_QUICK=1 for a fast smoke run on subsets; not comparable to the targets)
// Knobs: BENCH_ONLY=spam,births,throughput (or spam-transformer / spam-lstm), BENCH_SEQUENCE_LENGTH (150),
//        BENCH_SPAM_EPOCHS (6), BENCH_BIRTHS_EPOCHS (60, with early stopping), BENCH_BIRTHS_INPUT_WIDTH (28),
//        BENCH_BIRTHS_LEARNING_RATE (2e-3), BENCH_BACKEND (wasm; backend of the spam and births benchmarks),
//        BENCH_SPAM_LSTM_CELL (bidirectional-lstm, or lstm)
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { earlyStopping, initBackend, progressReporter, tf, type BackendName } from '@deepcourse/backend';
import {
  baselineForWindows,
  fitStandardScaler,
  forecastWindows,
  makeWindows,
  meanAbsoluteError,
  meanAbsolutePercentageError,
  recurrentForecaster,
  recurrentTextClassifier,
  rootMeanSquaredError,
  tokenIdTensor,
  transformerClassifier,
  type SeriesWindows,
} from '../src/index.js';
import { loadSpamSplit, type SpamSplit } from './spam-data.js';
import { birthFeatures, loadBirths } from './births-data.js';

const QUICK = process.env['BENCH_QUICK'] === '1';
const SEQUENCE_LENGTH = Number(process.env['BENCH_SEQUENCE_LENGTH'] ?? 150);
const SPAM_EPOCHS = Number(process.env['BENCH_SPAM_EPOCHS'] ?? 6);
const BIRTHS_EPOCHS = Number(process.env['BENCH_BIRTHS_EPOCHS'] ?? 60);
const BIRTHS_INPUT_WIDTH = Number(process.env['BENCH_BIRTHS_INPUT_WIDTH'] ?? 28);
const BIRTHS_LEARNING_RATE = Number(process.env['BENCH_BIRTHS_LEARNING_RATE'] ?? 2e-3);
// Backend of the accuracy benchmarks (spam, births); throughput always measures cpu and wasm.
const BACKEND = (process.env['BENCH_BACKEND'] ?? 'wasm') as BackendName;
const SPAM_LSTM_CELL = (process.env['BENCH_SPAM_LSTM_CELL'] ?? 'bidirectional-lstm') as 'lstm' | 'bidirectional-lstm';
const here = dirname(fileURLToPath(import.meta.url));

interface Row {
  benchmark: string;
  metric: string;
  value: number;
  target?: string;
  pass?: boolean;
  seconds?: number;
  note?: string;
}
const rows: Row[] = [];
function record(row: Row): void {
  rows.push(row);
  console.log(`RESULT ${JSON.stringify(row)}`);
}
const started = Date.now();

function seconds(since: number): number {
  return Math.round((Date.now() - since) / 100) / 10;
}

function subset<T>(items: T[], n: number): T[] {
  return QUICK ? items.slice(0, n) : items;
}

async function accuracyOn(model: tf.LayersModel, ids: number[][], labels: number[]): Promise<number> {
  return tf.tidy(() => {
    const xs = tokenIdTensor(ids, { sequenceLength: SEQUENCE_LENGTH });
    const predicted = (model.predict(xs, { batchSize: 256 }) as tf.Tensor).dataSync();
    let correct = 0;
    labels.forEach((y, i) => (correct += Number((predicted[i] as number) > 0.5) === y ? 1 : 0));
    return correct / labels.length;
  });
}

function spamModel(kind: 'lstm' | 'transformer', vocabSize: number, seed: number): tf.LayersModel {
  return kind === 'lstm'
    ? recurrentTextClassifier({ vocabSize, sequenceLength: SEQUENCE_LENGTH, cell: SPAM_LSTM_CELL, embeddingDim: 64, units: 64, dropout: 0.2, learningRate: 2e-3, seed })
    : transformerClassifier({ vocabSize, sequenceLength: SEQUENCE_LENGTH, embeddingDim: 32, numHeads: 2, feedForwardDim: 64, dropout: 0.1, learningRate: 1e-3, seed });
}

async function spamBenchmark(split: SpamSplit, kind: 'lstm' | 'transformer', epochs: number): Promise<void> {
  const t0 = Date.now();
  const trainIds = subset(split.train.ids, 600);
  const trainLabels = subset(split.train.labels, 600);
  const model = spamModel(kind, split.vocabSize, 7);
  const xs = tokenIdTensor(trainIds, { sequenceLength: SEQUENCE_LENGTH });
  const ys = tf.tensor2d(trainLabels, [trainLabels.length, 1]);
  const stopper = earlyStopping({ monitor: 'val_acc', patience: 2, restoreBestWeights: true });
  const fitStarted = Date.now();
  const history = await model.fit(xs, ys, {
    epochs,
    batchSize: 64,
    validationSplit: 0.1,
    callbacks: [progressReporter({ mode: 'lines', label: `spam ${kind}` }), stopper],
  });
  const secondsPerEpoch = (Date.now() - fitStarted) / 1000 / history.epoch.length;
  tf.dispose([xs, ys]);
  const accuracy = await accuracyOn(model, split.test.ids, split.test.labels);
  record({
    benchmark: `SpamAssassin ${kind === 'lstm' ? 'LSTM' : 'Transformer'}`,
    metric: 'test accuracy',
    value: accuracy,
    target: '>= 0.97',
    pass: accuracy >= 0.97,
    seconds: seconds(t0),
    note: `${kind === 'lstm' ? `${SPAM_LSTM_CELL}, ` : ''}${BACKEND}; ${trainIds.length} train / ${split.test.ids.length} test e-mails, best epoch ${stopper.bestEpoch + 1} of ${stopper.stoppedEpoch >= 0 ? stopper.stoppedEpoch + 1 : epochs}, ${secondsPerEpoch.toFixed(1)} s per epoch (with validation)`,
  });
  model.dispose();
}

async function birthsBenchmark(): Promise<void> {
  const t0 = Date.now();
  const days = loadBirths();
  const testStart = days.findIndex((d) => d.year === 2003);
  const trainBirths = days.slice(0, testStart).map((d) => d.births);
  const scaler = fitStandardScaler(trainBirths);
  const inputWidth = BIRTHS_INPUT_WIDTH;
  const horizon = 7;
  // Calendar features of each input day and of the day `horizon` later: the last `horizon` rows of a window
  // carry the calendar (weekday, day of year, holidays) of the days to predict, which is known in advance.
  const features = birthFeatures(days, scaler.transform(days.map((d) => d.births)), horizon);
  const all = makeWindows(features, { inputWidth, horizon });
  // Training windows end before 2003; test windows predict days of 2003 only (the held-out last year).
  const pick = (keep: (targetStart: number) => boolean): SeriesWindows => {
    const index = Array.from(all.targetStarts.keys()).filter((i) => keep(all.targetStarts[i] as number));
    const inputSize = inputWidth * all.numFeatures;
    return {
      ...all,
      count: index.length,
      inputs: Float32Array.from(index.flatMap((i) => Array.from(all.inputs.subarray(i * inputSize, (i + 1) * inputSize)))),
      targets: Float32Array.from(index.flatMap((i) => Array.from(all.targets.subarray(i * horizon, (i + 1) * horizon)))),
      targetStarts: Int32Array.from(index.map((i) => all.targetStarts[i] as number)),
    };
  };
  const train = pick((s) => s + horizon <= testStart);
  const test = pick((s) => s >= testStart);
  const model = recurrentForecaster({ inputWidth, numFeatures: all.numFeatures, horizon, cell: 'lstm', units: [64], learningRate: BIRTHS_LEARNING_RATE, loss: 'meanAbsoluteError', seed: 11 });
  const xs = tf.tensor3d(train.inputs, [train.count, inputWidth, train.numFeatures]);
  const ys = tf.tensor2d(train.targets, [train.count, horizon]);
  await model.fit(xs, ys, {
    epochs: QUICK ? 2 : BIRTHS_EPOCHS,
    batchSize: 64,
    validationSplit: 0.1,
    shuffle: true,
    callbacks: [progressReporter({ mode: 'lines', label: 'births LSTM' }), earlyStopping({ monitor: 'val_loss', patience: 8, restoreBestWeights: true })],
  });
  tf.dispose([xs, ys]);
  const unscale = (v: Float32Array) => scaler.inverse(v);
  const actual = unscale(test.targets);
  const predicted = unscale(forecastWindows(model, test));
  const seasonal = unscale(baselineForWindows(test, { seasonLength: 7 }));
  const naive = unscale(baselineForWindows(test, 'naive'));
  const lstmMae = meanAbsoluteError(actual, predicted);
  const seasonalMae = meanAbsoluteError(actual, seasonal);
  const firstStep = (v: Float32Array) => v.filter((_, i) => i % horizon === 0);
  record({
    benchmark: 'US births 2003, 7 days ahead',
    metric: 'LSTM MAE / seasonal-naive MAE',
    value: lstmMae / seasonalMae,
    target: '<= 0.8',
    pass: lstmMae / seasonalMae <= 0.8,
    seconds: seconds(t0),
    note: `${test.count} test windows; LSTM MAE ${lstmMae.toFixed(0)}, RMSE ${rootMeanSquaredError(actual, predicted).toFixed(0)}, MAPE ${meanAbsolutePercentageError(actual, predicted).toFixed(2)}%; seasonal-naive MAE ${seasonalMae.toFixed(0)}; naive MAE ${meanAbsoluteError(actual, naive).toFixed(0)}`,
  });
  record({
    benchmark: 'US births 2003, 1 day ahead',
    metric: 'LSTM MAE / seasonal-naive MAE',
    value: meanAbsoluteError(firstStep(actual), firstStep(predicted)) / meanAbsoluteError(firstStep(actual), firstStep(seasonal)),
    note: `LSTM MAE ${meanAbsoluteError(firstStep(actual), firstStep(predicted)).toFixed(0)}, seasonal-naive MAE ${meanAbsoluteError(firstStep(actual), firstStep(seasonal)).toFixed(0)}`,
  });
  model.dispose();
}

async function throughput(split: SpamSplit, backend: BackendName): Promise<void> {
  try {
    await initBackend({ backend, seed: 1 });
  } catch (error) {
    record({ benchmark: `throughput on ${backend}`, metric: 'unavailable', value: Number.NaN, note: (error as Error).message });
    return;
  }
  const n = QUICK ? 128 : 512;
  const xs = tokenIdTensor(split.train.ids.slice(0, n), { sequenceLength: SEQUENCE_LENGTH });
  const ys = tf.tensor2d(split.train.labels.slice(0, n), [n, 1]);
  for (const kind of ['lstm', 'transformer'] as const) {
    const name = kind === 'lstm' ? `LSTM (${SPAM_LSTM_CELL})` : 'Transformer';
    const model = spamModel(kind, split.vocabSize, 3);
    try {
      // One warm-up batch compiles kernels and creates the optimizer state.
      await model.fit(xs.slice(0, 64), ys.slice(0, 64), { epochs: 1, batchSize: 64, verbose: 0 });
      let t0 = performance.now();
      await model.fit(xs, ys, { epochs: 1, batchSize: 64, verbose: 0 });
      const trainRate = n / ((performance.now() - t0) / 1000);
      t0 = performance.now();
      tf.tidy(() => (model.predict(xs, { batchSize: 128 }) as tf.Tensor).dataSync());
      const inferRate = n / ((performance.now() - t0) / 1000);
      record({ benchmark: `${name} classifier on ${backend}`, metric: 'training e-mails/s', value: trainRate, note: `${SEQUENCE_LENGTH} tokens, batch 64` });
      record({ benchmark: `${name} classifier on ${backend}`, metric: 'inference e-mails/s', value: inferRate, note: `${SEQUENCE_LENGTH} tokens, batch 128` });
    } catch (error) {
      record({ benchmark: `${name} classifier on ${backend}`, metric: 'training e-mails/s', value: Number.NaN, note: `failed: ${(error as Error).message.split('\n')[0]}` });
    }
    model.dispose();
  }
  tf.dispose([xs, ys]);
}

async function main(): Promise<void> {
  const selection = await initBackend({ backend: BACKEND, seed: 1 });
  console.log(`backend: ${selection.backend} (${selection.reason})${QUICK ? ' — QUICK smoke run, figures not comparable to targets' : ''}`);
  const only = (process.env['BENCH_ONLY'] ?? 'spam,births,throughput').split(',');
  const split = loadSpamSplit({ maxVocab: 20000, sequenceLength: SEQUENCE_LENGTH, seed: 1 });
  console.log(
    `SpamAssassin: ${split.counts.total} distinct e-mails (${split.counts.spam} spam, ${split.counts.ham} ham; ${split.counts.duplicatesDropped} duplicates dropped), vocabulary ${split.vocabSize}`,
  );
  if (only.includes('spam') || only.includes('spam-transformer')) await spamBenchmark(split, 'transformer', QUICK ? 1 : SPAM_EPOCHS);
  if (only.includes('births')) await birthsBenchmark();
  if (only.includes('spam') || only.includes('spam-lstm')) await spamBenchmark(split, 'lstm', QUICK ? 1 : SPAM_EPOCHS);
  if (only.includes('throughput')) {
    // (throughput switches backends; the accuracy benchmarks above ran on BENCH_BACKEND)
    await throughput(split, 'cpu');
    await throughput(split, 'wasm');
  }

  const table = rows.map((r) => ({
    benchmark: r.benchmark,
    metric: r.metric,
    value: Number.isNaN(r.value) ? '—' : r.value >= 100 ? r.value.toFixed(0) : r.value.toFixed(4),
    target: r.target ?? '',
    pass: r.pass === undefined ? '' : r.pass ? 'yes' : 'NO',
    seconds: r.seconds ?? '',
    note: r.note ?? '',
  }));
  console.table(table);
  const out = join(here, '..', 'bench-results', QUICK ? 'sequence-models-quick.json' : 'sequence-models.json');
  await mkdir(dirname(out), { recursive: true });
  await writeFile(
    out,
    JSON.stringify({ date: new Date().toISOString(), node: process.version, backend: BACKEND, quick: QUICK, totalSeconds: seconds(started), results: rows }, null, 2),
  );
  console.log(`wrote ${out} (${seconds(started)} s)`);
}

await main();
