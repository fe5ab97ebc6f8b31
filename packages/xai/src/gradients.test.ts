import { beforeAll, describe, expect, it } from 'vitest';
import { tf, initBackend, InvalidArgumentError, ShapeError } from '@deepcourse/backend';
import { integratedGradients, integrationPoints, saliency, smoothGrad } from './gradients.js';
import { expectNoLeak, maxAbsDiff } from './test-utils.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

const seeded = (seed: number) => tf.initializers.glorotUniform({ seed });

/** Images [4, 4, 2] → flatten → Dense(3, softmax): the logit of class c is x·w_c + b_c. */
function linearModel(): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.flatten({ inputShape: [4, 4, 2] }));
  model.add(tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: seeded(11), biasInitializer: tf.initializers.constant({ value: 0.3 }) }));
  return model;
}

function smallCnn(): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.conv2d({ inputShape: [10, 10, 1], filters: 6, kernelSize: 3, activation: 'relu', kernelInitializer: seeded(21) }));
  model.add(tf.layers.conv2d({ filters: 8, kernelSize: 3, strides: 2, activation: 'relu', kernelInitializer: seeded(22) }));
  model.add(tf.layers.flatten({}));
  model.add(tf.layers.dense({ units: 4, activation: 'softmax', kernelInitializer: seeded(23) }));
  return model;
}

describe('linear model identities', () => {
  let model: tf.Sequential;
  let x: tf.Tensor4D;
  let kernel: tf.Tensor2D; // [32, 3]
  const targets = [0, 1, 2, 1, 0];
  beforeAll(() => {
    model = linearModel();
    x = tf.randomUniform([5, 4, 4, 2], 0, 1, 'float32', 1);
    kernel = model.layers[1]!.getWeights()[0] as tf.Tensor2D;
  });
  /** w_c for each image's class, shaped like the images. */
  const weightsPerImage = () => tf.tidy(() => tf.gather(kernel.transpose(), targets).reshape([5, 4, 4, 2]));

  it('saliency equals the class weights', async () => {
    const result = await expectNoLeak(() => saliency(model, x, { targets }), () => 2);
    const w = weightsPerImage();
    expect(result.targets).toEqual(targets);
    expect(maxAbsDiff(result.attributions, w)).toBeLessThan(1e-6);
    // maxAbs over the two channels is the default heatmap.
    expect(maxAbsDiff(result.heatmaps!, w.abs().max(3))).toBeLessThan(1e-6);
    tf.dispose([result.attributions, result.heatmaps!, w]);
  });

  it('gradient × input equals x·w', async () => {
    const result = await saliency(model, x, { targets, multiplyByInput: true });
    const w = weightsPerImage();
    expect(maxAbsDiff(result.attributions, x.mul(w))).toBeLessThan(1e-6);
    expect(maxAbsDiff(result.heatmaps!, x.mul(w).sum(3))).toBeLessThan(1e-6);
    tf.dispose([result.attributions, result.heatmaps!, w]);
  });

  it('integrated gradients equal (x − baseline)·w, with a zero completeness gap', async () => {
    const baseline = tf.randomUniform([4, 4, 2], 0, 0.5, 'float32', 2);
    const result = await expectNoLeak(() => integratedGradients(model, x, { targets, baseline, steps: 7 }), () => 2);
    const w = weightsPerImage();
    const expected = x.sub(baseline).mul(w);
    expect(maxAbsDiff(result.attributions, expected)).toBeLessThan(1e-6);
    // Completeness: Σ attributions = logit(x) − logit(baseline) = (x − baseline)·w.
    const sums = expected.sum([1, 2, 3]).arraySync() as number[];
    result.scoreDifference.forEach((d, i) => expect(d).toBeCloseTo(sums[i]!, 5));
    result.completenessGap.forEach((g) => expect(Math.abs(g)).toBeLessThan(1e-5));
    tf.dispose([result.attributions, result.heatmaps!, w, expected, baseline]);
  });

  it('explains logits, not softmax: the softmax output gradient is not the weight vector', async () => {
    const onSoftmax = await saliency(model, x, { targets, output: 'model' });
    const w = weightsPerImage();
    expect(maxAbsDiff(onSoftmax.attributions, w)).toBeGreaterThan(1e-2);
    tf.dispose([onSoftmax.attributions, onSoftmax.heatmaps!, w]);
  });

  it('takes the predicted class when no target is given', async () => {
    const predicted = Array.from((model.predict(x) as tf.Tensor).argMax(1).dataSync());
    const result = await saliency(model, x);
    expect(result.targets).toEqual(predicted);
    tf.dispose([result.attributions, result.heatmaps!]);
  });

  it('rejects bad targets and inputs with typed errors', async () => {
    await expect(saliency(model, x, { targets: [0, 1] })).rejects.toThrow(InvalidArgumentError);
    await expect(saliency(model, x, { targets: 3 })).rejects.toThrow(/targets\[0\]: expected a class index in \[0, 3\)/);
    const wrong = tf.zeros([2, 4, 4, 3]);
    await expect(saliency(model, wrong)).rejects.toThrow(ShapeError);
    await expect(integratedGradients(model, x, { baseline: tf.zeros([3, 3]) })).rejects.toThrow(/baseline/);
    wrong.dispose();
  });
});

describe('integrated gradients on a CNN', () => {
  it('completeness gap under 1% of |F(x) − F(baseline)| at 200 steps', async () => {
    const model = smallCnn();
    const x = tf.randomUniform([3, 10, 10, 1], 0, 1, 'float32', 31);
    const result = await expectNoLeak(() => integratedGradients(model, x, { steps: 200, targets: [0, 1, 3] }), () => 2);
    result.scoreDifference.forEach((d, i) => {
      expect(Math.abs(d)).toBeGreaterThan(1e-3);
      expect(Math.abs(result.completenessGap[i]!)).toBeLessThan(0.01 * Math.abs(d));
    });
    // The gap is real quadrature error: 2 steps resolve the integral worse than 200.
    const coarse = await integratedGradients(model, x, { steps: 2, targets: [0, 1, 3] });
    const total = (gaps: number[]) => gaps.reduce((a, g) => a + Math.abs(g), 0);
    expect(total(coarse.completenessGap)).toBeGreaterThan(total(result.completenessGap));
    tf.dispose([x, result.attributions, result.heatmaps!, coarse.attributions, coarse.heatmaps!]);
  });

  it('integration rules have weights summing to 1', () => {
    for (const rule of ['trapezoid', 'left', 'right', 'midpoint'] as const) {
      const { alphas, weights } = integrationPoints(4, rule);
      expect(weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
      expect(alphas.every((a) => a >= 0 && a <= 1)).toBe(true);
    }
    expect(integrationPoints(2, 'trapezoid')).toEqual({ alphas: [0, 0.5, 1], weights: [0.25, 0.5, 0.25] });
    expect(integrationPoints(2, 'midpoint').alphas).toEqual([0.25, 0.75]);
  });
});

describe('batches', () => {
  it('a batch gives the same saliency, SmoothGrad and IG as each image alone', async () => {
    const model = smallCnn();
    const x = tf.randomUniform([4, 10, 10, 1], 0, 1, 'float32', 41);
    const targets = [2, 0, 3, 1];
    // batchSize 3 also splits the batch unevenly.
    const batch = await saliency(model, x, { targets, batchSize: 3 });
    const ig = await integratedGradients(model, x, { targets, steps: 16, batchSize: 5 });
    for (let i = 0; i < 4; i++) {
      const one = x.slice(i, 1);
      const alone = await saliency(model, one, { targets: [targets[i]!] });
      expect(maxAbsDiff(alone.attributions, batch.attributions.slice(i, 1))).toBeLessThan(1e-6);
      const igAlone = await integratedGradients(model, one, { targets: [targets[i]!], steps: 16 });
      expect(maxAbsDiff(igAlone.attributions, ig.attributions.slice(i, 1))).toBeLessThan(1e-6);
      expect(igAlone.completenessGap[0]).toBeCloseTo(ig.completenessGap[i]!, 5);
      tf.dispose([one, alone.attributions, alone.heatmaps!, igAlone.attributions, igAlone.heatmaps!]);
    }
    tf.dispose([x, batch.attributions, batch.heatmaps!, ig.attributions, ig.heatmaps!]);
  });

  it('SmoothGrad is seeded, independent of batchSize, and averages noisy gradients', async () => {
    const model = smallCnn();
    const x = tf.randomUniform([3, 10, 10, 1], 0, 1, 'float32', 51);
    const a = await expectNoLeak(() => smoothGrad(model, x, { samples: 6, seed: 7, targets: 1 }), () => 2);
    const b = await smoothGrad(model, x, { samples: 6, seed: 7, targets: 1, batchSize: 2 });
    const c = await smoothGrad(model, x, { samples: 6, seed: 8, targets: 1 });
    const plain = await saliency(model, x, { targets: 1 });
    const noiseless = await smoothGrad(model, x, { samples: 3, noiseLevel: 0, targets: 1 });
    expect(maxAbsDiff(a.attributions, b.attributions)).toBeLessThan(1e-6);
    expect(maxAbsDiff(a.attributions, c.attributions)).toBeGreaterThan(1e-4);
    expect(maxAbsDiff(a.attributions, plain.attributions)).toBeGreaterThan(1e-4);
    expect(maxAbsDiff(noiseless.attributions, plain.attributions)).toBeLessThan(1e-6);
    for (const r of [a, b, c, plain, noiseless]) tf.dispose([r.attributions, r.heatmaps!]);
    x.dispose();
  });
});
