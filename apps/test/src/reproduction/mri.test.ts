// The course's small-data lesson on its real MRI folder (COURSE_DATA_DIR/mri: 150x150 RGB JPEGs, Alzheimer's 'ad'
// vs 'normal', 160 training and 120 test images): (a) the course's small-data CNN with the course's augmentation
// (rescale 1/255, horizontal flips, width/height shifts of 0.1), and (b) transfer learning with the pretrained
// base @deepcourse/transfer ships.
//
// Leakage: the test folder holds copies of training images. They are found here by pixel content: every image
// is decoded at its native 150x150, its RGB bytes hashed (sha256) to find exact copies, and the RMS pixel
// distance to every training image computed to find near copies (re-encoded JPEGs). Accuracy is reported on all
// 120 test images (as the course did), without the exact copies, and without every copy.
//
// Differences from the course, printed with the figures: images are downsized to 64x64 (the course uses 150x150;
// one epoch at 150x150 costs about 9 s on 2 wasm cores) and trained for a fixed number of epochs with nothing
// selected on the test set; there is no VGG16 offline, so (b) uses the only pretrained base the package ships, a
// small CNN trained on the MNIST digits 0-4, whose three conv layers read grayscale images of any size.
// REPRODUCTION_SEED=<n> reruns with another seed (default 42).
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { initBackend, tf } from '@deepcourse/backend';
import { loadImageFolder, type ImageFolderDataset, type ImageFolderOptions } from '@deepcourse/datasets/node';
import { imageDataGenerator } from '@deepcourse/augment';
import { evaluateClassifier, smallDataCnn, trainClassifier } from '@deepcourse/cnn-models';
import { digitBaseCnn, disposeWithBase, fineTune, replaceHead } from '@deepcourse/transfer';
import { loadDigitBase } from '@deepcourse/transfer/node';
import { COURSE_DATA_DIR } from '../paths.js';

if (!COURSE_DATA_DIR) console.warn('skipping the MRI reproduction suite: COURSE_DATA_DIR is not set (point it at shared/data/course)');

const SEED = Number(process.env.REPRODUCTION_SEED ?? 42);
const COURSE_CNN = 0.95;
const COURSE_VGG16 = 0.975;
const COURSE_DUPLICATES = 21;
const NATIVE_SIZE = 150;
/** A test image whose RMS distance to a training image is below this many grey levels (of 255) is a copy of it. */
const COPY_RMS = 4;
const CNN_SIZE = 64;
const CNN_EPOCHS = 30;
const TRANSFER_SIZE = 64;
const TRANSFER_PHASES = [
  { epochs: 30, learningRate: 1e-3 },
  { epochs: 15, unfreezeTop: 1, learningRate: 1e-4 },
];

const mriDir = () => join(COURSE_DATA_DIR as string, 'mri');
const relativeName = (file: string) => relative(mriDir(), file);

interface Copies {
  /** Test images whose decoded pixels equal a training image's, bit for bit. */
  exact: Set<string>;
  /** Further test images within COPY_RMS grey levels of a training image. */
  near: Set<string>;
  /** The largest RMS distance among the near copies, and the smallest of every other test image to any training image. */
  farthestNear: number;
  closestOther: number;
  /** Training images that repeat an earlier training image exactly. */
  repeatedInTraining: number;
}

let copies: Copies;

async function loadPart(part: 'train' | 'test', options: ImageFolderOptions & { readonly subset?: never }): Promise<ImageFolderDataset> {
  const before = tf.memory().numTensors;
  const data = await loadImageFolder(join(mriDir(), part), { seed: SEED, ...options });
  expect(tf.memory().numTensors - before).toBe(2); // images and labels, nothing else
  expect(data.classNames).toEqual(['ad', 'normal']);
  expect(data.skipped).toEqual([]);
  expect(data.images.shape[0]).toBe(part === 'train' ? 160 : 120);
  const perClass = [0, 0];
  for (const label of data.labels.dataSync()) perClass[label]! += 1;
  expect(perClass).toEqual(part === 'train' ? [80, 80] : [60, 60]);
  return data;
}

/** sha256 of each image's RGB bytes (pixels loaded as 0..255). */
function pixelHashes(data: ImageFolderDataset): string[] {
  const pixels = data.images.dataSync() as Float32Array;
  const count = data.files.length;
  const perImage = pixels.length / count;
  return Array.from({ length: count }, (_, i) => createHash('sha256').update(Uint8Array.from(pixels.subarray(i * perImage, (i + 1) * perImage))).digest('hex'));
}

/** Finds the test images that are copies of training images, by pixel content at the native size. */
async function findCopies(): Promise<Copies> {
  const before = tf.memory().numTensors;
  const options = { imageSize: [NATIVE_SIZE, NATIVE_SIZE] as const, pixelScale: 'byte' as const, shuffle: false };
  const train = await loadPart('train', options);
  const test = await loadPart('test', options);
  expect(tf.tidy(() => train.images.max().dataSync()[0] as number)).toBeGreaterThan(200);

  const trainHashes = pixelHashes(train);
  const testHashes = pixelHashes(test);
  const firstTrainWithHash = new Map<string, number>();
  trainHashes.forEach((hash, i) => firstTrainWithHash.has(hash) || firstTrainWithHash.set(hash, i));
  const trainLabels = train.labels.dataSync();
  const testLabels = test.labels.dataSync();

  // RMS distance (grey levels) of every test image to every training image: |a|² + |b|² - 2 a·b on [0, 1] pixels.
  const distances = tf.tidy(() => {
    const a = test.images.reshape([test.files.length, -1]).div(255);
    const b = train.images.reshape([train.files.length, -1]).div(255);
    const squared = a.square().sum(1, true).add(b.square().sum(1).reshape([1, -1])).sub(tf.matMul(a, b, false, true).mul(2));
    return squared.relu().div(a.shape[1] as number).sqrt().mul(255).arraySync() as number[][];
  });

  const exact = new Set<string>();
  const near = new Set<string>();
  let farthestNear = 0;
  let closestOther = Infinity;
  test.files.forEach((file, i) => {
    const row = distances[i]!;
    const closest = Math.min(...row);
    const twin = firstTrainWithHash.get(testHashes[i]!);
    if (twin !== undefined) {
      exact.add(relativeName(file));
      expect(trainLabels[twin], `${relativeName(file)} copies ${relativeName(train.files[twin]!)}`).toBe(testLabels[i]);
      expect(closest).toBeLessThan(0.01); // the distance agrees with the hash
    } else if (closest < COPY_RMS) {
      near.add(relativeName(file));
      farthestNear = Math.max(farthestNear, closest);
      expect(trainLabels[row.indexOf(closest)], `${relativeName(file)} nearly copies a training image`).toBe(testLabels[i]);
    } else {
      closestOther = Math.min(closestOther, closest);
    }
  });
  const repeatedInTraining = trainHashes.length - firstTrainWithHash.size;
  tf.dispose([train, test] as unknown as tf.Tensor[]);
  expect(tf.memory().numTensors).toBe(before);
  return { exact, near, farthestNear, closestOther, repeatedInTraining };
}

interface Accuracies {
  all: number;
  withoutExact: number;
  withoutExactCount: number;
  withoutCopies: number;
  withoutCopiesCount: number;
}

/** Test accuracy of a one-sigmoid-unit model on all test images, without the exact copies, and without every copy. */
function accuracies(model: tf.LayersModel, test: ImageFolderDataset): Accuracies {
  const before = tf.memory().numTensors;
  const scores = tf.tidy(() => (model.predict(test.images) as tf.Tensor).dataSync() as Float32Array);
  expect(tf.memory().numTensors).toBe(before);
  const labels = test.labels.dataSync();
  const tally = { all: [0, 0], withoutExact: [0, 0], withoutCopies: [0, 0] };
  test.files.forEach((file, i) => {
    const correct = (scores[i]! > 0.5 ? 1 : 0) === labels[i] ? 1 : 0;
    const name = relativeName(file);
    const parts: (keyof typeof tally)[] = ['all'];
    if (!copies.exact.has(name)) parts.push('withoutExact');
    if (!copies.exact.has(name) && !copies.near.has(name)) parts.push('withoutCopies');
    for (const part of parts) {
      tally[part][0]! += correct;
      tally[part][1]! += 1;
    }
  });
  const share = ([right, count]: number[]) => right! / count!;
  return {
    all: share(tally.all),
    withoutExact: share(tally.withoutExact),
    withoutExactCount: tally.withoutExact[1]!,
    withoutCopies: share(tally.withoutCopies),
    withoutCopiesCount: tally.withoutCopies[1]!,
  };
}

function report(what: string, result: Accuracies, course: number, settings: string): void {
  console.log(`mri: ${what} test accuracy on all 120 images, ours ${result.all.toFixed(3)} (course ${course.toFixed(3)}, copies included) [${settings}]`);
  console.log(
    `mri: ${what} test accuracy on ${result.withoutExactCount} images without the ${copies.exact.size} exact copies, ours ${result.withoutExact.toFixed(3)}; ` +
      `on ${result.withoutCopiesCount} without the ${copies.near.size} near copies too, ${result.withoutCopies.toFixed(3)} (course: not reported)`,
  );
}

describe.skipIf(!COURSE_DATA_DIR)('course reproduction: MRI (small data, augmentation, transfer)', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', seed: SEED });
    copies = await findCopies(); // every test below reports with and without them
  });

  test('the test folder\'s copies of training images, found by pixel content', async () => {
    // The data folder's own list (file md5s) names the same 21 images the pixel hashes find.
    const listed = (await readFile(join(mriDir(), 'test-duplicates-of-train.txt'), 'utf8')).split('\n').map((l) => l.trim()).filter(Boolean);
    console.log(
      `mri: test images that copy a training image: ${copies.exact.size} exact pixel copies (course: ${COURSE_DUPLICATES} duplicates), ` +
        `${copies.near.size} more near copies (RMS distance up to ${copies.farthestNear.toFixed(2)} grey levels; every other test image is at least ` +
        `${copies.closestOther.toFixed(2)} from any training image); ${copies.repeatedInTraining} training images repeat another training image; ` +
        `near copies: ${[...copies.near].sort().join(', ')}`,
    );
    expect(copies.exact.size).toBe(COURSE_DUPLICATES);
    expect([...copies.exact].sort()).toEqual([...listed].sort());
    // Measured: 10 near copies at RMS 0.00-2.64 grey levels (an 'ad' pair differs in 138 of 67,500 values by at
    // most 7), then a gap to 6.08 (a different brain, checked by eye), and 2 exact repeats inside the training set.
    expect(copies.near.size).toBe(10);
    expect(copies.closestOther).toBeGreaterThan(1.5 * COPY_RMS);
    expect(copies.repeatedInTraining).toBe(2);
  });

  test('(a) the course small-data CNN with the course augmentation', { timeout: 600_000 }, async () => {
    const atStart = tf.memory().numTensors;
    // Training images stay 0..255 and the generator rescales them (as Keras' ImageDataGenerator(rescale=1/255));
    // test images are divided by 255 on loading (Keras' test generator with rescale only).
    const train = await loadPart('train', { imageSize: [CNN_SIZE, CNN_SIZE], pixelScale: 'byte' });
    const test = await loadPart('test', { imageSize: [CNN_SIZE, CNN_SIZE], shuffle: false });
    expect(tf.tidy(() => train.images.max().dataSync()[0] as number)).toBeGreaterThan(200);
    expect(tf.tidy(() => test.images.max().dataSync()[0] as number)).toBeLessThanOrEqual(1);

    const generator = imageDataGenerator({ rescale: 1 / 255, horizontalFlip: true, widthShiftRange: 0.1, heightShiftRange: 0.1 });
    const model = smallDataCnn({ inputShape: [CNN_SIZE, CNN_SIZE, 3], seed: SEED });
    const started = performance.now();
    const { history } = await trainClassifier(model, train, {
      epochs: CNN_EPOCHS,
      batchSize: 16,
      learningRate: 1e-3,
      seed: SEED,
      progress: false,
      augment: (images, seed) => generator.apply(images as tf.Tensor4D, { seed }),
    });
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const before = tf.memory().numTensors;
    const evaluation = await evaluateClassifier(model, test, { classNames: test.classNames });
    expect(tf.memory().numTensors).toBe(before);
    const result = accuracies(model, test);
    expect(result.all).toBeCloseTo(evaluation.accuracy, 10);
    report(
      'small-data CNN',
      result,
      COURSE_CNN,
      `${CNN_SIZE}x${CNN_SIZE} RGB (course 150x150), ${CNN_EPOCHS} epochs, batch 16, Adam 1e-3, seed ${SEED}, ${seconds} s on wasm; ` +
        `final training accuracy ${history.metrics.acc?.at(-1)?.toFixed(3)}; confusion [true][predicted] ${JSON.stringify(evaluation.confusion)}`,
    );

    // Measured (seeds 42, 1, 2): all 120 0.967, 0.958, 0.958 (course 0.950); without the exact copies 0.960,
    // 0.949, 0.949; without every copy 0.955, 0.944, 0.944. Chance is 0.5: the floors leave room for seed
    // variance and fail a pipeline that mislabels, mis-scales or cannot train.
    expect(result.all).toBeGreaterThanOrEqual(0.88);
    expect(result.withoutExact).toBeGreaterThanOrEqual(0.85);
    expect(result.withoutCopies).toBeGreaterThanOrEqual(0.85);

    model.dispose();
    tf.dispose([train, test] as unknown as tf.Tensor[]);
    expect(tf.memory().numTensors).toBe(atStart);
  });

  test('(b) transfer learning from the shipped pretrained base (no VGG16 offline)', { timeout: 600_000 }, async () => {
    const atStart = tf.memory().numTensors;
    // The shipped base reads [28, 28, 1] in [0, 1]. Its conv layers do not depend on the image size, so they are
    // copied into the same architecture built for 64x64 grayscale (the slices are gray), and the new head
    // flattens the 12x12x64 conv3 maps, as the course's head flattens VGG16's.
    const train = await loadPart('train', { imageSize: [TRANSFER_SIZE, TRANSFER_SIZE], colorMode: 'grayscale' });
    const test = await loadPart('test', { imageSize: [TRANSFER_SIZE, TRANSFER_SIZE], colorMode: 'grayscale', shuffle: false });
    const generator = imageDataGenerator({ horizontalFlip: true, widthShiftRange: 0.1, heightShiftRange: 0.1 });
    const augment = (images: tf.Tensor, seed: number) => generator.apply(images as tf.Tensor4D, { seed });
    const head = { numClasses: 1, hidden: 64, dropout: 0.5, seed: SEED };
    const inputShape = [TRANSFER_SIZE, TRANSFER_SIZE, 1];

    const pretrained = await loadDigitBase({ inputShape: [28, 28, 1] });
    const base = digitBaseCnn({ inputShape, seed: SEED });
    for (const name of ['conv1', 'conv2', 'conv3']) base.getLayer(name).setWeights(pretrained.getLayer(name).getWeights());
    const kernel = (model: tf.LayersModel) => Array.from(model.getLayer('conv3').getWeights()[0]!.dataSync());
    expect(kernel(base)).toEqual(kernel(pretrained));
    pretrained.dispose();
    const model = replaceHead(base, head);
    const started = performance.now();
    await fineTune(model, train, { phases: TRANSFER_PHASES, batchSize: 16, seed: SEED, augment, progress: false });
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const result = accuracies(model, test);
    disposeWithBase(model, base);

    // Control: the same architecture, head and schedule from an untrained base: what the pretraining adds.
    const randomBase = digitBaseCnn({ inputShape, seed: SEED });
    const control = replaceHead(randomBase, head);
    await fineTune(control, train, { phases: TRANSFER_PHASES, batchSize: 16, seed: SEED, augment, progress: false });
    const controlResult = accuracies(control, test);
    disposeWithBase(control, randomBase);

    report(
      'transfer (shipped digit base, frozen, then its top conv fine-tuned)',
      result,
      COURSE_VGG16,
      `course: frozen VGG16 + head on 150x150 RGB; ours: the conv layers of @deepcourse/transfer's pretrained digit base (MNIST 0-4 CNN) ` +
        `on ${TRANSFER_SIZE}x${TRANSFER_SIZE} grayscale, head Flatten + Dense 64 + dropout 0.5, ${TRANSFER_PHASES[0]!.epochs} epochs head only at 1e-3, ` +
        `then ${TRANSFER_PHASES[1]!.epochs} with conv3 unfrozen at 1e-4, flips and shifts, seed ${SEED}, ${seconds} s on wasm`,
    );
    console.log(
      `mri: transfer control, the same network from an untrained base, test accuracy ours ${controlResult.all.toFixed(3)} on all 120, ` +
        `${controlResult.withoutExact.toFixed(3)} without the exact copies, ${controlResult.withoutCopies.toFixed(3)} without every copy (course: not reported)`,
    );

    // Measured (seeds 42, 1, 2): all 120 0.933, 0.933, 0.900 (course, with VGG16: 0.975); without the exact
    // copies 0.919, 0.919, 0.879; without every copy 0.910, 0.910, 0.865. The untrained-base control: 0.900,
    // 0.725, 0.833 on all 120, so the digit features help, but less than the course's base trained on ImageNet
    // photographs. Not asserted against the control (4 images apart at seed 42). Chance is 0.5.
    expect(result.all).toBeGreaterThanOrEqual(0.82);
    expect(result.withoutExact).toBeGreaterThanOrEqual(0.8);
    expect(result.withoutCopies).toBeGreaterThanOrEqual(0.78);

    tf.dispose([train, test] as unknown as tf.Tensor[]);
    expect(tf.memory().numTensors).toBe(atStart);
  });
});
