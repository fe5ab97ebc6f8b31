import { beforeAll, describe, expect, it } from 'vitest';
import { tf, initBackend, InvalidArgumentError } from '@deepcourse/backend';
import { conditionalDcgan, dcgan, dcganDiscriminator, dcganGenerator } from './dcgan.js';
import { maxAbsDifference, snapshot } from '../test-utils.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe('dcgan', () => {
  it('builds the course networks: 865,281 generator and 212,865 discriminator parameters (the course summary)', () => {
    const gan = dcgan();
    expect(gan.generator.countParams()).toBe(865_281);
    expect(gan.discriminator.countParams()).toBe(212_865);
    expect(gan.generator.layers.map((l) => l.getClassName())).toEqual([
      'InputLayer', 'Dense', 'LeakyReLU', 'BatchNormalization', 'Reshape', 'UpSampling2D', 'Conv2D', 'BatchNormalization', 'LeakyReLU', 'UpSampling2D', 'Conv2D',
    ]);
    expect(gan.discriminator.layers.map((l) => l.getClassName())).toEqual([
      'InputLayer', 'Conv2D', 'LeakyReLU', 'SeededDropout', 'Conv2D', 'LeakyReLU', 'SeededDropout', 'Flatten', 'Dense',
    ]);
    tf.dispose(gan.generator.weights.map((w) => w.read()));
  });

  it('maps noise to tanh images and images to probabilities, with configurable sizes', () => {
    const options = { latentDim: 8, generatorBaseFilters: 4, generatorConvFilters: 3, discriminatorFilters: [2, 3] as [number, number], kernelSize: 3, seed: 1 };
    const g = dcganGenerator(options);
    const d = dcganDiscriminator(options);
    const out = tf.tidy(() => {
      const images = g.predict(tf.randomNormal([5, 8], 0, 1, 'float32', 1)) as tf.Tensor;
      const p = d.predict(images) as tf.Tensor;
      return [images.shape, images.min().dataSync()[0], images.max().dataSync()[0], p.shape, p.min().dataSync()[0], p.max().dataSync()[0]];
    });
    expect(out[0]).toEqual([5, 28, 28, 1]);
    expect(out[1]).toBeGreaterThanOrEqual(-1);
    expect(out[2]).toBeLessThanOrEqual(1);
    expect(out[3]).toEqual([5, 1]);
    expect(out[4]).toBeGreaterThan(0);
    expect(out[5]).toBeLessThan(1);
  });

  it('is reproduced by its seed and changed by another', () => {
    const options = { latentDim: 4, generatorBaseFilters: 2, generatorConvFilters: 2, discriminatorFilters: [2, 2] as [number, number], kernelSize: 3 };
    const a = snapshot(dcgan({ ...options, seed: 7 }).generator);
    const b = snapshot(dcgan({ ...options, seed: 7 }).generator);
    const c = snapshot(dcgan({ ...options, seed: 8 }).generator);
    expect(maxAbsDifference(a, b)).toBe(0);
    expect(maxAbsDifference(a, c)).toBeGreaterThan(0);
  });

  it('rejects bad sizes, naming the option', () => {
    expect(() => dcgan({ imageSize: 30 })).toThrow(InvalidArgumentError);
    expect(() => dcgan({ imageSize: 30 })).toThrow(/imageSize/);
    expect(() => dcgan({ dropout: 1 })).toThrow(/dropout/);
    expect(() => dcgan({ discriminatorFilters: [1] as unknown as [number, number] })).toThrow(/discriminatorFilters/);
  });
});

describe('conditionalDcgan', () => {
  it('takes one-hot labels in both networks', () => {
    const gan = conditionalDcgan({ latentDim: 6, numClasses: 3, generatorBaseFilters: 2, generatorConvFilters: 2, discriminatorFilters: [2, 2], kernelSize: 3 });
    expect(gan.numClasses).toBe(3);
    const shapes = tf.tidy(() => {
      const labels = tf.oneHot(tf.tensor1d([0, 2], 'int32'), 3).toFloat();
      const images = gan.generator.predict([tf.randomNormal([2, 6], 0, 1, 'float32', 3), labels]) as tf.Tensor;
      const p = gan.discriminator.predict([images, labels]) as tf.Tensor;
      return [images.shape, p.shape];
    });
    expect(shapes).toEqual([[2, 28, 28, 1], [2, 1]]);
    expect(() => conditionalDcgan({ numClasses: 1 })).toThrow(/numClasses/);
  });
});
