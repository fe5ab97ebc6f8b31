import { beforeAll, describe, expect, it } from 'vitest';
import { tf, initBackend, InvalidArgumentError, ShapeError } from '@deepcourse/backend';
import { deletionAuc, gaussianBlur, insertionAuc, trapezoid } from './deletion-insertion.js';
import { pointingGame } from './pointing-game.js';
import { averageRanks, spearmanRankCorrelation } from './rank-correlation.js';
import { modelRandomisationCheck, reinitialiseWeights } from './randomisation.js';
import { expectNoLeak, maxAbsDiff } from '../test-utils.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

/** Images [2, 2, 1] → flatten → Dense(2) with logit_0 = 1·p0 + 2·p1 + 3·p2 + 4·p3 + 0.5. */
function tinyLinear(): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.flatten({ inputShape: [2, 2, 1] }));
  model.add(tf.layers.dense({ units: 2, weights: [tf.tensor2d([[1, 0], [2, 0], [3, 0], [4, 0]]), tf.tensor1d([0.5, 0])] }));
  return model;
}

describe('deletion and insertion AUC', () => {
  it('matches a hand-computed curve on a linear model', async () => {
    const model = tinyLinear();
    const image = tf.ones([1, 2, 2, 1]) as tf.Tensor4D;
    // Most important first: pixel 3, then 2, 1, 0.
    const map = tf.tensor3d([[[0.1, 0.2], [0.3, 0.4]]]);
    const result = await expectNoLeak(() => deletionAuc(model, image, map, { targets: 0, steps: 4, score: 'logit' }));
    // Logit after deleting the top k pixels (set to 0): 10.5, 6.5, 3.5, 1.5, 0.5.
    expect(result.fractions).toEqual([0, 0.25, 0.5, 0.75, 1]);
    result.curves[0]!.forEach((v, i) => expect(v).toBeCloseTo([10.5, 6.5, 3.5, 1.5, 0.5][i]!, 5));
    expect(result.auc[0]).toBeCloseTo(0.25 * ((10.5 + 0.5) / 2 + 6.5 + 3.5 + 1.5), 5);
    // Insertion onto a constant 0 substrate in the same order: 0.5, 4.5, 7.5, 9.5, 10.5.
    const insertion = await insertionAuc(model, image, map, { targets: 0, steps: 4, score: 'logit', substrate: 0 });
    insertion.curves[0]!.forEach((v, i) => expect(v).toBeCloseTo([0.5, 4.5, 7.5, 9.5, 10.5][i]!, 5));
    // The reverse order deletes the weakest pixels first: a larger deletion AUC.
    const reversed = tf.tensor3d([[[0.4, 0.3], [0.2, 0.1]]]);
    expect((await deletionAuc(model, image, reversed, { targets: 0, steps: 4, score: 'logit' })).meanAuc).toBeGreaterThan(result.meanAuc);
    // Probabilities: softmax of the two logits.
    const probability = await deletionAuc(model, image, map, { targets: 0, steps: 4 });
    expect(probability.curves[0]![0]).toBeCloseTo(1 / (1 + Math.exp(-10.5)), 5);
    tf.dispose([image, map, reversed]);
  });

  it('trapezoid and blur', () => {
    expect(trapezoid([0, 0.5, 1], [1, 1, 0])).toBeCloseTo(0.75, 12);
    const constant = tf.fill([1, 6, 7, 2], 0.3) as tf.Tensor4D;
    const blurred = gaussianBlur(constant, 1.5);
    // A normalised kernel with reflected edges keeps a constant image constant.
    expect(maxAbsDiff(blurred, constant)).toBeLessThan(1e-6);
    const spike = tf.buffer([1, 9, 9, 1]);
    spike.set(1, 0, 4, 4, 0);
    const spread = gaussianBlur(spike.toTensor() as tf.Tensor4D, 1);
    const v = spread.arraySync() as number[][][][];
    expect(v[0]![4]![4]![0]!).toBeCloseTo(1 / (2 * Math.PI) / 1, 2);
    expect(spread.sum().dataSync()[0]).toBeCloseTo(1, 4);
    tf.dispose([constant, blurred, spread]);
  });

  it('rejects heatmaps of the wrong shape', async () => {
    const model = tinyLinear();
    const image = tf.ones([1, 2, 2, 1]) as tf.Tensor4D;
    const map = tf.ones([1, 3, 3]) as tf.Tensor3D;
    await expect(deletionAuc(model, image, map)).rejects.toThrow(ShapeError);
    tf.dispose([image, map]);
  });
});

describe('pointingGame', () => {
  it('scores a hit when the peak is in the mask, or within the tolerance', async () => {
    const maps = tf.tensor3d([
      [[0, 0, 0], [0, 5, 0], [0, 0, 1]],
      [[9, 0, 0], [0, 1, 0], [0, 0, 0]],
    ]);
    const masks = tf.tensor3d([
      [[0, 0, 0], [0, 1, 0], [0, 0, 0]],
      [[0, 0, 0], [0, 0, 0], [0, 0, 1]],
    ]);
    const result = await pointingGame(maps, masks);
    expect(result.hits).toEqual([true, false]);
    expect(result.accuracy).toBe(0.5);
    expect(result.peaks).toEqual([[1, 1], [0, 0]]);
    // The second peak is sqrt(8) ≈ 2.83 pixels from the mask.
    expect((await pointingGame(maps, masks, { tolerance: 2.8 })).hits).toEqual([true, false]);
    expect((await pointingGame(maps, masks, { tolerance: 2.9 })).hits).toEqual([true, true]);
    const empty = tf.zeros([2, 3, 3]) as tf.Tensor3D;
    await expect(pointingGame(maps, empty)).rejects.toThrow(/masks\[0\]/);
    tf.dispose([maps, masks, empty]);
  });

  it('points at the middle of a plateau of tied maxima, and scores a constant map as a miss', async () => {
    // Occlusion maps are flat over each stride cell: here a 3x3 plateau at rows 1-3, columns 2-4.
    const plateau = tf.buffer([2, 6, 6], 'float32');
    for (let r = 1; r <= 3; r++) for (let c = 2; c <= 4; c++) plateau.set(7, 0, r, c);
    // Two separate tied maxima: the centroid (2, 2.5) is between them; the nearer one, first in row-major order, wins.
    plateau.set(1, 1, 2, 1);
    plateau.set(1, 1, 2, 4);
    const maps = plateau.toTensor() as tf.Tensor3D;
    // The object covers only the plateau's centre pixel (2, 3).
    const centre = tf.buffer([2, 6, 6], 'float32');
    centre.set(1, 0, 2, 3);
    centre.set(1, 1, 2, 1);
    const masks = centre.toTensor() as tf.Tensor3D;
    const result = await expectNoLeak(() => pointingGame(maps, masks));
    // The first maximum in row-major order would be (1, 2), the plateau's corner, and miss.
    expect(result.peaks).toEqual([[2, 3], [2, 1]]);
    expect(result.hits).toEqual([true, true]);
    // A constant map (a dead Grad-CAM) has no peak: never a hit, even where the mask covers everything.
    const flat = tf.zeros([1, 6, 6]) as tf.Tensor3D;
    const everywhere = tf.ones([1, 6, 6]) as tf.Tensor3D;
    expect((await pointingGame(flat, everywhere, { tolerance: 3 })).hits).toEqual([false]);
    // NaN anywhere in a map is an error, not a value skipped.
    const withNaN = tf.tensor3d([[[1, NaN], [0, 0]]]);
    await expect(pointingGame(withNaN, tf.ones([1, 2, 2]) as tf.Tensor3D)).rejects.toThrow(/heatmaps\[0\]/);
    tf.dispose([maps, masks, flat, everywhere, withNaN]);
  });
});

describe('spearmanRankCorrelation', () => {
  it('matches hand values, with tied ranks averaged', () => {
    expect(Array.from(averageRanks([5, 6, 7, 8, 7]))).toEqual([1, 2, 3.5, 5, 3.5]);
    // scipy.stats.spearmanr([1, 2, 3, 4, 5], [5, 6, 7, 8, 7]) = 0.8207826816681233
    expect(spearmanRankCorrelation([1, 2, 3, 4, 5], [5, 6, 7, 8, 7])).toBeCloseTo(0.8207826816681233, 12);
    expect(spearmanRankCorrelation([1, 2, 3], [30, 20, 10])).toBeCloseTo(-1, 12);
    // Rank correlation ignores monotone transforms.
    expect(spearmanRankCorrelation([0.1, 0.5, 0.2, 0.9], [Math.exp(0.1), Math.exp(0.5), Math.exp(0.2), Math.exp(0.9)])).toBeCloseTo(1, 12);
    expect(spearmanRankCorrelation([1, 1, 1], [1, 2, 3])).toBeNaN();
    expect(() => spearmanRankCorrelation([1, 2], [1, 2, 3])).toThrow(InvalidArgumentError);
  });
});

describe('modelRandomisationCheck', () => {
  it('redraws every weight seeded and puts the trained weights back', async () => {
    const model = tf.sequential();
    model.add(tf.layers.conv2d({ inputShape: [6, 6, 1], filters: 3, kernelSize: 3, kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }), biasInitializer: 'ones' }));
    model.add(tf.layers.batchNormalization({}));
    model.add(tf.layers.flatten({}));
    model.add(tf.layers.dense({ units: 2, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }));
    const before = model.getWeights().map((w) => w.clone());
    const x = tf.randomUniform([3, 6, 6, 1], 0, 1, 'float32', 3);
    let seen: tf.Tensor[] = [];
    const result = await expectNoLeak(() =>
      modelRandomisationCheck(model, x, async (m, images, run) => {
        tf.dispose(seen);
        seen = m.getWeights().map((w) => w.clone());
        return tf.tidy(() => (m.predict(images) as tf.Tensor).add(run * 0));
      }),
      () => seen.length,
    );
    // The last call saw the re-initialised weights: conv bias 0 (was 1), BN gamma 1, a new kernel.
    expect(maxAbsDiff(seen[1]!, tf.zeros([3]))).toBe(0);
    expect(maxAbsDiff(seen[0]!, before[0]!)).toBeGreaterThan(1e-3);
    model.getWeights().forEach((w, i) => expect(maxAbsDiff(w, before[i]!)).toBe(0));
    expect(result.trainedVsTrained).toEqual([1, 1, 1]);
    // Same seed, same re-initialisation.
    reinitialiseWeights(model, 5);
    const a = model.getWeights().map((w) => w.clone());
    reinitialiseWeights(model, 5);
    model.getWeights().forEach((w, i) => expect(maxAbsDiff(w, a[i]!)).toBe(0));
    tf.dispose([x, ...before, ...seen, ...a]);
  });
});
