import { beforeAll, describe, expect, it } from 'vitest';
import { tf, initBackend, InvalidArgumentError } from '@deepcourse/backend';
import { classHistogram, classifierFid, classifierScore, featureExtractor } from './classifier-metrics.js';
import { frechetDistanceOfFeatures } from './frechet-distance.js';
import { expectNoLeak } from '../test-utils.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

/** A "classifier" whose class probabilities are the softmax of the image's K pixel values. */
function softmaxOfPixels(k: number): tf.LayersModel {
  const m = tf.sequential();
  m.add(tf.layers.flatten({ inputShape: [1, k, 1] }));
  m.add(tf.layers.activation({ activation: 'softmax' }));
  return m;
}

/** Images whose pixels are the logs of the given probability rows. */
function imagesFromProbabilities(rows: number[][]): tf.Tensor4D {
  const k = rows[0]!.length;
  return tf.tensor4d(rows.flat().map((p) => Math.log(p)), [rows.length, 1, k, 1]);
}

describe('classifierScore', () => {
  it('equals exp(mean KL) computed by hand for two confident, opposite predictions', () => {
    const model = softmaxOfPixels(2);
    const images = imagesFromProbabilities([[0.9, 0.1], [0.1, 0.9]]);
    const kl = 0.9 * Math.log(0.9 / 0.5) + 0.1 * Math.log(0.1 / 0.5);
    const score = expectNoLeak(() => classifierScore(model, images));
    return score.then((s) => {
      expect(s).toBeCloseTo(Math.exp(kl), 5);
      images.dispose();
    });
  });

  it('is K for certain predictions spread evenly over K classes and 1 for identical predictions', () => {
    const model = softmaxOfPixels(4);
    const certain = imagesFromProbabilities([0, 1, 2, 3, 0, 1, 2, 3].map((c) => [0, 1, 2, 3].map((j) => (j === c ? 1 - 3e-9 : 1e-9))));
    expect(classifierScore(model, certain, { batchSize: 3 })).toBeCloseTo(4, 4);
    const same = imagesFromProbabilities([[0.4, 0.3, 0.2, 0.1], [0.4, 0.3, 0.2, 0.1]]);
    expect(classifierScore(model, same)).toBeCloseTo(1, 6);
    tf.dispose([certain, same]);
  });

  it('rejects a classifier that does not output probabilities', () => {
    const m = tf.sequential();
    m.add(tf.layers.flatten({ inputShape: [1, 2, 1] }));
    const images = tf.tensor4d([3, 4], [1, 1, 2, 1]);
    expect(() => classifierScore(m, images)).toThrow(InvalidArgumentError);
    expect(() => classifierScore(m, images)).toThrow(/softmax/);
    images.dispose();
  });
});

describe('classHistogram', () => {
  it('counts argmax classes and raises the mode-collapse alarm', () => {
    const model = softmaxOfPixels(3);
    const images = imagesFromProbabilities([[0.8, 0.1, 0.1], [0.7, 0.2, 0.1], [0.1, 0.8, 0.1], [0.6, 0.3, 0.1]]);
    const h = classHistogram(model, images);
    expect(h.counts).toEqual([3, 1, 0]);
    expect(h.fractions).toEqual([0.75, 0.25, 0]);
    expect(h.missingClasses).toEqual([2]);
    expect(h.maxFraction).toBe(0.75);
    expect(h.modeCollapse).toBe(true);
    const balanced = imagesFromProbabilities([[0.8, 0.1, 0.1], [0.1, 0.8, 0.1], [0.1, 0.1, 0.8]]);
    expect(classHistogram(model, balanced, { maxFraction: 0.34 }).modeCollapse).toBe(false);
    tf.dispose([images, balanced]);
  });
});

describe('classifierFid', () => {
  function smallClassifier(): tf.LayersModel {
    const m = tf.sequential();
    m.add(tf.layers.flatten({ inputShape: [4, 4, 1] }));
    m.add(tf.layers.dense({ units: 5, activation: 'tanh', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }), name: 'features' }));
    m.add(tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }));
    return m;
  }

  it('is 0 for a set with itself, invariant to order, and equals the Fréchet distance of the penultimate features', async () => {
    const model = smallClassifier();
    const a = tf.randomUniform([64, 4, 4, 1], 0, 1, 'float32', 1) as tf.Tensor4D;
    const b = tf.randomUniform([48, 4, 4, 1], 0.2, 1, 'float32', 2) as tf.Tensor4D;
    const shuffled = tf.gather(a, tf.tensor1d(Array.from({ length: 64 }, (_, i) => (i * 37) % 64), 'int32')) as tf.Tensor4D;
    const self = await expectNoLeak(() => classifierFid(model, a, a, { batchSize: 10 }));
    expect(self).toBe(0);
    const d = classifierFid(model, a, b);
    expect(d).toBeGreaterThan(0.01);
    expect(classifierFid(model, shuffled, b)).toBeCloseTo(d, 6);
    const fa = tf.tidy(() => (model.layers[1] as tf.layers.Layer).apply(model.layers[0]!.apply(a)) as tf.Tensor);
    const fb = tf.tidy(() => (model.layers[1] as tf.layers.Layer).apply(model.layers[0]!.apply(b)) as tf.Tensor);
    expect(d).toBeCloseTo(frechetDistanceOfFeatures({ values: fa.dataSync(), rows: 64 }, { values: fb.dataSync(), rows: 48 }, 5), 5);
    expect(classifierFid(model, a, b, { layer: 'features' })).toBeCloseTo(d, 8);
    tf.dispose([a, b, shuffled, fa, fb]);
  });

  it('names the classifier layers when the feature layer is unknown', () => {
    expect(() => featureExtractor(smallClassifier(), 'nope')).toThrow(/features/);
  });
});
