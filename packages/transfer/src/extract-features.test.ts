import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '@deepcourse/backend';
import { BaseInputShapeError } from './errors.js';
import { extractFeatures } from './extract-features.js';
import { expectNoLeak, tinyBase } from './test-utils.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe('extractFeatures', () => {
  it('returns the hidden layer of an MLP base, computed by hand', async () => {
    const hidden = tf.layers.dense({ inputShape: [2], units: 3, activation: 'relu', name: 'ef_hidden' });
    const base = tf.sequential({ layers: [hidden, tf.layers.dense({ units: 2, activation: 'softmax', name: 'ef_out' })] });
    hidden.setWeights([tf.tensor2d([[1, -1, 2], [0.5, 1, -3]]), tf.tensor1d([0, 0.5, 1])]);
    const x = tf.tensor2d([[1, 2], [-1, 1], [3, 0]]);
    const features = await expectNoLeak(() => extractFeatures(base, x, { batchSize: 2 }), () => 1);
    // relu([1+1, -1+2+0.5, 2-6+1]) = [2, 1.5, 0]; relu([-1+0.5, 1+1+0.5, -2-3+1]) = [0, 2.5, 0]; relu([3, -2.5, 7]) = [3, 0, 7]
    expect(features.shape).toEqual([3, 3]);
    expect(Array.from(features.dataSync())).toEqual([2, 1.5, 0, 0, 2.5, 0, 3, 0, 7]);
    tf.dispose([x, features]);
    base.dispose();
  });

  it('pools conv features per channel, batch by batch, and equals one whole pass', async () => {
    const base = tinyBase(7, 'tiny_ef');
    const images = tf.randomUniform([5, 8, 8, 1], 0, 1, 'float32', 2);
    const flat = extractFeatures(base, images);
    expect(flat.shape).toEqual([5, 16]);
    const maps = tf.model({ inputs: base.inputs, outputs: base.getLayer('c2').output as tf.SymbolicTensor }).predict(images) as tf.Tensor4D;
    const avg = await expectNoLeak(() => extractFeatures(base, images, { cutAt: 'c2', pooling: 'avg', batchSize: 2 }), () => 1);
    const byHand = maps.mean([1, 2]);
    expect(avg.shape).toEqual([5, 4]);
    expect(Array.from(avg.dataSync()).map((v) => v.toFixed(6))).toEqual(Array.from(byHand.dataSync()).map((v) => v.toFixed(6)));
    const max = extractFeatures(base, images, { cutAt: 'c2', pooling: 'max' });
    const maxByHand = maps.max([1, 2]);
    expect(Array.from(max.dataSync())).toEqual(Array.from(maxByHand.dataSync()));
    tf.dispose([images, flat, maps, avg, byHand, max, maxByHand]);
    base.dispose();
  });

  it('names the base input and the images when their shapes differ', () => {
    const base = tinyBase(8, 'tiny_ef_bad');
    const rgb = tf.zeros([2, 8, 8, 3]);
    expect(() => extractFeatures(base, rgb)).toThrow(BaseInputShapeError);
    expect(() => extractFeatures(base, rgb)).toThrow(/^images: expected examples of shape \[8, 8, 1\], the input of model "tiny_ef_bad", found \[8, 8, 3\]/);
    rgb.dispose();
    base.dispose();
  });
});
