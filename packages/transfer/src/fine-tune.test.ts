import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, InvalidArgumentError, tf } from '@deepcourse/backend';
import { BaseInputShapeError } from './errors.js';
import { fineTune } from './fine-tune.js';
import { trainableMap } from './layer-paths.js';
import { replaceHead } from './replace-head.js';
import { changedWeights, expectNoLeak, snapshot, tinyBase, tinyData } from './test-utils.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe('fineTune', () => {
  it.each(['nested', 'flat'] as const)('%s: phase one leaves the base bitwise unchanged; phase two changes only the chosen layers', async (layout) => {
    const base = tinyBase(11, `tiny_ft_${layout}`);
    const model = replaceHead(base, { numClasses: 3, hidden: 4, dropout: 0.25, layout, seed: 2, freezeBase: false });
    const data = tinyData(12, 3);
    const start = snapshot(model);

    const phaseOne = await expectNoLeak(
      () => fineTune(model, data, { phases: [{ epochs: 2, learningRate: 0.01 }], batchSize: 4, seed: 1, progress: false }),
      // The optimizer the phase compiled with keeps its moments (two per trainable weight, and Adam's two beta powers).
      () => 2 * model.trainableWeights.length + 2,
    );
    const afterOne = snapshot(model);
    expect(changedWeights(start, afterOne)).toEqual(['head_dense_1/bias', 'head_dense_1/kernel', 'head_output/bias', 'head_output/kernel']);
    expect(phaseOne.phases[0]!.trainedLayers).toEqual(['head_dense_1', 'head_output']);
    expect(phaseOne.phases[0]!.history.metrics.loss).toHaveLength(2);

    // Phase two: the top base layer with weights (c2) unfreezes at the lower rate; c1 stays bitwise put.
    const two = await expectNoLeak(
      // The previous run's optimizer and this run's first are freed when the next phase compiles: the model
      // ends up holding Adam's state for 6 weights (c2 and the head) instead of 4, 2 * (6 - 4) more tensors.
      () => fineTune(model, data, { phases: [{ epochs: 1, learningRate: 0.01 }, { epochs: 2, unfreezeTop: 1 }], batchSize: 4, seed: 1, progress: false }),
      () => 4,
    );
    const prefix = layout === 'nested' ? 'base/' : '';
    expect(two.phases[1]!.trainedLayers).toEqual([`${prefix}c2`, 'head_dense_1', 'head_output']);
    expect(two.phases[1]!.learningRate).toBe(1e-4);
    const afterTwo = snapshot(model);
    expect(changedWeights(afterOne, afterTwo)).toEqual(['c2/bias', 'c2/kernel', 'head_dense_1/bias', 'head_dense_1/kernel', 'head_output/bias', 'head_output/kernel']);
    // The flags stay those of the last phase.
    expect(trainableMap(model)[`${prefix}c1`]).toBe(false);
    expect(trainableMap(model)[`${prefix}c2`]).toBe(true);
    tf.dispose([data.images, data.labels]);
    model.dispose();
  });

  it('repeats exactly with the same seed, and unfreeze selects layers by name', async () => {
    const run = async () => {
      const model = replaceHead(tinyBase(12, 'tiny_ft_seed'), { numClasses: 3, dropout: 0.5, seed: 4 });
      const data = tinyData(8, 3);
      await fineTune(model, data, { phases: [{ epochs: 1 }, { epochs: 1, unfreeze: { names: ['base/c1'] } }], batchSize: 4, seed: 9, progress: false });
      const weights = snapshot(model);
      tf.dispose([data.images, data.labels]);
      model.dispose();
      return weights;
    };
    const [a, b] = [await run(), await run()];
    expect(changedWeights(a, b)).toEqual([]);
  });

  it('rejects data the base cannot take, a model without a head and bad phases', async () => {
    const model = replaceHead(tinyBase(13, 'tiny_ft_bad'), { numClasses: 3 });
    const rgb = { images: tf.zeros([4, 8, 8, 3]), labels: [0, 1, 2, 0] };
    await expect(fineTune(model, rgb, { progress: false })).rejects.toThrow(BaseInputShapeError);
    await expect(fineTune(model, rgb, { progress: false })).rejects.toThrow(/data.images: expected examples of shape \[8, 8, 1\].*found \[8, 8, 3\]/);
    const data = tinyData(4, 3);
    await expect(fineTune(model, data, { phases: [{ epochs: 1, unfreezeTop: 3 }] })).rejects.toThrow(/phases\[0\].unfreezeTop: expected 'all' or an integer in \[0, 2\]/);
    await expect(fineTune(model, data, { phases: [{ epochs: 0 }] })).rejects.toThrow(InvalidArgumentError);
    const plain = tinyBase(14, 'tiny_ft_plain');
    await expect(fineTune(plain, data, { progress: false })).rejects.toThrow(/model: expected a model with a head/);
    tf.dispose([rgb.images, data.images, data.labels]);
    model.dispose();
    plain.dispose();
  });
});
