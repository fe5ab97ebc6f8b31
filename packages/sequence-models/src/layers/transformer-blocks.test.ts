import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf, ShapeError, InvalidArgumentError } from '@deepcourse/backend';
import { PositionalEmbedding, sinusoidalPositionEncoding } from './positional-embedding.js';
import { TransformerEncoderBlock } from './transformer-encoder-block.js';
import { TransformerDecoderBlock } from './transformer-decoder-block.js';
import { AttentionPooling1D, MaskedGlobalAveragePooling1D, SeededDropout } from './pooling.js';
import { expectNoLeak, finiteDifferencePairs, fixture, roundTrip } from '../test-support/index.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

/** ids → PositionalEmbedding(maskZero) → encoder block → [sequence output, masked mean]. */
function encoderModel(positionEncoding: 'learned' | 'sinusoidal', seed: number) {
  const ids = tf.input({ shape: [null], dtype: 'int32' });
  const embedded = new PositionalEmbedding({ vocabSize: 20, sequenceLength: 6, embeddingDim: 8, maskZero: true, positionEncoding, seed }).apply(ids);
  const encoded = new TransformerEncoderBlock({ numHeads: 2, feedForwardDim: 16, seed: seed + 1 }).apply(embedded) as tf.SymbolicTensor;
  const pooled = new MaskedGlobalAveragePooling1D().apply(encoded) as tf.SymbolicTensor;
  return tf.model({ inputs: ids, outputs: [encoded, pooled] });
}

describe('sinusoidalPositionEncoding', () => {
  it('holds sin/cos at the published frequencies', () => {
    const table = sinusoidalPositionEncoding(50, 6);
    const v = table.arraySync();
    table.dispose();
    expect(v[0]).toEqual([0, 1, 0, 1, 0, 1]);
    expect(v[1]![0]).toBeCloseTo(Math.sin(1), 6);
    expect(v[1]![1]).toBeCloseTo(Math.cos(1), 6);
    expect(v[7]![2]).toBeCloseTo(Math.sin(7 / Math.pow(10000, 2 / 6)), 6);
    expect(v[49]![5]).toBeCloseTo(Math.cos(49 / Math.pow(10000, 4 / 6)), 6);
  });
});

describe('PositionalEmbedding', () => {
  it('adds the token row and the position row', async () => {
    const layer = new PositionalEmbedding({ vocabSize: 5, sequenceLength: 4, embeddingDim: 2, seed: 1 });
    layer.build([null, 4]);
    const tokens = tf.tensor2d([[0, 1], [2, 3], [4, 0], [1, 1], [2, 2]]);
    const positions = tf.tensor2d([[10, 20], [30, 40], [50, 60], [70, 80]]);
    layer.setWeights([tokens, positions]);
    const out = await expectNoLeak(() => tf.tidy(() => (layer.apply(tf.tensor2d([[3, 0, 4]], undefined, 'int32')) as tf.Tensor).arraySync()));
    expect(out).toEqual([[[11, 21], [30, 41], [52, 62]]]);
    tf.dispose([tokens, positions]);
  });

  it('rejects sequences longer than sequenceLength and unknown encodings', () => {
    const layer = new PositionalEmbedding({ vocabSize: 5, sequenceLength: 4, embeddingDim: 2 });
    expect(() => layer.apply(tf.input({ shape: [5] }))).toThrow(ShapeError);
    expect(() => new PositionalEmbedding({ vocabSize: 5, sequenceLength: 4, embeddingDim: 2, positionEncoding: 'rotary' as never })).toThrow(InvalidArgumentError);
  });
});

describe('TransformerEncoderBlock', () => {
  it.each(['learned', 'sinusoidal'] as const)('with a padding mask, padding changes no real output (%s positions)', async (encoding) => {
    const model = encoderModel(encoding, 7);
    const padded = tf.tensor2d([[5, 3, 9, 0, 0, 0], [7, 1, 2, 4, 11, 0]], undefined, 'int32');
    const short = tf.tensor2d([[5, 3, 9]], undefined, 'int32');
    const results = await expectNoLeak(() =>
      tf.tidy(() => [padded, short].map((x) => (model.predict(x) as tf.Tensor[]).map((t) => t.arraySync()))),
    );
    const [seqPadded, poolPadded] = results[0] as [number[][][], number[][]];
    const [seqShort, poolShort] = results[1] as [number[][][], number[][]];
    // The same sentence with three padding steps or none: identical real outputs and identical pooled vector.
    for (let t = 0; t < 3; t++) seqShort[0]![t]!.forEach((v, c) => expect(seqPadded[0]![t]![c]).toBeCloseTo(v, 5));
    poolShort[0]!.forEach((v, c) => expect(poolPadded[0]![c]).toBeCloseTo(v, 5));
    tf.dispose([padded, short]);
    model.dispose();
  });

  it('with an explicit padding mask, changing the vectors at padded steps changes no real output', async () => {
    const block = new TransformerEncoderBlock({ numHeads: 2, feedForwardDim: 8, seed: 11 });
    const a = fixture(2 * 5 * 4, 51);
    const b = a.slice();
    b.fill(7, 3 * 4, 5 * 4); // batch 0, steps 3-4 (padded)
    b.fill(-3, 5 * 4 + 4 * 4); // batch 1, step 4 (padded)
    const mask = tf.tensor2d([[1, 1, 1, 0, 0], [1, 1, 1, 1, 0]], undefined, 'bool');
    block.build([2, 5, 4]);
    const [outA, outB, outNoMask] = await expectNoLeak(() =>
      tf.tidy(() => [
        (block.call(tf.tensor3d(a, [2, 5, 4]), { mask }) as tf.Tensor).arraySync() as number[][][],
        (block.call(tf.tensor3d(b, [2, 5, 4]), { mask }) as tf.Tensor).arraySync() as number[][][],
        (block.call(tf.tensor3d(b, [2, 5, 4]), {}) as tf.Tensor).arraySync() as number[][][],
      ]),
    );
    for (const [row, valid] of [[0, 3], [1, 4]] as const) {
      for (let t = 0; t < valid; t++) expect(outB![row]![t]).toEqual(outA![row]![t]);
    }
    expect(outNoMask![0]![0]).not.toEqual(outA![0]![0]);
    mask.dispose();
  });

  it('applies attention + residual + layer norm + feed-forward: outputs are normalised per position', () => {
    const block = new TransformerEncoderBlock({ numHeads: 2, feedForwardDim: 8, dropout: 0, seed: 3 });
    const out = tf.tidy(() => (block.apply(tf.tensor3d(fixture(2 * 3 * 4, 5), [2, 3, 4])) as tf.Tensor).arraySync() as number[][][]);
    for (const row of out.flat()) {
      const mean = row.reduce((s, v) => s + v, 0) / row.length;
      const variance = row.reduce((s, v) => s + (v - mean) ** 2, 0) / row.length;
      expect(mean).toBeCloseTo(0, 5); // gamma=1, beta=0 at initialisation
      expect(variance).toBeCloseTo(1, 3);
    }
  });

  it('gradients of the block weights match finite differences (pre-norm, gelu)', () => {
    const block = new TransformerEncoderBlock({ numHeads: 2, feedForwardDim: 6, dropout: 0, normFirst: true, activation: 'gelu', seed: 13 });
    const x = tf.tensor3d(fixture(2 * 3 * 4, 61), [2, 3, 4]);
    const probe = tf.tensor3d(fixture(2 * 3 * 4, 62), [2, 3, 4]);
    block.apply(x);
    const loss = () => tf.sum(tf.mul(block.apply(x) as tf.Tensor, probe)) as tf.Scalar;
    const weights = block.trainableWeights;
    const byName = (suffix: string) => weights.find((w) => w.originalName.endsWith(suffix))!.read() as tf.Variable;
    for (const name of ['attention_query_kernel', 'attention_output_bias', 'norm1_gamma', 'ffn_hidden_kernel', 'norm2_beta']) {
      for (const [analytic, numeric] of finiteDifferencePairs(loss, byName(name), [0, 2])) {
        expect(Math.abs(analytic - numeric), name).toBeLessThan(3e-3 + 3e-2 * Math.abs(numeric));
      }
    }
    tf.dispose([x, probe]);
  });
});

describe('TransformerDecoderBlock', () => {
  it('with causal self-attention, changing a later token leaves earlier outputs unchanged', async () => {
    const block = new TransformerDecoderBlock({ numHeads: 2, feedForwardDim: 8, dropout: 0, seed: 17 });
    const encoder = tf.tensor3d(fixture(1 * 4 * 6, 70), [1, 4, 6]);
    const a = fixture(1 * 5 * 6, 71);
    const b = a.slice();
    for (let c = 0; c < 6; c++) b[3 * 6 + c] = -2 + c;
    block.apply([tf.tensor3d(a, [1, 5, 6]), encoder]);
    const [outA, outB] = await expectNoLeak(() =>
      tf.tidy(() => [a, b].map((x) => (block.apply([tf.tensor3d(x, [1, 5, 6]), encoder]) as tf.Tensor).dataSync())),
    );
    for (let i = 0; i < 3 * 6; i++) expect(outB![i]).toBe(outA![i]);
    expect(Math.abs(outB![3 * 6]! - outA![3 * 6]!)).toBeGreaterThan(1e-4);
    encoder.dispose();
  });

  it('hides padded encoder positions given an explicit encoder mask input', () => {
    const block = new TransformerDecoderBlock({ numHeads: 1, feedForwardDim: 4, dropout: 0, seed: 19 });
    const x = tf.tensor3d(fixture(1 * 2 * 4, 80), [1, 2, 4]);
    const encA = fixture(1 * 3 * 4, 81);
    const encB = encA.slice();
    encB.fill(9, 8); // change the third (padded) encoder step
    const mask = tf.tensor2d([[1, 1, 0]]);
    const [outA, outB, outNoMask] = tf.tidy(() => [
      (block.apply([x, tf.tensor3d(encA, [1, 3, 4]), mask]) as tf.Tensor).dataSync(),
      (block.apply([x, tf.tensor3d(encB, [1, 3, 4]), mask]) as tf.Tensor).dataSync(),
      (block.apply([x, tf.tensor3d(encB, [1, 3, 4])]) as tf.Tensor).dataSync(),
    ]);
    expect(Array.from(outB!)).toEqual(Array.from(outA!));
    expect(Array.from(outNoMask!)).not.toEqual(Array.from(outA!));
    tf.dispose([x, mask]);
  });

  it('gradients of cross-attention weights match finite differences', () => {
    const block = new TransformerDecoderBlock({ numHeads: 2, feedForwardDim: 6, dropout: 0, seed: 23 });
    const x = tf.tensor3d(fixture(2 * 3 * 4, 91), [2, 3, 4]);
    const enc = tf.tensor3d(fixture(2 * 2 * 4, 92), [2, 2, 4]);
    const probe = tf.tensor3d(fixture(2 * 3 * 4, 93), [2, 3, 4]);
    block.apply([x, enc]);
    const loss = () => tf.sum(tf.mul(block.apply([x, enc]) as tf.Tensor, probe)) as tf.Scalar;
    const byName = (suffix: string) => block.trainableWeights.find((w) => w.originalName.endsWith(suffix))!.read() as tf.Variable;
    for (const name of ['cross_attention_key_kernel', 'cross_attention_value_bias', 'self_attention_query_kernel', 'norm3_gamma']) {
      for (const [analytic, numeric] of finiteDifferencePairs(loss, byName(name), [0, 3])) {
        expect(Math.abs(analytic - numeric), name).toBeLessThan(3e-3 + 3e-2 * Math.abs(numeric));
      }
    }
    tf.dispose([x, enc, probe]);
  });
});

describe('pooling and dropout layers', () => {
  it('MaskedGlobalAveragePooling1D averages only real steps', () => {
    const layer = new MaskedGlobalAveragePooling1D();
    const x = tf.tensor3d([[[1, 10], [3, 30], [100, 100]]]);
    const mask = tf.tensor2d([[1, 1, 0]], undefined, 'bool');
    const out = tf.tidy(() => (layer.call(x, { mask }) as tf.Tensor).arraySync());
    expect(out).toEqual([[2, 20]]);
    tf.dispose([x, mask]);
  });

  it('AttentionPooling1D weights sum to one, skip padding, and match a hand computation', () => {
    const layer = new AttentionPooling1D({ units: 1, returnAttentionWeights: true, seed: 1 });
    const x = tf.tensor3d([[[1, 0], [0, 1], [5, 5]]]);
    layer.build([1, 3, 2]);
    layer.setWeights([tf.tensor2d([[1], [0]]), tf.tensor1d([0]), tf.tensor2d([[1]])]);
    const mask = tf.tensor2d([[1, 1, 0]]);
    const [pooled, weights] = tf.tidy(() => (layer.call(x, { mask }) as tf.Tensor[]).map((t) => t.arraySync() as number[][]));
    // scores: tanh(1) for step 0, tanh(0) = 0 for step 1, step 2 masked
    const e0 = Math.exp(Math.tanh(1));
    const a0 = e0 / (e0 + 1);
    expect(weights![0]![0]).toBeCloseTo(a0, 6);
    expect(weights![0]![2]).toBe(0);
    expect(pooled![0]![0]).toBeCloseTo(a0, 6);
    expect(pooled![0]![1]).toBeCloseTo(1 - a0, 6);
    tf.dispose([x, mask]);
  });

  it('SeededDropout draws a new mask per training call and replays from the seed', () => {
    const run = () => {
      const layer = new SeededDropout({ rate: 0.5, seed: 7 });
      const x = tf.ones([1, 64]);
      const masks = tf.tidy(() => [0, 1].map(() => Array.from((layer.apply(x, { training: true }) as tf.Tensor).dataSync())));
      const inference = tf.tidy(() => Array.from((layer.apply(x) as tf.Tensor).dataSync()));
      x.dispose();
      return { masks, inference };
    };
    const first = run();
    const second = run();
    expect(first.masks[0]).not.toEqual(first.masks[1]);
    expect(second.masks).toEqual(first.masks);
    expect(new Set(first.masks[0])).toEqual(new Set([0, 2]));
    expect(first.inference.every((v) => v === 1)).toBe(true);
  });
});

describe('serialisation', () => {
  it('a model with every custom layer saves and loads with identical predictions', async () => {
    const ids = tf.input({ shape: [5], dtype: 'int32' });
    const target = tf.input({ shape: [4], dtype: 'int32' });
    const embedded = new PositionalEmbedding({ vocabSize: 12, sequenceLength: 5, embeddingDim: 8, maskZero: true, positionEncoding: 'sinusoidal', seed: 2 }).apply(ids);
    const encoded = new TransformerEncoderBlock({ numHeads: 2, feedForwardDim: 12, normFirst: true, seed: 3 }).apply(embedded) as tf.SymbolicTensor;
    const targetEmbedded = new PositionalEmbedding({ vocabSize: 12, sequenceLength: 4, embeddingDim: 8, seed: 4 }).apply(target) as tf.SymbolicTensor;
    const decoded = new TransformerDecoderBlock({ numHeads: 2, feedForwardDim: 12, activation: 'gelu', seed: 5 }).apply([targetEmbedded, encoded]) as tf.SymbolicTensor;
    const pooled = new AttentionPooling1D({ units: 6, seed: 6 }).apply(decoded) as tf.SymbolicTensor;
    const dropped = new SeededDropout({ rate: 0.3, seed: 8 }).apply(pooled) as tf.SymbolicTensor;
    const model = tf.model({ inputs: [ids, target], outputs: [dropped, new MaskedGlobalAveragePooling1D().apply(encoded) as tf.SymbolicTensor] });
    const loaded = await roundTrip(model);
    const xs = [tf.tensor2d([[3, 4, 5, 0, 0], [1, 2, 3, 4, 11]], undefined, 'int32'), tf.tensor2d([[1, 2, 3, 4], [5, 6, 7, 8]], undefined, 'int32')];
    const [p, q] = tf.tidy(() => [model, loaded].map((m) => (m.predict(xs) as tf.Tensor[]).map((t) => Array.from(t.dataSync()))));
    expect(q).toEqual(p);
    expect(loaded.getLayer(undefined as never, 3)).toBeDefined();
    expect(loaded.layers.map((l) => l.getClassName())).toContain('DeepcourseTransformerDecoderBlock');
    tf.dispose(xs);
    model.dispose();
    loaded.dispose();
  });
});
