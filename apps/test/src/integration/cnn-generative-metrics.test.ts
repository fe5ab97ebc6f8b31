// cnn-models → generative: a digit classifier from cnn-models, trained briefly on the embedded MNIST digits, is
// the classifier behind generative's sample metrics (classifier score, classifier FID, class histogram). Real
// test digits must score far better than noise images, and only once the classifier is trained.
// Public entries only; wasm backend, seeded; every metric call is checked for leaked tensors.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { initBackend, tf } from '@deepcourse/backend';
import type { LabeledImages } from '@deepcourse/datasets';
import { mnistSample } from '@deepcourse/datasets/node';
import { evaluateClassifier, lenet5, trainClassifier } from '@deepcourse/cnn-models';
import { classHistogram, classifierFid, classifierScore } from '@deepcourse/generative';
import { expectTensorDelta, liveTensors, secondsSince } from './support.js';

const SEED = 42;
const SET_SIZE = 1000;

let atStart = 0;
let trainSet: LabeledImages;
let testSet: LabeledImages;
let real: tf.Tensor4D; // 1,000 real test digits
let realA: tf.Tensor4D; // two disjoint halves of them
let realB: tf.Tensor4D;
let noise: tf.Tensor4D; // uniform noise images, the same shape and range
let noiseHalf: tf.Tensor4D;
let threes: tf.Tensor4D; // test digits of one class only

beforeAll(async () => {
  await initBackend({ backend: 'wasm', seed: SEED });
  atStart = liveTensors();
  ({ train: trainSet, test: testSet } = await mnistSample({ seed: SEED }));
  real = testSet.images.slice(0, SET_SIZE) as tf.Tensor4D;
  realA = real.slice(0, SET_SIZE / 2);
  realB = real.slice(SET_SIZE / 2, SET_SIZE / 2);
  noise = tf.randomUniform([SET_SIZE, 28, 28, 1], 0, 1, 'float32', SEED) as tf.Tensor4D;
  noiseHalf = noise.slice(0, SET_SIZE / 2);
  const threeIds = Array.from(testSet.labels.dataSync()).flatMap((label, i) => (label === 3 ? [i] : []));
  threes = tf.tidy(() => tf.gather(testSet.images, tf.tensor1d(threeIds, 'int32')) as tf.Tensor4D);
});

afterAll(() => {
  tf.dispose([trainSet, testSet, real, realA, realB, noise, noiseHalf, threes] as unknown as tf.Tensor[]);
  expect(liveTensors()).toBe(atStart);
});

interface Scores {
  real: number;
  noise: number;
  threes: number;
  fidRealReal: number;
  fidRealNoise: number;
}

async function measure(classifier: tf.LayersModel): Promise<Scores> {
  return {
    real: await expectTensorDelta(0, () => classifierScore(classifier, real)),
    noise: await expectTensorDelta(0, () => classifierScore(classifier, noise)),
    threes: await expectTensorDelta(0, () => classifierScore(classifier, threes)),
    // Features: the classifier's penultimate layer (LeNet-5's Dense 84); 500 images per set > 84 dimensions.
    fidRealReal: await expectTensorDelta(0, () => classifierFid(classifier, realA, realB)),
    fidRealNoise: await expectTensorDelta(0, () => classifierFid(classifier, realA, noiseHalf)),
  };
}

describe('cnn-models → generative metrics', () => {
  test('a trained LeNet-5 scores real digits far above noise: classifier score, FID, class histogram', { timeout: 120_000 }, async () => {
    const before = liveTensors();
    const classifier = lenet5({ activation: 'relu', pooling: 'max', seed: SEED });
    const untrained = await measure(classifier);

    const started = performance.now();
    const data = { images: trainSet.images.slice(0, 3000), labels: trainSet.labels.slice(0, 3000) };
    await trainClassifier(classifier, data, { epochs: 2, batchSize: 64, learningRate: 3e-3, seed: SEED, progress: false });
    tf.dispose([data.images, data.labels]);
    const seconds = secondsSince(started);
    const accuracy = (await evaluateClassifier(classifier, testSet)).accuracy;
    const trained = await measure(classifier);

    const realHistogram = await expectTensorDelta(0, () => classHistogram(classifier, real));
    const noiseHistogram = await expectTensorDelta(0, () => classHistogram(classifier, noise));
    // A generator's [-1, 1] images, mapped back by the documented `preprocess`, score as the [0, 1] originals.
    const signed = tf.tidy(() => real.mul(2).sub(1)) as tf.Tensor4D;
    const fromSigned = classifierScore(classifier, signed, { preprocess: (x) => x.add(1).div(2) });
    signed.dispose();

    const fmt = (s: Scores) =>
      `score real ${s.real.toFixed(3)}, noise ${s.noise.toFixed(3)}, one class ${s.threes.toFixed(3)}; FID real/real ${s.fidRealReal.toFixed(3)}, real/noise ${s.fidRealNoise.toFixed(3)}`;
    console.log(
      `integration generative: classifier score of real test digits ours ${trained.real.toFixed(3)} vs noise ${trained.noise.toFixed(3)} (max 10); ` +
        `trained LeNet-5 (test accuracy ${accuracy.toFixed(4)}, 3,000 digits, 2 epochs, ${seconds} s on wasm, seed ${SEED}): ${fmt(trained)}; ` +
        `untrained: ${fmt(untrained)}; largest class share real ${realHistogram.maxFraction.toFixed(3)}, noise ${noiseHistogram.maxFraction.toFixed(3)}`,
    );

    expect(accuracy).toBeGreaterThan(0.9);
    // Classifier score lies in [1, 10]: near 10 for confident, diverse digits; near 1 for noise or one class.
    expect(trained.real).toBeGreaterThan(6);
    expect(trained.real).toBeLessThanOrEqual(10);
    expect(trained.noise).toBeLessThan(2);
    expect(trained.threes).toBeLessThan(2.5);
    expect(trained.real).toBeGreaterThan(3 * trained.noise);
    // FID: two halves of the real digits are close; real vs noise is far (more than 20 times as far).
    expect(trained.fidRealReal).toBeGreaterThanOrEqual(0);
    expect(trained.fidRealNoise).toBeGreaterThan(20 * trained.fidRealReal);
    // The histogram's mode-collapse alarm: quiet on real digits, raised on noise.
    expect(realHistogram.modeCollapse).toBe(false);
    expect(realHistogram.missingClasses).toEqual([]);
    expect(noiseHistogram.modeCollapse).toBe(true);
    expect(fromSigned).toBeCloseTo(trained.real, 4);
    // The trained weights are what the metrics see: before training, real digits score like noise.
    expect(untrained.real).toBeLessThan(1.5);
    expect(trained.real).toBeGreaterThan(untrained.real + 4);

    classifier.dispose();
    expect(liveTensors()).toBe(before);
  });
});
