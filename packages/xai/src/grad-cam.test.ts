import { beforeAll, describe, expect, it } from 'vitest';
import { tf, initBackend, ShapeError } from '@deepcourse/backend';
import { gradCam, gradCamPlusPlus } from './grad-cam.js';
import { occlusion } from './occlusion.js';
import { upsampleBilinear } from './heatmaps.js';
import { UnsupportedModelError } from './errors.js';
import { expectNoLeak, maxAbsDiff } from './test-utils.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

const seeded = (seed: number) => tf.initializers.glorotUniform({ seed });

/** conv → conv ('features', 6x6x5) → global average pooling → Dense(3, softmax): the CAM architecture. */
function gapModel(): tf.Sequential {
  const model = tf.sequential({ name: 'gap_model' });
  model.add(tf.layers.conv2d({ inputShape: [12, 12, 1], filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: seeded(1) }));
  model.add(tf.layers.conv2d({ filters: 5, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', kernelInitializer: seeded(2), biasInitializer: tf.initializers.constant({ value: 0.05 }), name: 'features' }));
  model.add(tf.layers.globalAveragePooling2d({}));
  model.add(tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: seeded(3) }));
  return model;
}

/** Feature maps A [N, 6, 6, 5] of the 'features' layer and the Dense kernel W [5, 3]. */
function camParts(model: tf.Sequential, x: tf.Tensor4D): { features: tf.Tensor4D; kernel: tf.Tensor2D } {
  const featureModel = tf.model({ inputs: model.inputs, outputs: model.getLayer('features').output as tf.SymbolicTensor });
  return { features: featureModel.predict(x) as tf.Tensor4D, kernel: model.layers[3]!.getWeights()[0] as tf.Tensor2D };
}

describe('gradCam', () => {
  it('on a GAP + Dense network equals the class activation map divided by h·w (Grad-CAM ∝ CAM)', async () => {
    const model = gapModel();
    const x = tf.randomUniform([3, 12, 12, 1], 0, 1, 'float32', 4);
    const targets = [0, 2, 1];
    const { features, kernel } = camParts(model, x as tf.Tensor4D);
    // CAM_c = ReLU(Σ_k W[k, c] A_k) (Zhou et al. 2016).
    const cam = tf.tidy(() => features.mul(tf.gather(kernel.transpose(), targets).reshape([3, 1, 1, 5])).sum(3).relu()) as tf.Tensor3D;
    const low = await expectNoLeak(() => gradCam(model, x, { targets, upsample: false }), () => 1);
    expect(low.layer).toBe('gap_model/features');
    expect(low.featureMapSize).toEqual([6, 6]);
    expect(low.skippedActivation).toBe('softmax');
    expect(maxAbsDiff(low.heatmaps.mul(36), cam)).toBeLessThan(1e-5);
    expect(cam.max().dataSync()[0]).toBeGreaterThan(0.01);
    const full = await gradCam(model, x, { targets });
    expect(full.heatmaps.shape).toEqual([3, 12, 12]);
    const expected = upsampleBilinear(cam, 12, 12);
    expect(maxAbsDiff(full.heatmaps.mul(36), expected)).toBeLessThan(1e-5);
    // On the softmax output the gradient mixes the other classes in: no longer the CAM.
    const onSoftmax = await gradCam(model, x, { targets, upsample: false, output: 'model' });
    const ratio = tf.tidy(() => onSoftmax.heatmaps.div(cam.div(36).add(1e-9)));
    const r = ratio.dataSync().filter((_, i) => cam.dataSync()[i]! > 1e-3);
    expect(Math.max(...r) - Math.min(...r)).toBeGreaterThan(1e-2);
    tf.dispose([x, features, cam, low.heatmaps, full.heatmaps, expected, onSoftmax.heatmaps, ratio]);
  });

  it('Grad-CAM++ matches its closed form on the GAP network', async () => {
    const model = gapModel();
    const x = tf.randomUniform([2, 12, 12, 1], 0, 1, 'float32', 5);
    const targets = [1, 2];
    const { features, kernel } = camParts(model, x as tf.Tensor4D);
    const expected = tf.tidy(() => {
      // d logit / dA_k(i, j) = W[k, c] / 36 everywhere.
      const g = tf.gather(kernel.transpose(), targets).div(36).reshape([2, 1, 1, 5]);
      const sumA = features.sum([1, 2], true);
      const alpha = g.square().div(g.square().mul(2).add(sumA.mul(g.pow(3))));
      const weights = alpha.mul(g.relu()).mul(36);
      return features.mul(weights).sum(3).relu();
    });
    const result = await expectNoLeak(() => gradCamPlusPlus(model, x, { targets, upsample: false }), () => 1);
    expect(maxAbsDiff(result.heatmaps, expected)).toBeLessThan(1e-6);
    tf.dispose([x, features, expected, result.heatmaps]);
  });

  it('reaches a conv layer inside a nested transfer base and matches the same network built flat', async () => {
    const input = tf.input({ shape: [12, 12, 1] });
    const conv1 = tf.layers.conv2d({ filters: 4, kernelSize: 3, activation: 'relu', kernelInitializer: seeded(6), name: 'base_conv1' });
    const conv2 = tf.layers.conv2d({ filters: 6, kernelSize: 3, activation: 'relu', kernelInitializer: seeded(7), name: 'base_conv2' });
    const base = tf.model({ inputs: input, outputs: conv2.apply(conv1.apply(input)) as tf.SymbolicTensor, name: 'base' });
    const gap = tf.layers.globalAveragePooling2d({ name: 'gap' });
    const head = tf.layers.dense({ units: 4, activation: 'softmax', kernelInitializer: seeded(8), name: 'head' });
    // The transfer model: the base is one layer of the outer functional model.
    const outerInput = tf.input({ shape: [12, 12, 1] });
    const transfer = tf.model({ inputs: outerInput, outputs: head.apply(gap.apply(base.apply(outerInput))) as tf.SymbolicTensor, name: 'transfer' });
    // The same layers (same weights) in one flat graph.
    const flatInput = tf.input({ shape: [12, 12, 1] });
    const flat = tf.model({
      inputs: flatInput,
      outputs: head.apply(gap.apply(conv2.apply(conv1.apply(flatInput)))) as tf.SymbolicTensor,
      name: 'flat',
    });
    const x = tf.randomUniform([3, 12, 12, 1], 0, 1, 'float32', 9);
    const nested = await expectNoLeak(() => gradCam(transfer, x), () => 1);
    const reference = await gradCam(flat, x);
    expect(nested.layer).toBe('transfer/base/base_conv2');
    expect(reference.layer).toBe('flat/base_conv2');
    expect(nested.targets).toEqual(reference.targets);
    expect(maxAbsDiff(nested.heatmaps, reference.heatmaps)).toBeLessThan(1e-6);
    expect(reference.heatmaps.max().dataSync()[0]).toBeGreaterThan(1e-4);
    const inner = await gradCam(transfer, x, { layer: 'base/base_conv1' });
    const innerFlat = await gradCam(flat, x, { layer: 'base_conv1' });
    expect(maxAbsDiff(inner.heatmaps, innerFlat.heatmaps)).toBeLessThan(1e-6);
    tf.dispose([x, nested.heatmaps, reference.heatmaps, inner.heatmaps, innerFlat.heatmaps]);
  });

  it('a batch gives the same maps as each image alone, for per-image targets (Grad-CAM, Grad-CAM++, occlusion)', async () => {
    const model = gapModel();
    const x = tf.randomUniform([4, 12, 12, 1], 0, 1, 'float32', 10);
    const targets = [2, 0, 1, 0];
    const cam = await gradCam(model, x, { targets, batchSize: 3 });
    const plus = await gradCamPlusPlus(model, x, { targets });
    const occ = await expectNoLeak(() => occlusion(model, x, { targets, window: 4, stride: 2, batchSize: 7 }), () => 1);
    for (let i = 0; i < 4; i++) {
      const one = x.slice(i, 1);
      const t = [targets[i]!];
      const results = [await gradCam(model, one, { targets: t }), await gradCamPlusPlus(model, one, { targets: t }), await occlusion(model, one, { targets: t, window: 4, stride: 2 })];
      [cam, plus, occ].forEach((batch, m) => expect(maxAbsDiff(results[m]!.heatmaps, batch.heatmaps.slice(i, 1))).toBeLessThan(1e-5));
      tf.dispose([one, ...results.map((r) => r.heatmaps)]);
    }
    // The classes differ per image, so the maps are not all the same class's maps.
    const allZero = await gradCam(model, x, { targets: 0 });
    expect(maxAbsDiff(allZero.heatmaps.slice(0, 1), cam.heatmaps.slice(0, 1))).toBeGreaterThan(1e-4);
    tf.dispose([x, cam.heatmaps, plus.heatmaps, occ.heatmaps, allZero.heatmaps]);
  });

  it('rejects models without a 4-D layer and non-image inputs', async () => {
    const dense = tf.sequential();
    dense.add(tf.layers.dense({ inputShape: [4], units: 2 }));
    const v = tf.zeros([2, 4]);
    await expect(gradCam(dense, v as tf.Tensor4D)).rejects.toThrow(ShapeError);
    const model = gapModel();
    const x = tf.zeros([1, 12, 12, 1]) as tf.Tensor4D;
    await expect(gradCam(model, x, { layer: 'missing' })).rejects.toThrow(UnsupportedModelError);
    tf.dispose([v, x]);
  });
});
