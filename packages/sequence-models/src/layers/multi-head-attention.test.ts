import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf, ShapeError, InvalidArgumentError } from '@deepcourse/backend';
import { MultiHeadAttention } from './multi-head-attention.js';
import { expectNoLeak, finiteDifferencePairs, fixture, roundTrip } from '../test-support/index.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

/** Plain-JS multi-head attention on nested arrays: the reference the layer must match. */
function referenceAttention(
  q: number[][][],
  kv: number[][][],
  w: { wq: number[][]; bq: number[]; wk: number[][]; bk: number[]; wv: number[][]; bv: number[]; wo: number[][]; bo: number[] },
  heads: number,
  keyDim: number,
  allowed: (b: number, i: number, j: number) => boolean,
): { out: number[][][]; attn: number[][][][] } {
  const project = (x: number[], m: number[][], b: number[]) => b.map((bias, c) => x.reduce((s, xi, r) => s + xi * (m[r] as number[])[c]!, bias));
  const out: number[][][] = [];
  const attn: number[][][][] = [];
  q.forEach((qb, b) => {
    const kvb = kv[b] as number[][];
    const Q = qb.map((x) => project(x, w.wq, w.bq));
    const K = kvb.map((x) => project(x, w.wk, w.bk));
    const V = kvb.map((x) => project(x, w.wv, w.bv));
    const perHead: number[][][] = [];
    const concat: number[][] = qb.map(() => []);
    for (let h = 0; h < heads; h++) {
      const rows: number[][] = [];
      Q.forEach((qi, i) => {
        const logits = K.map((kj, j) => {
          let s = 0;
          for (let d = 0; d < keyDim; d++) s += qi[h * keyDim + d]! * kj[h * keyDim + d]!;
          return allowed(b, i, j) ? s / Math.sqrt(keyDim) : -Infinity;
        });
        const max = Math.max(...logits);
        const e = logits.map((l) => Math.exp(l - max));
        const z = e.reduce((a, c) => a + c, 0);
        const p = e.map((x) => x / z);
        rows.push(p);
        for (let d = 0; d < keyDim; d++) concat[i]!.push(p.reduce((s, pj, j) => s + pj * V[j]![h * keyDim + d]!, 0));
      });
      perHead.push(rows);
    }
    attn.push(perHead);
    out.push(concat.map((c) => project(c, w.wo, w.bo)));
  });
  return { out, attn };
}

function reshape<T>(flat: ArrayLike<T>, rows: number, cols: number): T[][] {
  return Array.from({ length: rows }, (_, r) => Array.from({ length: cols }, (_, c) => flat[r * cols + c] as T));
}

describe('MultiHeadAttention', () => {
  it('equals a hand computation on a one-head, one-dimensional example', async () => {
    const layer = new MultiHeadAttention({ numHeads: 1, keyDim: 1, useBias: false, seed: 1 });
    const x = tf.tensor3d([[[1], [2]]]);
    layer.apply(x);
    layer.setWeights([tf.ones([1, 1]), tf.ones([1, 1]), tf.ones([1, 1]), tf.ones([1, 1])]);
    // logits row 0: [1*1, 1*2] -> softmax [0.26894, 0.73106] -> 1*0.26894 + 2*0.73106 = 1.73106
    // logits row 1: [2*1, 2*2] -> softmax [0.11920, 0.88080] -> 0.11920 + 1.76159 = 1.88080
    const out = await expectNoLeak(() => tf.tidy(() => (layer.apply(x) as tf.Tensor).dataSync()));
    expect(out[0]).toBeCloseTo(1.73106, 4);
    expect(out[1]).toBeCloseTo(1.8808, 4);
    x.dispose();
  });

  it('matches a plain-JS reference with two heads, biases, cross-attention and a key mask', async () => {
    const B = 2, Tq = 3, Tk = 4, D = 5, H = 2, dk = 3;
    const layer = new MultiHeadAttention({ numHeads: H, keyDim: dk, returnAttentionWeights: true, seed: 3 });
    const qData = fixture(B * Tq * D, 11);
    const kvData = fixture(B * Tk * D, 12);
    const query = tf.tensor3d(qData, [B, Tq, D]);
    const value = tf.tensor3d(kvData, [B, Tk, D]);
    layer.apply([query, value]);
    const dims: [string, number[]][] = [['wq', [D, H * dk]], ['bq', [H * dk]], ['wk', [D, H * dk]], ['bk', [H * dk]], ['wv', [D, H * dk]], ['bv', [H * dk]], ['wo', [H * dk, D]], ['bo', [D]]];
    const values = dims.map(([, shape], i) => fixture(shape.reduce((a, b) => a * b, 1), 100 + i));
    layer.setWeights(values.map((v, i) => tf.tensor(v, dims[i]![1])));
    const w = Object.fromEntries(dims.map(([name, shape], i) => [name, shape.length === 2 ? reshape(values[i]!, shape[0]!, shape[1]!) : Array.from(values[i]!)])) as never;
    const keyMask = [[1, 1, 1, 0], [1, 1, 0, 0]];
    const mask = tf.tensor2d(keyMask);
    const [out, attn] = await expectNoLeak(() =>
      tf.tidy(() => {
        const [o, a] = layer.call([query, value], { attentionMask: undefined, mask: [null, mask] }) as tf.Tensor[];
        return [o!.arraySync() as number[][][], a!.arraySync() as number[][][][]] as const;
      }),
    );
    const q3 = query.arraySync();
    const kv3 = value.arraySync();
    const ref = referenceAttention(q3, kv3, w, H, dk, (b, _i, j) => keyMask[b]![j] === 1);
    for (let b = 0; b < B; b++)
      for (let i = 0; i < Tq; i++)
        for (let c = 0; c < D; c++) expect(out[b]![i]![c]).toBeCloseTo(ref.out[b]![i]![c]!, 5);
    expect(attn[1]![1]![2]![2]).toBe(0); // padded key gets exactly zero weight
    expect(attn[0]![0]![1]!.reduce((a, c) => a + c, 0)).toBeCloseTo(1, 6);
    expect(attn[0]![1]![2]![1]).toBeCloseTo(ref.attn[0]![1]![2]![1]!, 6);
    tf.dispose([query, value, mask]);
  });

  it('with a causal mask, changing a later token leaves earlier outputs unchanged', async () => {
    const layer = new MultiHeadAttention({ numHeads: 2, keyDim: 4, causal: true, seed: 5 });
    const a = fixture(1 * 5 * 6, 21);
    const b = a.slice();
    for (let c = 0; c < 6; c++) b[4 * 6 + c] = 5 + c; // replace the last token only
    layer.build([1, 5, 6]);
    const [outA, outB] = await expectNoLeak(() =>
      tf.tidy(() => [tf.tensor3d(a, [1, 5, 6]), tf.tensor3d(b, [1, 5, 6])].map((x) => (layer.apply(x) as tf.Tensor).dataSync())),
    );
    for (let i = 0; i < 4 * 6; i++) expect(outB![i]).toBe(outA![i]);
    const lastDiff = Math.max(...Array.from({ length: 6 }, (_, c) => Math.abs(outA![24 + c]! - outB![24 + c]!)));
    expect(lastDiff).toBeGreaterThan(1e-3);
  });

  it('gradients with respect to inputs and weights match finite differences', () => {
    const layer = new MultiHeadAttention({ numHeads: 2, keyDim: 2, causal: true, seed: 9 });
    const x = tf.variable(tf.tensor3d(fixture(2 * 3 * 4, 31), [2, 3, 4]));
    const probe = tf.tensor3d(fixture(2 * 3 * 4, 32), [2, 3, 4]);
    layer.apply(x);
    const loss = () => tf.sum(tf.mul(layer.apply(x) as tf.Tensor, probe)) as tf.Scalar;
    const before = tf.memory().numTensors;
    const targets = [x as tf.Variable, ...layer.trainableWeights.map((w) => w.read() as tf.Variable)];
    for (const v of [targets[0]!, targets[1]!, targets[5]!, targets[7]!]) {
      for (const [analytic, numeric] of finiteDifferencePairs(loss, v, [0, 3, 5])) {
        expect(Math.abs(analytic - numeric)).toBeLessThan(2e-3 + 2e-2 * Math.abs(numeric));
      }
    }
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, probe]);
  });

  it('saves and loads inside a model with identical predictions', async () => {
    const input = tf.input({ shape: [4, 6] });
    const context = tf.input({ shape: [5, 6] });
    const attended = new MultiHeadAttention({ numHeads: 3, keyDim: 2, dropout: 0.2, seed: 4 }).apply([input, context]) as tf.SymbolicTensor;
    const model = tf.model({ inputs: [input, context], outputs: attended });
    const loaded = await roundTrip(model);
    const xs = [tf.tensor3d(fixture(2 * 4 * 6, 41), [2, 4, 6]), tf.tensor3d(fixture(2 * 5 * 6, 42), [2, 5, 6])];
    const [p, q] = tf.tidy(() => [model.predict(xs) as tf.Tensor, loaded.predict(xs) as tf.Tensor].map((t) => t.dataSync()));
    expect(Array.from(q!)).toEqual(Array.from(p!));
    expect(loaded.layers[2]!.getClassName()).toBe('DeepcourseMultiHeadAttention');
    expect(loaded.layers[2]!.getConfig()['numHeads']).toBe(3);
    tf.dispose(xs);
    model.dispose();
    loaded.dispose();
  });

  it('rejects bad arguments and shapes with typed errors', () => {
    expect(() => new MultiHeadAttention({ numHeads: 0, keyDim: 2 })).toThrow(InvalidArgumentError);
    expect(() => new MultiHeadAttention({ numHeads: 2, keyDim: 2, dropout: 1 })).toThrow(/dropout/);
    const layer = new MultiHeadAttention({ numHeads: 1, keyDim: 2 });
    expect(() => layer.apply(tf.input({ shape: [4] }))).toThrow(ShapeError);
  });
});
