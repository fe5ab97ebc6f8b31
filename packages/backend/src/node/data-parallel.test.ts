import { beforeAll, describe, expect, test } from 'vitest';
import { tf } from '../tf.js';
import { InvalidArgumentError } from '../errors.js';
import { DataParallelError, dataParallelWorker, isDataParallelWorker, runDataParallel, shardOf } from './data-parallel.js';
import { alternatingSteps, BATCH, buildModel, EXAMPLES, examples, optimizer, secondModel, weightNames, type Kind, type WorkerReport } from './data-parallel.test-worker.js';

const worker = new URL('./data-parallel.test-worker.ts', import.meta.url);
const execArgv = ['--conditions=@deepcourse/source'];
const SEED = 5;

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Single-process training on the union of the workers' batches: worker 0's batch i, then worker 1's. */
async function reference(kind: Kind): Promise<{ names: string[]; weights: number[][] }> {
  const { x, y } = examples();
  const shards = [0, 1].map((rank) => Array.from(shardOf(EXAMPLES, SEED, rank, 2)));
  const order: number[] = [];
  for (let b = 0; b < EXAMPLES / 2; b += BATCH) for (const shard of shards) order.push(...shard.slice(b, b + BATCH));
  const model = buildModel(kind);
  model.compile({ optimizer: optimizer(), loss: 'categoricalCrossentropy' });
  const xs = tf.tensor2d(order.map((i) => x[i]!));
  const ys = tf.tensor2d(order.map((i) => y[i]!));
  await model.fit(xs, ys, { batchSize: 2 * BATCH, epochs: 3, shuffle: false, verbose: 0 });
  const weights = model.getWeights().map((w) => Array.from(w.dataSync()));
  const names = weightNames(model);
  tf.dispose([xs, ys]);
  model.dispose();
  return { names, weights };
}

function maxDifference(a: number[][], b: number[][]): number {
  expect(a.map((w) => w.length)).toEqual(b.map((w) => w.length));
  return Math.max(...a.flatMap((w, i) => w.map((v, j) => Math.abs(v - b[i]![j]!))));
}

describe('runDataParallel', () => {
  test('two workers take the steps of one process training on both batches at once', async () => {
    const reports = (await runDataParallel<WorkerReport>(worker, { workers: 2, data: { kind: 'dense', seed: SEED }, execArgv })) as WorkerReport[];
    const expected = await reference('dense');
    // 6 Adam steps: a worker that applied its own gradient would end far from the one-process weights.
    expect(maxDifference(reports[0]!.weights, expected.weights)).toBeLessThan(1e-5);
    expect(reports[1]!.weights).toEqual(reports[0]!.weights);
    const initial = buildModel('dense');
    expect(maxDifference(initial.getWeights().map((w) => Array.from(w.dataSync())), expected.weights)).toBeGreaterThan(0.05);
    initial.dispose();
    expect(reports.map((r) => r.leaked)).toEqual([0, 0]);
  }, 60_000);

  test('batch-norm moving statistics are averaged: equal across workers and equal to the one-process statistics', async () => {
    const reports = (await runDataParallel<WorkerReport>(worker, { workers: 2, data: { kind: 'batchnorm', seed: SEED }, execArgv })) as WorkerReport[];
    expect(reports[1]!.weights).toEqual(reports[0]!.weights);
    // With the normalisation first, its moving mean depends on the data only: the average of the two workers'
    // updates from half-batch means is the update from the full-batch mean.
    const expected = await reference('batchnorm');
    expect(reports[0]!.names).toEqual(expected.names);
    const at = expected.names.indexOf('moving_mean');
    const movingMean = reports[0]!.weights[at]!;
    movingMean.forEach((v, i) => expect(v).toBeCloseTo(expected.weights[at]![i]!, 5));
    expect(Math.max(...movingMean.map(Math.abs))).toBeGreaterThan(0.1);
  }, 60_000);

  test('several optimizers per worker, stepped by hand, each average their own gradients', async () => {
    const reports = (await runDataParallel<WorkerReport>(worker, { workers: 2, data: { kind: 'two-optimizers', seed: SEED }, execArgv })) as WorkerReport[];
    // One process on the union of each step's two half-batches, as in `reference`.
    const { x, y } = examples();
    const shards = [0, 1].map((rank) => Array.from(shardOf(EXAMPLES, SEED, rank, 2)));
    const batches: [tf.Tensor, tf.Tensor][] = [];
    for (let epoch = 0; epoch < 3; epoch++) {
      for (let b = 0; b < EXAMPLES / 2; b += BATCH) {
        const ids = shards.flatMap((shard) => shard.slice(b, b + BATCH));
        batches.push([tf.tensor2d(ids.map((k) => x[k]!)), tf.tensor2d(ids.map((k) => y[k]!))]);
      }
    }
    const [a, b] = [buildModel('dense'), secondModel()];
    const optimizers: [tf.Optimizer, tf.Optimizer] = [optimizer(), optimizer()];
    alternatingSteps(a, b, optimizers, batches);
    const expected = [...a.getWeights(), ...b.getWeights()].map((w) => Array.from(w.dataSync()));
    tf.dispose(batches.flat());
    a.dispose();
    b.dispose();
    optimizers.forEach((o) => o.dispose());
    expect(maxDifference(reports[0]!.weights, expected)).toBeLessThan(1e-5);
    expect(reports[1]!.weights).toEqual(reports[0]!.weights);
    expect(reports.map((r) => r.leaked)).toEqual([0, 0]);
  }, 60_000);

  test('a failing worker rejects the run, naming it, and stops the one waiting for it', async () => {
    await expect(runDataParallel(worker, { workers: 2, data: { kind: 'fail', seed: SEED }, execArgv })).rejects.toThrow(
      new DataParallelError('worker 1 failed: worker 1 breaks on purpose'),
    );
  }, 60_000);

  test('workers whose models differ are an error, not a silent mix', async () => {
    await expect(runDataParallel(worker, { workers: 2, data: { kind: 'mismatch', seed: SEED }, execArgv })).rejects.toThrow(/worker \d synchronises \d+ values per step with optimizer 0, worker \d \d+: every worker must build the same model/);
  }, 60_000);

  test('bad arguments and use outside a worker are typed errors', async () => {
    await expect(runDataParallel(worker, { workers: 0 })).rejects.toThrow(new InvalidArgumentError('workers', 'a positive integer', 0));
    expect(() => dataParallelWorker()).toThrow(DataParallelError);
    expect(isDataParallelWorker()).toBe(false);
    expect(() => shardOf(1, 1, 0, 2)).toThrow(InvalidArgumentError);
  });
});

describe('shardOf', () => {
  test('splits one seeded permutation into disjoint parts that cover every example', () => {
    const parts = [0, 1, 2].map((rank) => Array.from(shardOf(10, 3, rank, 3)));
    expect(parts.map((p) => p.length)).toEqual([3, 3, 4]);
    expect(parts.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: 10 }, (_, i) => i));
    expect(parts.flat()).not.toEqual(Array.from({ length: 10 }, (_, i) => i));
    expect(Array.from(shardOf(10, 3, 1, 3))).toEqual(parts[1]);
    expect(Array.from(shardOf(10, 4, 1, 3))).not.toEqual(parts[1]);
  });
});
