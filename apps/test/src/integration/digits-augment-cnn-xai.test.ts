// datasets → augment → cnn-models → xai on the same tensors: the embedded MNIST digits go through a seeded
// augmentation pipeline into a LeNet-5 trained briefly, and Grad-CAM / occlusion explain it on the same test
// digits. Public entries only; wasm backend, seeded; every public call is checked for leaked tensors.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { initBackend, tf } from '@deepcourse/backend';
import { toTfDataset, type LabeledImages } from '@deepcourse/datasets';
import { mnistSample } from '@deepcourse/datasets/node';
import { augmentDataset, compose, rotate, translate, zoom } from '@deepcourse/augment';
import { evaluateClassifier, lenet5, trainClassifier } from '@deepcourse/cnn-models';
import { deletionAuc, gradCam, normalizeHeatmaps, occlusion, pointingGame, randomHeatmaps } from '@deepcourse/xai';
import { expectTensorDelta, liveTensors, secondsSince } from './support.js';

const SEED = 42;
const TRAIN_COUNT = 3000;
const EXPLAINED = 32;

// Digit-safe augmentation (no flips): small rotations, shifts and zooms, resampled once per batch.
const pipeline = compose([rotate({ degrees: 12 }), translate({ width: 0.1, height: 0.1 }), zoom({ scale: [0.9, 1.1] })]);

let atStart = 0;
let trainSet: LabeledImages;
let testSet: LabeledImages;
let model: tf.Sequential | undefined;

beforeAll(async () => {
  await initBackend({ backend: 'wasm', seed: SEED });
  atStart = liveTensors();
});

afterAll(() => {
  model?.dispose();
  tf.dispose([trainSet, testSet] as unknown as tf.Tensor[]);
  // The model (with the optimizer trainClassifier made for it) and the data were everything this file kept.
  expect(liveTensors()).toBe(atStart);
});

describe('datasets → augment → cnn-models → xai', () => {
  test('mnistSample hands over [N, 28, 28, 1] digits in [0, 1] with int32 labels 0-9', async () => {
    const sample = await expectTensorDelta(4, () => mnistSample({ seed: SEED }));
    ({ train: trainSet, test: testSet } = sample);
    expect(trainSet.images.shape).toEqual([8000, 28, 28, 1]);
    expect(testSet.images.shape).toEqual([2000, 28, 28, 1]);
    expect(trainSet.labels.dtype).toBe('int32');
    const [min, max] = tf.tidy(() => [trainSet.images.min().dataSync()[0], trainSet.images.max().dataSync()[0]]);
    expect(min).toBe(0);
    expect(max).toBe(1);
    const counts = new Array<number>(10).fill(0);
    for (const label of testSet.labels.dataSync()) counts[label]! += 1;
    expect(Math.min(...counts)).toBeGreaterThan(150); // stratified: every digit present in the test part
  });

  test('the augmentation pipeline changes each digit but keeps shape, range, ink and labels, and repeats with its seed', async () => {
    const batch = trainSet.images.slice(0, 64) as tf.Tensor4D;
    const augmented = await expectTensorDelta(1, () => pipeline.apply(batch, { seed: 7 }));
    const again = pipeline.apply(batch, { seed: 7 });
    const other = pipeline.apply(batch, { seed: 8 });
    expect(augmented.shape).toEqual(batch.shape);
    expect(augmented.dtype).toBe('float32');
    const stats = tf.tidy(() => {
      const perImageChange = augmented.sub(batch).abs().mean([1, 2, 3]);
      const inkRatio = augmented.sum([1, 2, 3]).div(batch.sum([1, 2, 3]));
      return {
        min: augmented.min().dataSync()[0] as number,
        max: augmented.max().dataSync()[0] as number,
        changed: perImageChange.greater(0.01).sum().dataSync()[0] as number,
        meanChange: perImageChange.mean().dataSync()[0] as number,
        meanInkRatio: inkRatio.mean().dataSync()[0] as number,
        sameSeedDiff: augmented.sub(again).abs().max().dataSync()[0] as number,
        otherSeedDiff: augmented.sub(other).abs().mean().dataSync()[0] as number,
      };
    });
    console.log(`integration digits: augmentation mean |change| per pixel ${stats.meanChange.toFixed(4)}, ink ratio ${stats.meanInkRatio.toFixed(3)}, ${stats.changed}/64 images changed`);
    expect(stats.min).toBeGreaterThanOrEqual(0); // bilinear resampling of [0, 1] images stays in [0, 1]
    expect(stats.max).toBeLessThanOrEqual(1 + 1e-6);
    expect(stats.changed).toBeGreaterThanOrEqual(58); // nearly every image drew a visible transform
    expect(stats.meanChange).toBeGreaterThan(0.03);
    // The digit is moved, not lost or rescaled: the ink (sum of pixels) stays within the zoom's area change.
    expect(stats.meanInkRatio).toBeGreaterThan(0.85);
    expect(stats.meanInkRatio).toBeLessThan(1.2);
    expect(stats.sameSeedDiff).toBe(0);
    expect(stats.otherSeedDiff).toBeGreaterThan(0.01);
    tf.dispose([batch, augmented, again, other]);

    // Through tf.data: datasets' seeded batches, augmented by augmentDataset, keep their labels in order.
    const subset = { xs: trainSet.images.slice(0, 96), ys: trainSet.labels.slice(0, 96) };
    const plain = await toTfDataset(subset, { batchSize: 32, seed: 3 }).toArray();
    const withAugmentation = await augmentDataset(toTfDataset(subset, { batchSize: 32, seed: 3 }), pipeline, { seed: 4 }).toArray();
    expect(withAugmentation).toHaveLength(3);
    withAugmentation.forEach((batchOut, i) => {
      const reference = plain[i]!;
      expect(Array.from(batchOut.ys.dataSync())).toEqual(Array.from(reference.ys.dataSync()));
      expect(batchOut.xs.shape).toEqual(reference.xs.shape);
      expect(tf.tidy(() => batchOut.xs.sub(reference.xs).abs().mean().dataSync()[0] as number)).toBeGreaterThan(0.02);
    });
    tf.dispose([subset.xs, subset.ys, ...plain.flatMap((b) => [b.xs, b.ys]), ...withAugmentation.flatMap((b) => [b.xs, b.ys])]);
  });

  test('a LeNet-5 trained on augmented batches beats chance (0.1) by far, on plain and on augmented test digits', { timeout: 120_000 }, async () => {
    model = lenet5({ activation: 'relu', pooling: 'max', seed: SEED });
    const data = { images: trainSet.images.slice(0, TRAIN_COUNT), labels: trainSet.labels.slice(0, TRAIN_COUNT) };
    const started = performance.now();
    const { history } = await trainClassifier(model, data, {
      epochs: 3,
      batchSize: 64,
      learningRate: 3e-3,
      seed: SEED,
      progress: false,
      augment: (images, seed) => pipeline.apply(images as tf.Tensor4D, { seed }),
    });
    const trainingSeconds = secondsSince(started);
    tf.dispose([data.images, data.labels]);
    const plain = await expectTensorDelta(0, () => evaluateClassifier(model!, testSet));
    const augmentedImages = pipeline.apply(testSet.images as tf.Tensor4D, { seed: 5 });
    const onAugmented = await expectTensorDelta(0, () => evaluateClassifier(model!, { images: augmentedImages, labels: testSet.labels }));
    augmentedImages.dispose();
    console.log(
      `integration digits: LeNet-5 test accuracy ours ${plain.accuracy.toFixed(4)} plain, ${onAugmented.accuracy.toFixed(4)} augmented ` +
        `(${TRAIN_COUNT} digits, 3 epochs, seed ${SEED}, ${trainingSeconds} s on wasm; training accuracy by epoch ${(history.metrics.acc ?? []).map((a) => a.toFixed(3)).join(' ')})`,
    );
    expect(plain.accuracy).toBeGreaterThan(0.9);
    // Augmented test digits keep their labels: a pipeline that mixed images and labels would fall to chance.
    expect(onAugmented.accuracy).toBeGreaterThan(0.8);
  });

  test('Grad-CAM and occlusion on the same test digits: finite maps on the strokes, more faithful than random', { timeout: 120_000 }, async () => {
    const m = model!;
    const images = testSet.images.slice(0, EXPLAINED) as tf.Tensor4D;
    const truth = Array.from(testSet.labels.dataSync().slice(0, EXPLAINED));

    const cam = await expectTensorDelta(1, () => gradCam(m, images, { targets: truth }));
    const occ = await expectTensorDelta(1, () => occlusion(m, images, { targets: truth, window: 4, stride: 2 }));
    expect(cam.heatmaps.shape).toEqual([EXPLAINED, 28, 28]);
    expect(occ.heatmaps.shape).toEqual([EXPLAINED, 28, 28]);
    expect(cam.targets).toEqual(truth);
    expect(cam.skippedActivation).toBe('softmax'); // explained on the logits

    // Strokes: ink above 0.5. Far background: pixels more than 3 px away from any stroke pixel.
    const masks = tf.tidy(() => {
      const ink = images.greater(0.5).toFloat() as tf.Tensor4D;
      const near = tf.maxPool(ink, 7, 1, 'same');
      return { stroke: ink.squeeze([3]) as tf.Tensor3D, far: tf.scalar(1).sub(near).squeeze([3]) as tf.Tensor3D };
    });
    const regionMeans = (maps: tf.Tensor) =>
      tf.tidy(() => {
        const inside = (mask: tf.Tensor3D) => maps.mul(mask).sum().div(mask.sum()).dataSync()[0] as number;
        return { stroke: inside(masks.stroke), far: inside(masks.far) };
      });

    // Grad-CAM: ReLU'd raw maps (>= 0, finite, not all zero); normalised per image into [0, 1] with max 1.
    const camRaw = tf.tidy(() => ({ min: cam.heatmaps.min().dataSync()[0] as number, max: cam.heatmaps.max().dataSync()[0] as number, finite: tf.all(tf.isFinite(cam.heatmaps)).dataSync()[0] }));
    expect(camRaw.finite).toBe(1);
    expect(camRaw.min).toBeGreaterThanOrEqual(0);
    expect(camRaw.max).toBeGreaterThan(0);
    const camNormalised = await expectTensorDelta(1, () => normalizeHeatmaps(cam.heatmaps, 'max'));
    const camPeaks = tf.tidy(() => Array.from(camNormalised.max([1, 2]).dataSync()));
    expect(camPeaks.filter((p) => Math.abs(p - 1) < 1e-6).length).toBeGreaterThanOrEqual(EXPLAINED - 2); // all-zero maps stay 0
    expect(Math.min(...tf.tidy(() => Array.from(camNormalised.min([1, 2]).dataSync())))).toBeGreaterThanOrEqual(0);
    const camRegions = regionMeans(camNormalised);

    // Occlusion: mean score drop of the patches over each pixel; finite, signed (normalised into [-1, 1]).
    expect(tf.tidy(() => tf.all(tf.isFinite(occ.heatmaps)).dataSync()[0])).toBe(1);
    const occNormalised = normalizeHeatmaps(occ.heatmaps, 'max');
    expect(tf.tidy(() => occNormalised.abs().max().dataSync()[0] as number)).toBeLessThanOrEqual(1 + 1e-6);
    const occRegions = regionMeans(occNormalised);
    const occPointing = await expectTensorDelta(0, () => pointingGame(occ.heatmaps, masks.stroke, { tolerance: 1 }));

    // Faithfulness: deleting the pixels a map ranks first should hurt the class more than a random order.
    const random = randomHeatmaps([EXPLAINED, 28, 28], SEED);
    const camDeletion = await expectTensorDelta(0, () => deletionAuc(m, images, cam.heatmaps, { targets: truth, steps: 28 }));
    const occDeletion = await deletionAuc(m, images, occ.heatmaps, { targets: truth, steps: 28 });
    const randomDeletion = await deletionAuc(m, images, random, { targets: truth, steps: 28 });

    // Per-image targets are honoured: the map of another class carries much less mass than the true class's.
    const wrong = truth.map((t) => (t + 1) % 10);
    const camWrong = await gradCam(m, images, { targets: wrong });
    const [trueMass, wrongMass] = tf.tidy(() => [cam.heatmaps.sum().dataSync()[0] as number, camWrong.heatmaps.sum().dataSync()[0] as number]);

    console.log(
      `integration digits: Grad-CAM (${cam.layer}, ${cam.featureMapSize.join('x')}) mean on strokes ${camRegions.stroke.toFixed(3)} vs far background ${camRegions.far.toFixed(3)}; ` +
        `occlusion ${occRegions.stroke.toFixed(3)} vs ${occRegions.far.toFixed(4)}, pointing game ${occPointing.accuracy.toFixed(3)}; ` +
        `deletion AUC Grad-CAM ${camDeletion.meanAuc.toFixed(3)}, occlusion ${occDeletion.meanAuc.toFixed(3)}, random ${randomDeletion.meanAuc.toFixed(3)}; ` +
        `Grad-CAM mass true/other class ${(trueMass / wrongMass).toFixed(2)}`,
    );
    expect(camRegions.stroke).toBeGreaterThan(1.1 * camRegions.far);
    expect(occRegions.stroke).toBeGreaterThan(0.1);
    expect(Math.abs(occRegions.far)).toBeLessThan(0.01); // a patch on empty background changes nothing
    expect(occPointing.accuracy).toBeGreaterThanOrEqual(0.9);
    expect(camDeletion.meanAuc).toBeLessThan(0.9 * randomDeletion.meanAuc);
    expect(occDeletion.meanAuc).toBeLessThan(0.5 * randomDeletion.meanAuc);
    expect(trueMass).toBeGreaterThan(1.5 * wrongMass);

    tf.dispose([images, cam.heatmaps, occ.heatmaps, camWrong.heatmaps, masks.stroke, masks.far, camNormalised, occNormalised, random]);
  });
});
