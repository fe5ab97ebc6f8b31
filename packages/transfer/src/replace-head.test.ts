import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, InvalidArgumentError, tf } from '@deepcourse/backend';
import { BaseInputShapeError } from './errors.js';
import { findFeatureLayer } from './feature-layer.js';
import { listLayers } from './layer-paths.js';
import { disposeWithBase, replaceHead } from './replace-head.js';
import { trainClassifier } from '@deepcourse/cnn-models';
import { expectNoLeak, tinyBase, tinyData } from './test-utils.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe('findFeatureLayer', () => {
  it('finds the last Flatten, a global pooling layer, or the layer before the classifier', () => {
    const base = tinyBase();
    expect(findFeatureLayer(base).name).toBe('flat');
    expect(findFeatureLayer(base, 'c2').name).toBe('c2');
    expect(findFeatureLayer(base, -3).name).toBe('d1');
    const gap = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [8, 8, 1], filters: 2, kernelSize: 3, name: 'g_conv' }),
        tf.layers.globalAveragePooling2d({ name: 'g_pool' }),
        tf.layers.dense({ units: 3, name: 'g_cls' }),
      ],
    });
    expect(findFeatureLayer(gap).name).toBe('g_pool');
    const mlp = tf.sequential({
      layers: [tf.layers.dense({ inputShape: [4], units: 3, name: 'm_hidden' }), tf.layers.dropout({ rate: 0.5, name: 'm_drop' }), tf.layers.dense({ units: 2, name: 'm_out' })],
    });
    expect(findFeatureLayer(mlp).name).toBe('m_drop');
    const single = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 2, name: 's_out' })] });
    expect(() => findFeatureLayer(single)).toThrow(/cutAt: expected a layer to cut at/);
    expect(() => findFeatureLayer(base, 'nope')).toThrow(/c1, p1, c2, flat, d1, drop, cls/);
    [base, gap, mlp, single].forEach((m) => m.dispose());
  });
});

describe('replaceHead', () => {
  it.each(['nested', 'flat'] as const)('%s: new head on the base features, base weights shared and frozen', async (layout) => {
    const base = tinyBase(4, `tiny_rh_${layout}`);
    const model = await expectNoLeak(() => replaceHead(base, { numClasses: 4, hidden: [6], dropout: 0.5, layout, seed: 3 }), (m) => m.weights.length - base.weights.length + 4);
    expect(model.outputs[0]!.shape).toEqual([null, 4]);
    const paths = listLayers(model).map((e) => e.path);
    const prefix = layout === 'nested' ? 'base/' : '';
    expect(paths).toEqual([`${prefix}c1`, `${prefix}p1`, `${prefix}c2`, `${prefix}flat`, 'head_dense_1', 'head_dropout_1', 'head_output']);
    if (layout === 'nested') expect(model.layers.map((l) => l.name)).toEqual(['head_input', 'base', 'head_dense_1', 'head_dropout_1', 'head_output']);
    // Only the head trains; its first kernel reads the 16 flattened features.
    expect(model.trainableWeights.map((w) => `${w.originalName}:${w.shape.join('x')}`)).toEqual([
      'head_dense_1/kernel:16x6', 'head_dense_1/bias:6', 'head_output/kernel:6x4', 'head_output/bias:4',
    ]);
    // The output equals the head applied by hand to the base's flatten features.
    const x = tf.randomUniform([3, 8, 8, 1], 0, 1, 'float32', 5);
    const features = tf.model({ inputs: base.inputs, outputs: base.getLayer('flat').output as tf.SymbolicTensor }).predict(x) as tf.Tensor2D;
    const [k1, b1, k2, b2] = ['head_dense_1', 'head_output'].flatMap((n) => model.getLayer(n).getWeights());
    const expected = tf.tidy(() => tf.softmax(tf.relu(features.matMul(k1 as tf.Tensor2D).add(b1!)).matMul(k2 as tf.Tensor2D).add(b2!)));
    const got = model.predict(x) as tf.Tensor;
    expect(Array.from(got.dataSync()).map((v) => v.toFixed(5))).toEqual(Array.from(expected.dataSync()).map((v) => v.toFixed(5)));
    tf.dispose([x, features, expected, got]); // getWeights returns the variables themselves: not disposed here
    // Shared, not copied: the base's conv kernel is the very variable the new model holds.
    expect(model.weights.some((w) => w === base.getLayer('c1').weights[0])).toBe(true);
    disposeWithBase(model, base);
  });

  it.each(['nested', 'flat'] as const)('%s: disposeWithBase frees the model, the shared layers and the cut-off classifier', (layout) => {
    const before = tf.memory().numTensors;
    const base = tinyBase(9, `tiny_free_${layout}`);
    const model = replaceHead(base, { numClasses: 2, hidden: 3, layout });
    // Base: 4 weighted layers x 2; head: 2 x 2.
    expect(tf.memory().numTensors - before).toBe(12);
    disposeWithBase(model, base);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('disposeWithBase also frees the optimizer a trained base owns (as base.dispose() would)', async () => {
    const before = tf.memory().numTensors;
    const base = tinyBase(11, 'tiny_trained');
    const data = tinyData(8, 3);
    // trainClassifier compiles the base with an Adam it owns: 2 beta powers + 2 moments x 8 weights.
    await trainClassifier(base, data, { epochs: 1, batchSize: 4, seed: 1, progress: false });
    tf.dispose([data.images, data.labels]);
    expect(tf.memory().numTensors - before).toBe(8 + 2 + 16);
    const model = replaceHead(base, { numClasses: 2, hidden: 3 });
    disposeWithBase(model, base);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a cut at a conv layer pools or flattens; binary heads have one sigmoid unit; the same seed builds the same head', () => {
    const base = tinyBase(5, 'tiny_cut');
    const avg = replaceHead(base, { numClasses: 1, cutAt: 'c2', pooling: 'avg', seed: 8 });
    expect(avg.getLayer('head_pool').getClassName()).toBe('GlobalAveragePooling2D');
    expect(avg.getLayer('head_output').getWeights()[0]!.shape).toEqual([4, 1]);
    expect(avg.outputs[0]!.shape).toEqual([null, 1]);
    const flat = replaceHead(base, { numClasses: 3, cutAt: 'c2', seed: 8, layout: 'flat' });
    expect(flat.getLayer('head_output').getWeights()[0]!.shape).toEqual([16, 3]);
    const again = replaceHead(base, { numClasses: 1, cutAt: 'c2', pooling: 'avg', seed: 8 });
    const [a, b] = [avg, again].map((m) => m.getLayer('head_output').getWeights()[0]!);
    expect(Array.from(b!.dataSync())).toEqual(Array.from(a!.dataSync()));
    base.dispose();
  });

  it('rejects bad options and an input shape the base was not built for', () => {
    const base = tinyBase(6, 'tiny_bad');
    expect(() => replaceHead(base, { numClasses: 0 })).toThrow(InvalidArgumentError);
    expect(() => replaceHead(base, { numClasses: 2, dropout: 1 })).toThrow(/dropout: expected a rate in \[0, 1\)/);
    expect(() => replaceHead(base, { numClasses: 2, hidden: [4, -1] })).toThrow(/hidden\[1\]/);
    const error = (() => {
      try {
        replaceHead(base, { numClasses: 2, inputShape: [150, 150, 3] });
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error).toBeInstanceOf(BaseInputShapeError);
    expect(error?.message).toBe('inputShape: expected [8, 8, 1], the input of base "tiny_bad", found [150, 150, 3]');
    base.dispose();
  });
});
