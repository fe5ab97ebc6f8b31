import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf, ShapeError } from '@deepcourse/backend';
import { gatherRows, TokenEmbedding } from './token-embedding.js';
import { expectNoLeak, fixture, roundTrip } from '../test-support/index.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe('gatherRows', () => {
  it('gives the same values and table gradient as tf.gather (repeated ids accumulate)', async () => {
    const table = tf.variable(tf.tensor2d(fixture(7 * 3, 1), [7, 3]));
    const ids = tf.tensor2d([[1, 4, 1], [0, 6, 1]], undefined, 'int32');
    const probe = tf.tensor3d(fixture(2 * 3 * 3, 2), [2, 3, 3]);
    const [ours, stock, valuesOurs, valuesStock] = await expectNoLeak(() =>
      tf.tidy(() => {
        const g1 = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(gatherRows(t as tf.Tensor2D, ids), probe)))(table);
        const g2 = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.gather(t, ids), probe)))(table);
        return [g1.arraySync(), g2.arraySync(), gatherRows(table, ids).arraySync(), tf.gather(table, ids).arraySync()];
      }),
    );
    expect(valuesOurs).toEqual(valuesStock);
    (ours as number[][]).forEach((row, r) => row.forEach((v, c) => expect(v).toBeCloseTo((stock as number[][])[r]![c]!, 6)));
    // id 1 appears three times: its gradient row is the sum of three probe rows
    expect((ours as number[][])[1]![0]).toBeCloseTo(probe.arraySync()[0]![0]![0]! + probe.arraySync()[0]![2]![0]! + probe.arraySync()[1]![2]![0]!, 6);
    expect((ours as number[][])[2]).toEqual([0, 0, 0]);
    tf.dispose([table, ids, probe]);
  });
});

describe('TokenEmbedding', () => {
  it('masks id 0, trains, and saves/loads', async () => {
    const ids = tf.input({ shape: [4] });
    const embedded = new TokenEmbedding({ vocabSize: 10, embeddingDim: 3, maskZero: true, seed: 1 }).apply(ids) as tf.SymbolicTensor;
    const pooled = tf.layers.lstm({ units: 2 }).apply(embedded) as tf.SymbolicTensor;
    const model = tf.model({ inputs: ids, outputs: pooled });
    const x = tf.tensor2d([[3, 5, 0, 0], [3, 5, 9, 9]]);
    const x2 = tf.tensor2d([[3, 5, 0, 0], [3, 5, 0, 0]]);
    const [a, b] = tf.tidy(() => [x, x2].map((t) => (model.predict(t) as tf.Tensor).arraySync() as number[][]));
    expect(b![0]).toEqual(a![0]); // padding masked: row 0 is the same sentence either way
    expect(b![1]).not.toEqual(a![1]);
    const loaded = await roundTrip(model);
    const [p, q] = tf.tidy(() => [model, loaded].map((m) => Array.from((m.predict(x) as tf.Tensor).dataSync())));
    expect(q).toEqual(p);
    expect(() => new TokenEmbedding({ vocabSize: 3, embeddingDim: 2 }).apply(tf.input({ shape: [2, 2] }))).toThrow(ShapeError);
    tf.dispose([x, x2]);
    model.dispose();
    loaded.dispose();
  });
});
