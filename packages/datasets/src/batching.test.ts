import { beforeAll, describe, expect, test } from 'vitest';
import { initBackend, InvalidArgumentError, tf } from '@deepcourse/backend';
import { expectError } from '../test-support/helpers.js';
import { batches, toTfDataset } from './batching.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe('batches', () => {
  test('cuts in order, with a smaller last batch unless dropRemainder', () => {
    const x = tf.tensor1d([0, 1, 2, 3, 4, 5, 6]);
    const before = tf.memory().numTensors;
    const all = [...batches({ x }, { batchSize: 3 })];
    expect(all.map((b) => Array.from(b.x.dataSync()))).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
    tf.dispose(all);
    const dropped = [...batches({ x }, { batchSize: 3, dropRemainder: true })];
    expect(dropped).toHaveLength(2);
    tf.dispose(dropped);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });

  test('a seeded shuffle visits every sample once, keeping x and y rows together', () => {
    const x = tf.tensor2d(Array.from({ length: 10 }, (_, i) => [i]));
    const y = tf.tensor1d(Array.from({ length: 10 }, (_, i) => 100 + i));
    const seen: number[] = [];
    for (const batch of batches({ x, y }, { batchSize: 4, shuffle: true, seed: 8 })) {
      const xs = Array.from(batch.x.dataSync());
      Array.from(batch.y.dataSync()).forEach((v, k) => expect(v).toBe(100 + (xs[k] as number)));
      seen.push(...xs);
      tf.dispose(batch);
    }
    expect(seen).not.toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect([...seen].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    tf.dispose([x, y]);
  });

  test('a bad batch size is named', async () => {
    const x = tf.tensor1d([1]);
    await expectError(() => [...batches({ x }, { batchSize: 0 })], InvalidArgumentError, 'options.batchSize');
    x.dispose();
  });
});

describe('toTfDataset', () => {
  test('feeds model.fitDataset; every epoch is reshuffled, reproducibly; no tensor leaks', async () => {
    const xs = tf.tensor2d(Array.from({ length: 12 }, (_, i) => [i / 12]));
    const ys = tf.tensor2d(Array.from({ length: 12 }, (_, i) => [2 * (i / 12) + 1]));
    const orders = async (seed: number): Promise<number[][]> => {
      const dataset = toTfDataset({ xs, ys }, { batchSize: 5, seed });
      const epochs: number[][] = [];
      for (let epoch = 0; epoch < 2; epoch++) {
        const order: number[] = [];
        await dataset.forEachAsync((batch) => {
          order.push(...Array.from(batch.xs.dataSync(), (v) => Math.round(v * 12)));
          tf.dispose(batch);
        });
        epochs.push(order);
      }
      return epochs;
    };
    const [first, second] = await orders(5);
    expect(first).toHaveLength(12);
    expect(first).not.toEqual(second);
    expect(await orders(5)).toEqual([first, second]);

    const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1], kernelInitializer: 'zeros' })] });
    model.compile({ optimizer: tf.train.sgd(0.5), loss: 'meanSquaredError' });
    await model.fitDataset(toTfDataset({ xs, ys }, { batchSize: 4, seed: 1 }), { epochs: 1 }); // creates the optimizer's variables
    const before = tf.memory().numTensors;
    const history = await model.fitDataset(toTfDataset({ xs, ys }, { batchSize: 4, seed: 1 }), { epochs: 30, verbose: 0 });
    expect(tf.memory().numTensors).toBe(before);
    const losses = history.history.loss as number[];
    expect(losses.at(-1)).toBeLessThan((losses[0] as number) / 10);
    model.dispose();
    tf.dispose([xs, ys]);
  });
});
