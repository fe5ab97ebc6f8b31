import { beforeAll, describe, expect, test } from 'vitest';
import { tf } from './tf.js';
import { earlyStopping, historyToJSON, nanGuard } from './callbacks.js';
import { NonFiniteLossError, InvalidArgumentError } from './errors.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** A callback that replays a scripted `val_loss` per epoch and snapshots weights. */
function scripted(model: tf.LayersModel, valLosses: number[], snapshots: number[][]) {
  return new tf.CustomCallback({
    onEpochEnd: async (epoch, logs) => {
      if (logs) logs.val_loss = valLosses[epoch] as number;
      snapshots.push(Array.from(model.getWeights()[0]!.dataSync()));
    },
  });
}

describe('earlyStopping', () => {
  test('stops after `patience` epochs without improvement and restores the best epoch', async () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1], kernelInitializer: 'ones' })] });
    model.compile({ optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError' });
    const x = tf.tensor2d([[1], [2]]);
    const y = tf.tensor2d([[3], [5]]);
    const snapshots: number[][] = [];
    const stopper = earlyStopping({ monitor: 'val_loss', patience: 2 });
    const tensorsBefore = tf.memory().numTensors;
    // Scripted before the stopper in the list, so the stopper sees the scripted value.
    const history = await model.fit(x, y, { epochs: 10, verbose: 0, callbacks: [scripted(model, [5, 3, 4, 3.5, 1], snapshots), stopper] });
    expect(history.epoch).toEqual([0, 1, 2, 3]);
    expect(stopper.bestEpoch).toBe(1);
    expect(stopper.stoppedEpoch).toBe(3);
    expect(Array.from(model.getWeights()[0]!.dataSync())).toEqual(snapshots[1]);
    expect(snapshots[3]).not.toEqual(snapshots[1]);
    // The best-weights copies are released when training ends.
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    tf.dispose([x, y]); model.dispose();
  });

  test("'auto' mode maximises accuracy names; a missing monitor is a clear error", async () => {
    expect(earlyStopping({ monitor: 'val_acc' }).mode).toBe('max');
    expect(earlyStopping({ monitor: 'loss' }).mode).toBe('min');
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1] })] });
    model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    const x = tf.ones([2, 1]);
    const error = await model.fit(x, x, { epochs: 1, verbose: 0, callbacks: [earlyStopping()] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as Error).message).toContain('val_loss');
    tf.dispose([x]); model.dispose();
  });
});

describe('nanGuard', () => {
  test('stops with an error naming the epoch and batch where the loss became NaN', async () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1] })] });
    model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    // The third sample (second batch of 2) carries NaN.
    const x = tf.tensor2d([[1], [2], [Number.NaN], [4]]);
    const y = tf.tensor2d([[1], [2], [3], [4]]);
    const error = await model.fit(x, y, { epochs: 1, batchSize: 2, shuffle: false, verbose: 0, callbacks: [nanGuard()] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NonFiniteLossError);
    expect(error).toMatchObject({ epoch: 0, batch: 1 });
    expect((error as Error).message).toContain('epoch 1, batch 2');
    // The model is usable again afterwards.
    const ok = tf.ones([2, 1]);
    await expect(model.fit(ok, ok, { epochs: 1, verbose: 0 })).resolves.toBeDefined();
    tf.dispose([x, y, ok]); model.dispose();
  });
});

describe('historyToJSON', () => {
  test('keeps epochs and every metric as plain numbers', async () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1], kernelInitializer: 'zeros', useBias: false })] });
    model.compile({ optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError' });
    const x = tf.tensor2d([[1]]);
    const y = tf.tensor2d([[2]]);
    const json = historyToJSON(await model.fit(x, y, { epochs: 2, verbose: 0 }));
    // w=0: loss 4; one SGD step w += 0.1*2*(2-0)*1 = 0.4: loss (2-0.4)^2 = 2.56.
    expect(json.epochs).toEqual([0, 1]);
    expect(json.metrics.loss?.[0]).toBeCloseTo(4, 5);
    expect(json.metrics.loss?.[1]).toBeCloseTo(2.56, 5);
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
    tf.dispose([x, y]); model.dispose();
  });
});
