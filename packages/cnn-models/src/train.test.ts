import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getLearningRate, initBackend, InvalidArgumentError, ShapeError, tf } from '@deepcourse/backend';
import { evaluateClassifier } from './evaluate.js';
import { mlp } from './models/mlp.js';
import { expectNoLeak, loadMnistDigits } from './test-utils.js';
import { cosineDecay, stepDecay, trainClassifier } from './train.js';

let train: ReturnType<typeof loadMnistDigits>;
let test: ReturnType<typeof loadMnistDigits>;
const quiet = { progress: false } as const;

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
  train = loadMnistDigits(60); // 600 real digits
  test = loadMnistDigits(20, 800); // 200 others
});

afterAll(() => {
  tf.dispose([train, test]);
});

describe('trainClassifier', () => {
  it('an MLP on 600 real digits beats chance (10%) by far, without leaking tensors', async () => {
    const model = mlp({ hiddenUnits: [64], seed: 1 });
    await trainClassifier(model, train, { epochs: 1, batchSize: 32, seed: 1, ...quiet });
    // The optimizer's state exists after the first call; a second call adds no tensor.
    const result = await expectNoLeak(() => trainClassifier(model, train, { epochs: 3, batchSize: 32, seed: 11, compile: false, ...quiet }));
    expect(result.epochsRun).toBe(3);
    expect(result.history.metrics.loss!.length).toBe(3);
    expect(Object.keys(result.history.metrics).sort()).toEqual(['acc', 'loss']);
    expect(result.history.metrics.loss![2]!).toBeLessThan(result.history.metrics.loss![0]!);
    const evaluation = await evaluateClassifier(model, test);
    expect(evaluation.accuracy).toBeGreaterThan(0.7);
    model.dispose();
  });

  it('the same seed trains to the same weights, dropout included; another seed does not', async () => {
    const run = async (trainSeed: number) => {
      const model = mlp({ hiddenUnits: [16], dropout: 0.5, seed: 4 });
      await trainClassifier(model, train, { epochs: 1, batchSize: 100, seed: trainSeed, ...quiet });
      const w = Array.from(model.getWeights()[0]!.dataSync());
      model.dispose();
      return w;
    };
    const random = Math.random;
    const a = await run(9);
    const b = await run(9);
    const c = await run(10);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(Math.random).toBe(random);
  });

  it('validationSplit holds out the last fraction; early stopping restores the best epoch', async () => {
    const model = mlp({ hiddenUnits: [32], seed: 5 });
    const result = await trainClassifier(model, train, {
      epochs: 6,
      seed: 5,
      validationSplit: 0.2,
      // A huge rate from epoch 2 on makes validation loss worse, so epoch 1 stays the best.
      optimizer: 'sgd',
      learningRateSchedule: (epoch) => (epoch === 0 ? 0.1 : 40),
      earlyStopping: { patience: 2 },
      ...quiet,
    });
    expect(result.history.metrics.val_loss).toBeDefined();
    expect(result.history.metrics.lr).toEqual(result.history.metrics.lr!.map((_, i) => (i === 0 ? 0.1 : 40)));
    expect(result.bestEpoch).toBe(0);
    expect(result.stoppedEpoch).toBe(2);
    expect(result.epochsRun).toBe(3);
    // The weights are epoch 1's: evaluating the held-out part gives epoch 1's val_loss.
    const heldOut = { images: train.images.slice(480, 120), labels: train.labels.slice(480, 120) };
    const evaluation = await evaluateClassifier(model, heldOut);
    expect(evaluation.loss).toBeCloseTo(result.history.metrics.val_loss![0]!, 4);
    tf.dispose(heldOut);
    model.dispose();
  });

  it('a schedule changes the optimizer rate each epoch (SGD rate 0 leaves the weights alone)', async () => {
    const model = mlp({ inputShape: [784], hiddenUnits: [8], seed: 6 });
    const flat = { inputs: train.images.reshape([600, 784]), labels: train.labels };
    await trainClassifier(model, flat, { epochs: 1, optimizer: 'sgd', learningRate: 0.1, seed: 6, ...quiet });
    const before = model.getWeights().map((w) => Array.from(w.dataSync()));
    const result = await trainClassifier(model, flat, { epochs: 2, seed: 6, compile: false, learningRateSchedule: () => 0, ...quiet });
    expect(result.history.metrics.lr).toEqual([0, 0]);
    expect(getLearningRate(model.optimizer)).toBe(0);
    expect(model.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(before);
    expect(stepDecay(0.1, 0.5, 2)(5, 0)).toBeCloseTo(0.025, 10);
    tf.dispose(flat.inputs);
    model.dispose();
  });

  it('cosineDecay follows half a cosine from lr0 to the final rate (hand values)', () => {
    const schedule = cosineDecay(0.1, 4);
    expect([0, 1, 2, 3, 4, 7].map((e) => schedule(e, 0))).toEqual([0.1, 0.05 * (1 + Math.SQRT1_2), 0.05, 0.05 * (1 - Math.SQRT1_2), 0, 0].map((v) => expect.closeTo(v, 12)));
    expect(cosineDecay(1e-3, 2, 1e-4)(1, 0)).toBeCloseTo(5.5e-4, 12);
    expect(() => cosineDecay(0.1, 0)).toThrow(/epoch count/);
    expect(() => cosineDecay(0.1, 3, 0.2)).toThrow(InvalidArgumentError);
  });

  it('calls the augmentation hook once per batch with a fresh seed and trains on its output', async () => {
    const seen: number[] = [];
    const model = mlp({ hiddenUnits: [8], seed: 7 });
    await trainClassifier(model, train, {
      epochs: 2,
      batchSize: 200,
      seed: 7,
      augment: (batch, seed) => {
        seen.push(seed);
        expect(batch.shape).toEqual([200, 28, 28, 1]);
        return batch.mul(0); // blank images: the model can learn nothing from the pixels
      },
      ...quiet,
    });
    expect(seen.length).toBe(6);
    expect(new Set(seen).size).toBe(6);
    const evaluation = await evaluateClassifier(model, test);
    expect(evaluation.accuracy).toBeLessThan(0.2);
    model.dispose();
  });

  it('labelSmoothing trains on (1 - e) one-hot + e / K: validation loss matches a hand computation', async () => {
    const epsilon = 0.2;
    const before = tf.memory().numTensors;
    const model = mlp({ hiddenUnits: [16], seed: 12 });
    const result = await trainClassifier(model, train, { epochs: 1, batchSize: 100, seed: 12, labelSmoothing: epsilon, validationData: test, ...quiet });
    const p = tf.tidy(() => (model.predict(test.images) as tf.Tensor2D).arraySync());
    const ids = (test.labels as tf.Tensor).arraySync() as number[];
    // Cross-entropy against the smoothed targets, averaged over the test images.
    const handLoss = p.reduce((sum, row, i) => sum - row.reduce((s, q, k) => s + ((k === ids[i] ? 1 - epsilon : 0) + epsilon / 10) * Math.log(q), 0), 0) / p.length;
    const plainLoss = p.reduce((sum, row, i) => sum - Math.log(row[ids[i]!]!), 0) / p.length;
    expect(result.history.metrics.val_loss![0]!).toBeCloseTo(handLoss, 4);
    expect(Math.abs(handLoss - plainLoss)).toBeGreaterThan(0.005); // 100x the tolerance above: the two are told apart
    // Accuracy still compares with the one-hot labels.
    const accuracy = p.filter((row, i) => row.indexOf(Math.max(...row)) === ids[i]).length / p.length;
    expect(result.history.metrics.val_acc![0]!).toBeCloseTo(accuracy, 5);
    model.dispose(); // with the optimizer made for it: nothing of the smoothed loss is left behind
    expect(tf.memory().numTensors).toBe(before);
  });

  it('labelSmoothing on one sigmoid unit smooths towards 1/2, as Keras does', async () => {
    const epsilon = 0.3;
    const input = tf.input({ shape: [28, 28, 1] });
    const output = tf.layers.dense({ units: 1, activation: 'sigmoid', kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }).apply(tf.layers.flatten().apply(input)) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: output });
    const odd = (t: tf.Tensor) => (t.arraySync() as number[]).map((d) => d % 2);
    const binaryTrain = { images: train.images, labels: odd(train.labels as tf.Tensor) };
    const binaryTest = { images: test.images, labels: odd(test.labels as tf.Tensor) };
    const result = await trainClassifier(model, binaryTrain, { epochs: 1, batchSize: 100, seed: 3, labelSmoothing: epsilon, validationData: binaryTest, ...quiet });
    const p = tf.tidy(() => (model.predict(test.images) as tf.Tensor2D).arraySync()).map((row) => row[0]!);
    const handLoss = p.reduce((sum, q, i) => {
      const y = binaryTest.labels[i]! * (1 - epsilon) + epsilon / 2;
      return sum - (y * Math.log(q) + (1 - y) * Math.log(1 - q));
    }, 0) / p.length;
    const plainLoss = p.reduce((sum, q, i) => sum - Math.log(binaryTest.labels[i] ? q : 1 - q), 0) / p.length;
    expect(result.history.metrics.val_loss![0]!).toBeCloseTo(handLoss, 4);
    expect(Math.abs(handLoss - plainLoss)).toBeGreaterThan(0.005);
    model.dispose();
  });

  it('bad data and options are typed errors', async () => {
    const model = mlp({ hiddenUnits: [4], seed: 8 });
    await expect(trainClassifier(model, { images: train.images, labels: [1, 2] })).rejects.toThrow(ShapeError);
    await expect(trainClassifier(model, train, { epochs: 0 })).rejects.toThrow(/epochs/);
    await expect(trainClassifier(model, train, { validationSplit: 0.1, validationData: test })).rejects.toThrow(InvalidArgumentError);
    await expect(trainClassifier(model, train, { earlyStopping: true, ...quiet })).rejects.toThrow(/earlyStopping.monitor/);
    await expect(trainClassifier(model, train, { labelSmoothing: 1, ...quiet })).rejects.toThrow(/labelSmoothing: expected a number in \[0, 1\)/);
    await expect(trainClassifier(model, train, { labelSmoothing: 0.1, compile: false, ...quiet })).rejects.toThrow(/labelSmoothing: expected compile: true/);
    const wrong = tf.zeros([4, 14, 14, 1]);
    await expect(trainClassifier(model, { images: wrong, labels: [0, 1, 2, 3] })).rejects.toThrow(/\[N, 28, 28, 1\]/);
    await expect(trainClassifier(model, { images: wrong, labels: [0, 1, 2, 12] })).rejects.toThrow(ShapeError);
    tf.dispose(wrong);
    model.dispose();
  });
});
