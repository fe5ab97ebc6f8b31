import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, seedStream, tf, InvalidArgumentError } from '@deepcourse/backend';
import { attentionWeightsModel, convLstmTextClassifier, lstmAttentionTextClassifier, recurrentTextClassifier, RECURRENT_CELLS } from './text-classifiers.js';
import { transformerClassifier } from './transformer-classifier.js';
import { tokenIdTensor } from './token-sequences.js';
import { expectNoLeak, roundTrip } from '../test-support/index.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

const VOCAB = 20;
const LENGTH = 10;

/** Label 1 when token 7 occurs in the sentence: learnable only by looking at every position. */
function containsSevenTask(count: number, seed: number) {
  const rng = seedStream(seed);
  const sequences: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < count; i++) {
    const length = rng.uniformInt(4, LENGTH + 1);
    const positive = i % 2 === 0;
    const ids = Array.from({ length }, () => {
      let id = rng.uniformInt(1, VOCAB);
      while (id === 7) id = rng.uniformInt(1, VOCAB);
      return id;
    });
    if (positive) ids[rng.uniformInt(0, length)] = 7;
    sequences.push(ids);
    labels.push(positive ? 1 : 0);
  }
  return { xs: tokenIdTensor(sequences, { sequenceLength: LENGTH }), ys: tf.tensor2d(labels, [count, 1]) };
}

async function trainAndScore(model: tf.LayersModel, epochs: number): Promise<number> {
  const train = containsSevenTask(256, 1);
  const test = containsSevenTask(128, 2);
  await model.fit(train.xs, train.ys, { epochs, batchSize: 64, shuffle: false, verbose: 0 });
  const accuracy = await expectNoLeak(() =>
    tf.tidy(() => {
      const predicted = tf.greater(model.predict(test.xs) as tf.Tensor, 0.5);
      return tf.mean(tf.cast(tf.equal(tf.cast(predicted, 'float32'), test.ys), 'float32')).dataSync()[0] as number;
    }),
  );
  tf.dispose([train.xs, train.ys, test.xs, test.ys]);
  return accuracy;
}

describe('recurrentTextClassifier', () => {
  it.each(RECURRENT_CELLS)('%s learns whether a sentence contains a token', async (cell) => {
    const model = recurrentTextClassifier({ vocabSize: VOCAB, sequenceLength: LENGTH, cell, units: 16, embeddingDim: 16, seed: 3, learningRate: 2e-2 });
    expect(model.outputs[0]!.shape).toEqual([null, 1]);
    const accuracy = await trainAndScore(model, cell === 'simple-rnn' ? 12 : 8);
    expect(accuracy).toBeGreaterThan(0.9);
    model.dispose();
  });

  it.each(['lstm', 'bidirectional-gru'] as const)('%s: the fused layers (default) predict what tf.layers gives for the same seed, padding masked', (cell) => {
    const options = { vocabSize: 30, sequenceLength: 6, cell, units: 5, embeddingDim: 4, seed: 9 };
    const fused = recurrentTextClassifier(options);
    const stock = recurrentTextClassifier({ ...options, fused: false });
    expect(fused.layers.map((l) => l.getClassName())).toContain(cell === 'lstm' ? 'FusedLSTM' : 'Bidirectional');
    expect(stock.layers.map((l) => l.getClassName())).toContain(cell === 'lstm' ? 'LSTM' : 'Bidirectional');
    const x = tf.tensor2d([[4, 9, 2, 0, 0, 0], [1, 2, 3, 4, 5, 6], [7, 0, 0, 0, 0, 0]], undefined, 'int32');
    const [a, b] = [fused.predict(x) as tf.Tensor, stock.predict(x) as tf.Tensor];
    const [pa, pb] = [Array.from(a.dataSync()), Array.from(b.dataSync())];
    pa.forEach((value, i) => expect(value).toBeCloseTo(pb[i]!, 5));
    // Not a constant: the three sequences get different probabilities.
    expect(new Set(pa.map((p) => p.toFixed(4))).size).toBe(3);
    tf.dispose([x, a, b]);
    fused.dispose();
    stock.dispose();
  });

  it('is reproducible from its seed and softmax for more than two classes', () => {
    const a = recurrentTextClassifier({ vocabSize: 30, sequenceLength: 5, numClasses: 3, units: 4, embeddingDim: 4, seed: 42 });
    const b = recurrentTextClassifier({ vocabSize: 30, sequenceLength: 5, numClasses: 3, units: 4, embeddingDim: 4, seed: 42 });
    const x = tf.tensor2d([[1, 2, 3, 0, 0]], undefined, 'int32');
    const [pa, pb] = tf.tidy(() => [a, b].map((m) => Array.from((m.predict(x) as tf.Tensor).dataSync())));
    expect(pa).toEqual(pb);
    expect(pa!.length).toBe(3);
    expect(pa!.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 5);
    x.dispose();
    a.dispose();
    b.dispose();
  });

  it('rejects bad options with typed errors', () => {
    expect(() => recurrentTextClassifier({ vocabSize: 0, sequenceLength: 5 })).toThrow(InvalidArgumentError);
    expect(() => recurrentTextClassifier({ vocabSize: 5, sequenceLength: 5, cell: 'transformer' as never })).toThrow(/cell/);
    expect(() => recurrentTextClassifier({ vocabSize: 5, sequenceLength: 5, numClasses: 1 })).toThrow(/numClasses/);
  });
});

describe('convLstmTextClassifier', () => {
  it('learns the task through Conv1D + MaxPool1D + LSTM', async () => {
    const model = convLstmTextClassifier({ vocabSize: VOCAB, sequenceLength: LENGTH, filters: 16, kernelSize: 3, poolSize: 2, units: 16, embeddingDim: 16, seed: 5, learningRate: 2e-2 });
    expect(model.layers.map((l) => l.getClassName())).toEqual(['InputLayer', 'DeepcourseTokenEmbedding', 'Conv1D', 'MaxPooling1D', 'FusedLSTM', 'Dense']);
    expect(await trainAndScore(model, 10)).toBeGreaterThan(0.9);
    model.dispose();
  });

  it('rejects a sequence too short for the kernel and pool', () => {
    expect(() => convLstmTextClassifier({ vocabSize: 5, sequenceLength: 4, kernelSize: 3, poolSize: 4 })).toThrow(/sequenceLength/);
  });
});

describe('lstmAttentionTextClassifier', () => {
  it('learns the task, puts most attention on the decisive token, and none on padding', async () => {
    const model = lstmAttentionTextClassifier({ vocabSize: VOCAB, sequenceLength: LENGTH, units: 16, attentionUnits: 8, embeddingDim: 16, seed: 7, learningRate: 2e-2 });
    expect(await trainAndScore(model, 8)).toBeGreaterThan(0.9);
    const probe = attentionWeightsModel(model);
    const x = tokenIdTensor([[3, 4, 7, 5, 6]], { sequenceLength: LENGTH });
    const weights = tf.tidy(() => Array.from((probe.predict(x) as tf.Tensor).dataSync()));
    expect(weights.slice(5).every((w) => w === 0)).toBe(true);
    expect(weights.reduce((s, w) => s + w, 0)).toBeCloseTo(1, 5);
    expect(weights.indexOf(Math.max(...weights))).toBe(2);
    const loaded = await roundTrip(model);
    const [p, q] = tf.tidy(() => [model, loaded].map((m) => Array.from((m.predict(x) as tf.Tensor).dataSync())));
    expect(q).toEqual(p);
    x.dispose();
    model.dispose();
    loaded.dispose();
  });
});

describe('transformerClassifier', () => {
  it('learns the task and saves/loads with identical predictions', async () => {
    const model = transformerClassifier({ vocabSize: VOCAB, sequenceLength: LENGTH, embeddingDim: 16, numHeads: 2, feedForwardDim: 32, dropout: 0.1, seed: 9, learningRate: 1e-2 });
    expect(await trainAndScore(model, 15)).toBeGreaterThan(0.9);
    const loaded = await roundTrip(model);
    const x = tokenIdTensor([[3, 4, 7], [1, 2, 3, 4, 5, 6, 8, 9, 10, 11]], { sequenceLength: LENGTH });
    const [p, q] = tf.tidy(() => [model, loaded].map((m) => Array.from((m.predict(x) as tf.Tensor).dataSync())));
    expect(q).toEqual(p);
    x.dispose();
    model.dispose();
    loaded.dispose();
  });
});

describe('tokenIdTensor', () => {
  it('pads post or pre, and truncates only when asked', () => {
    const post = tokenIdTensor([[1, 2], [3, 4, 5]], { sequenceLength: 3 });
    const pre = tokenIdTensor([[1, 2]], { sequenceLength: 3, padding: 'pre' });
    const cut = tokenIdTensor([[1, 2, 3, 4]], { sequenceLength: 2, truncating: 'pre' });
    expect(post.arraySync()).toEqual([[1, 2, 0], [3, 4, 5]]);
    expect(pre.arraySync()).toEqual([[0, 1, 2]]);
    expect(cut.arraySync()).toEqual([[3, 4]]);
    expect(post.dtype).toBe('int32');
    tf.dispose([post, pre, cut]);
    expect(() => tokenIdTensor([[1, 2, 3]], { sequenceLength: 2 })).toThrow(/sequences\[0\]: expected at most sequenceLength=2/);
    expect(() => tokenIdTensor([[1, 9]], { sequenceLength: 2, vocabSize: 5 })).toThrow(/sequences\[0\]\[1\]/);
    expect(() => tokenIdTensor([[1.5]], { sequenceLength: 2 })).toThrow(InvalidArgumentError);
  });
});
