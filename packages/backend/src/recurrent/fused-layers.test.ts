import { afterAll, describe, expect, test } from 'vitest';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tf } from '../tf.js';
import { initBackend } from '../init-backend.js';
import { loadModel, saveModel } from '../node/model-files.js';
import { FusedGRU, FusedLSTM, withFusedRecurrentLayers, withStockRecurrentLayers } from './fused-layers.js';

type Kind = 'lstm' | 'gru';
type Options = { returnSequences?: boolean; goBackwards?: boolean; recurrentActivation?: 'sigmoid' | 'hardSigmoid'; bidirectional?: boolean; masked?: boolean };

/** Embedding(maskZero) → recurrent layer → Dense, seeded, stock or fused. */
function textModel(kind: Kind, fused: boolean, options: Options): tf.LayersModel {
  const seed = (n: number) => tf.initializers.glorotUniform({ seed: n });
  const args = {
    units: 5,
    returnSequences: options.returnSequences ?? false,
    goBackwards: options.goBackwards ?? false,
    recurrentActivation: options.recurrentActivation ?? 'hardSigmoid',
    kernelInitializer: seed(2),
    recurrentInitializer: seed(3),
    biasInitializer: tf.initializers.randomUniform({ minval: -0.5, maxval: 0.5, seed: 4 }),
  };
  const Fused = kind === 'lstm' ? FusedLSTM : FusedGRU;
  let recurrent: tf.layers.Layer = fused ? new Fused(args) : kind === 'lstm' ? tf.layers.lstm(args) : tf.layers.gru(args);
  if (options.bidirectional) recurrent = tf.layers.bidirectional({ layer: recurrent as tf.RNN, mergeMode: 'concat' });
  const layers: tf.layers.Layer[] = [
    tf.layers.embedding({ inputDim: 20, outputDim: 4, inputLength: 7, maskZero: options.masked ?? false, embeddingsInitializer: tf.initializers.randomNormal({ seed: 1 }) }),
    recurrent,
  ];
  if (options.returnSequences) layers.push(tf.layers.flatten());
  layers.push(tf.layers.dense({ units: 1, kernelInitializer: seed(5) }));
  return tf.sequential({ layers });
}

/** Zero-padded token ids: rows of different lengths, padding at the end and at the start. */
const tokens = () => tf.tensor2d([[3, 7, 1, 9, 2, 0, 0], [5, 5, 5, 5, 5, 5, 5], [0, 0, 4, 8, 15, 16, 19], [11, 0, 0, 0, 0, 0, 0]], [4, 7], 'int32');

async function outputsAndGrads(model: tf.LayersModel) {
  const x = tokens();
  const target = tf.tensor2d([[0.5], [-1], [2], [0.1]]);
  const prediction = model.predict(x) as tf.Tensor;
  const predicted = Array.from(prediction.dataSync());
  const { value, grads } = tf.variableGrads(() => tf.losses.meanSquaredError(target, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar, model.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val));
  const gradients = Object.values(grads).map((g) => Array.from(g.dataSync()));
  tf.dispose([x, target, prediction, value, ...Object.values(grads)]);
  return { predicted, gradients };
}

function expectClose(actual: number[], expected: number[], tolerance = 1e-4) {
  expect(actual.length).toBe(expected.length);
  const scale = Math.max(1e-3, ...expected.map(Math.abs));
  const worst = Math.max(0, ...actual.map((a, i) => Math.abs(a - (expected[i] as number))));
  expect(worst / scale).toBeLessThan(tolerance);
}

const cases: [string, Options][] = [
  ['last output', {}],
  ['sequences, sigmoid gates', { returnSequences: true, recurrentActivation: 'sigmoid' }],
  ['masked padding', { masked: true }],
  ['masked, backwards', { masked: true, goBackwards: true, returnSequences: true }],
  ['bidirectional, masked', { bidirectional: true, masked: true }],
];

afterAll(async () => {
  await tf.setBackend('cpu');
});

describe.each(['cpu', 'wasm'] as const)('fused recurrent layers on %s equal tfjs-layers', (backend) => {
  describe.each(['lstm', 'gru'] as const)('%s', (kind) => {
    test.each(cases)('%s: outputs and gradients', async (_name, options) => {
      await initBackend({ backend });
      const stock = textModel(kind, false, options);
      const fused = textModel(kind, true, options);
      fused.setWeights(stock.getWeights());
      await outputsAndGrads(stock);
      const beforeStock = tf.memory().numTensors;
      const a = await outputsAndGrads(stock);
      const stockLeak = tf.memory().numTensors - beforeStock;
      await outputsAndGrads(fused);
      const before = tf.memory().numTensors;
      const b = await outputsAndGrads(fused);
      expect([stockLeak, tf.memory().numTensors - before]).toEqual([0, 0]);
      expectClose(b.predicted, a.predicted);
      expect(b.gradients.length).toBe(a.gradients.length);
      b.gradients.forEach((g, i) => expectClose(g, a.gradients[i] as number[]));
      stock.dispose();
      fused.dispose();
    });
  });
});

describe('converting and saving', () => {
  test('stock ↔ fused conversion and a save/load round trip keep predictions', async () => {
    await initBackend({ backend: 'cpu' });
    const stock = textModel('lstm', false, { bidirectional: true, masked: true });
    const fused = await withFusedRecurrentLayers(stock);
    const layerClass = (fused.layers[1] as unknown as { forwardLayer: tf.layers.Layer }).forwardLayer.getClassName();
    expect(layerClass).toBe('FusedLSTM');
    const x = tokens();
    const expected = Array.from((stock.predict(x) as tf.Tensor).dataSync());
    expectClose(Array.from((fused.predict(x) as tf.Tensor).dataSync()), expected, 1e-5);
    const dir = await mkdtemp(join(tmpdir(), 'dc-fused-'));
    await saveModel(fused, dir);
    const loaded = await loadModel(dir);
    expectClose(Array.from((loaded.predict(x) as tf.Tensor).dataSync()), expected, 1e-5);
    const back = await withStockRecurrentLayers(loaded);
    expect((back.layers[1] as unknown as { forwardLayer: tf.layers.Layer }).forwardLayer.getClassName()).toBe('LSTM');
    expectClose(Array.from((back.predict(x) as tf.Tensor).dataSync()), expected, 1e-5);
    x.dispose();
    for (const m of [stock, fused, loaded, back]) m.dispose();
  });

  test('returnState gives [output, h, c] like the stock layer; dropout while training takes the stock path', async () => {
    await initBackend({ backend: 'cpu' });
    const x = tf.randomNormal([2, 4, 3], 0, 1, 'float32', 9);
    const stock = tf.layers.lstm({ units: 3, returnState: true, kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) });
    const fused = new FusedLSTM({ units: 3, returnState: true, dropout: 0.5 });
    const a = stock.apply(x) as tf.Tensor[];
    fused.apply(x);
    fused.setWeights(stock.getWeights());
    const b = fused.apply(x) as tf.Tensor[];
    expect(b).toHaveLength(3);
    b.forEach((t, i) => expectClose(Array.from(t.dataSync()), Array.from((a[i] as tf.Tensor).dataSync()), 1e-5));
    // In training with dropout the fused path steps aside: outputs now differ from the dropout-free ones.
    const dropped = fused.apply(x, { training: true }) as tf.Tensor[];
    expect(Array.from((dropped[0] as tf.Tensor).dataSync())).not.toEqual(Array.from((a[0] as tf.Tensor).dataSync()));
    tf.dispose([x, ...a, ...b, ...dropped]);
  });
});
