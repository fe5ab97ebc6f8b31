import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '@deepcourse/backend';
import { compileWithOwnOptimizer } from './layer-support.js';
import { convLstmTextClassifier, lstmAttentionTextClassifier, recurrentTextClassifier } from '../models/text-classifiers.js';
import { transformerClassifier } from '../models/transformer-classifier.js';
import { recurrentForecaster } from '../forecasting/forecaster.js';
import { charLstmModel } from '../generation/char-lstm.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

/** Builds, trains one step (which creates the optimizer's moment estimates) and disposes; returns tensors left over. */
async function tensorsLeftAfterDispose(build: () => tf.LayersModel, x: () => tf.Tensor, y: () => tf.Tensor): Promise<number> {
  const before = tf.memory().numTensors;
  const model = build();
  const [xs, ys] = [x(), y()];
  await model.fit(xs, ys, { epochs: 1, batchSize: 4, verbose: 0 });
  tf.dispose([xs, ys]);
  model.dispose();
  return tf.memory().numTensors - before;
}

const ids = () => tf.tensor2d([[1, 2, 3, 0], [4, 5, 0, 0], [6, 1, 2, 3], [7, 0, 0, 0]], [4, 4], 'int32');
const binary = () => tf.tensor2d([[1], [0], [1], [0]]);

describe('compiled builders own their optimizer', () => {
  it('compileWithOwnOptimizer makes model.dispose() free the Adam state (plain compile leaves it behind)', async () => {
    const build = (own: boolean) => () => {
      const model = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3], kernelInitializer: 'zeros' })] });
      const args = { optimizer: tf.train.adam(1e-3), loss: 'meanSquaredError' };
      if (own) compileWithOwnOptimizer(model, args);
      else model.compile(args);
      return model;
    };
    const x = () => tf.ones([4, 3]);
    const y = () => tf.zeros([4, 2]);
    // Adam: two beta powers plus first and second moments of the 2 weights.
    expect(await tensorsLeftAfterDispose(build(false), x, y)).toBe(6);
    expect(await tensorsLeftAfterDispose(build(true), x, y)).toBe(0);
  });

  it.each([
    ['transformerClassifier', () => transformerClassifier({ vocabSize: 10, sequenceLength: 4, embeddingDim: 8, seed: 1 })],
    ['recurrentTextClassifier', () => recurrentTextClassifier({ vocabSize: 10, sequenceLength: 4, embeddingDim: 4, units: 3, cell: 'gru', seed: 1 })],
    ['convLstmTextClassifier', () => convLstmTextClassifier({ vocabSize: 10, sequenceLength: 4, embeddingDim: 4, filters: 3, kernelSize: 2, poolSize: 2, units: 3, seed: 1 })],
    ['lstmAttentionTextClassifier', () => lstmAttentionTextClassifier({ vocabSize: 10, sequenceLength: 4, embeddingDim: 4, units: 3, seed: 1 })],
  ])('%s: build, fit, dispose leaves no tensor', async (_name, build) => {
    expect(await tensorsLeftAfterDispose(build, ids, binary)).toBe(0);
  });

  it('recurrentForecaster and charLstmModel: build, fit, dispose leaves no tensor', async () => {
    const forecaster = () => recurrentForecaster({ inputWidth: 4, horizon: 2, units: 3, seed: 1 });
    expect(await tensorsLeftAfterDispose(forecaster, () => tf.ones([4, 4, 1]), () => tf.zeros([4, 2]))).toBe(0);
    const chars = () => charLstmModel({ vocabSize: 8, embeddingDim: 4, units: 3, seed: 1 });
    expect(await tensorsLeftAfterDispose(chars, ids, () => tf.tensor2d([[1], [2], [3], [4]]))).toBe(0);
  });
});
