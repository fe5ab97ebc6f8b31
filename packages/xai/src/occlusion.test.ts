import { beforeAll, describe, expect, it } from 'vitest';
import { tf, initBackend, InvalidArgumentError } from '@deepcourse/backend';
import { occlusion, patchStarts } from './occlusion.js';
import { expectNoLeak, maxAbsDiff } from './test-utils.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe('occlusion', () => {
  it('patch positions cover the far edge', () => {
    expect(patchStarts(10, 4, 2)).toEqual([0, 2, 4, 6]);
    expect(patchStarts(9, 4, 2)).toEqual([0, 2, 4, 5]);
    expect(patchStarts(4, 4, 3)).toEqual([0]);
  });

  it('on a linear model with 1x1 patches equals Σ_c w_c (x_c − baseline)', async () => {
    const model = tf.sequential();
    model.add(tf.layers.flatten({ inputShape: [5, 6, 2] }));
    model.add(tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }));
    const x = tf.randomUniform([2, 5, 6, 2], 0, 1, 'float32', 4);
    const targets = [1, 2];
    const result = await expectNoLeak(() => occlusion(model, x, { targets, window: 1, stride: 1, baseline: 0.5, batchSize: 13 }), () => 1);
    const kernel = model.layers[1]!.getWeights()[0] as tf.Tensor2D;
    const w = tf.gather(kernel.transpose(), targets).reshape([2, 5, 6, 2]);
    expect(maxAbsDiff(result.heatmaps, x.sub(0.5).mul(w).sum(3))).toBeLessThan(1e-5);
    // A 2x2 patch with stride 2 tiles the image: every pixel gets its patch's total drop.
    const tiled = await occlusion(model, x, { targets, window: 2, stride: 2, baseline: 0.5 });
    const perPixel = x.sub(0.5).mul(w).sum(3);
    const v = perPixel.arraySync() as number[][][];
    const patchTotal = v[0]![0]![0]! + v[0]![0]![1]! + v[0]![1]![0]! + v[0]![1]![1]!;
    expect((tiled.heatmaps.arraySync() as number[][][])[0]![1]![1]).toBeCloseTo(patchTotal, 5);
    tf.dispose([x, result.heatmaps, tiled.heatmaps, w, perPixel]);
  });

  it('rejects bad windows', async () => {
    const model = tf.sequential();
    model.add(tf.layers.flatten({ inputShape: [4, 4, 1] }));
    model.add(tf.layers.dense({ units: 2 }));
    const x = tf.zeros([1, 4, 4, 1]) as tf.Tensor4D;
    await expect(occlusion(model, x, { window: 0 })).rejects.toThrow(InvalidArgumentError);
    await expect(occlusion(model, x, { stride: [1, 1, 1] as unknown as [number, number] })).rejects.toThrow(/stride/);
    x.dispose();
  });
});
