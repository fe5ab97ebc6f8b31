import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, InvalidArgumentError, tf } from '@deepcourse/backend';
import { decodePng, loadModel, saveModel } from '@deepcourse/backend/node';
import { convFilters, featureMapGrid, featureMapLayers, featureMaps, filterGrid, modelSummaryText } from './inspect.js';
import { courseCnn } from './models/course-cnn.js';
import { miniResnet } from './models/mini-resnet.js';
import { mlp } from './models/mlp.js';
import { writeFeatureMapGrid, writeFilterGrid } from './node/index.js';
import { expectNoLeak } from './test-utils.js';

let dir: string;
beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
  dir = await mkdtemp(join(tmpdir(), 'cnn-models-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('inspection', () => {
  it('featureMaps of the first conv equal tf.conv2d + bias + relu by hand', async () => {
    const model = courseCnn({ seed: 1 });
    const image = tf.randomUniform([28, 28, 1], 0, 1, 'float32', 3);
    const maps = await expectNoLeak(() => featureMaps(model, 0, image), () => 1);
    expect(maps.shape).toEqual([1, 26, 26, 32]);
    const [kernel, bias] = model.layers[0]!.getWeights();
    const expected = tf.tidy(() => tf.relu(tf.conv2d(image.expandDims(0) as tf.Tensor4D, kernel as tf.Tensor4D, 1, 'valid').add(bias!)));
    expect(tf.tidy(() => expected.sub(maps).abs().max().dataSync()[0]!)).toBeLessThan(1e-5);
    expect(featureMapLayers(model).map((l) => l.getClassName())).toEqual(['Conv2D', 'Conv2D', 'MaxPooling2D', 'Dropout']);
    expect(() => featureMaps(model, 'nope', image)).toThrow(InvalidArgumentError);
    tf.dispose([image, maps, expected]);
    model.dispose();
  });

  it('feature map and filter grids tile every channel and write PNGs', async () => {
    const model = courseCnn({ seed: 2 });
    const image = tf.randomUniform([28, 28, 1], 0, 1, 'float32', 4);
    // 32 maps of 26x26: 6 columns x 6 rows, padding 2 → 6*28+2 = 170
    const grid = await expectNoLeak(() => featureMapGrid(model, model.layers[0]!.name, image), () => 1);
    expect(grid.shape).toEqual([170, 170, 1]);
    const [min, max] = tf.tidy(() => [grid.min().dataSync()[0]!, grid.max().dataSync()[0]!]);
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThanOrEqual(1);
    // First-layer filters: 32 kernels 3x3x1, each normalised to [0, 1] on its own.
    const filters = convFilters(model);
    expect(filters.shape).toEqual([32, 3, 3, 1]);
    const perFilterMax = tf.tidy(() => Array.from(filters.max([1, 2, 3]).dataSync()));
    perFilterMax.forEach((m) => expect(m).toBeCloseTo(1, 6));
    const filtersImage = filterGrid(model, { scale: 4 });
    expect(filtersImage.shape).toEqual([6 * 14 + 2, 6 * 14 + 2, 1]);
    await writeFeatureMapGrid(join(dir, 'maps.png'), model, 1, image, { maxMaps: 8, columns: 4 });
    await writeFilterGrid(join(dir, 'filters.png'), model);
    const png = decodePng(new Uint8Array(await readFile(join(dir, 'maps.png'))));
    // 8 maps of 24x24 in 4 columns, 2 rows
    expect(png.shape).toEqual([2 * 26 + 2, 4 * 26 + 2, 1]);
    tf.dispose([image, grid, filters, filtersImage, png]);
    model.dispose();
  });

  it('modelSummaryText lists the layers and the Keras totals', () => {
    const model = mlp({ seed: 1 });
    const text = modelSummaryText(model);
    expect(text).toMatch(/Dense/);
    expect(text).toMatch(/Total params: 407,?050/);
    expect(text).toMatch(/\[null,512\]/);
    model.dispose();
  });
});

describe('save and load', () => {
  it('a saved-and-loaded courseCnn and miniResnet (with l2) predict identically', async () => {
    const x = tf.randomUniform([3, 28, 28, 1], 0, 1, 'float32', 5);
    for (const [name, model] of [
      ['cnn', courseCnn({ seed: 3 })],
      ['resnet', miniResnet({ seed: 4, stageFilters: [4, 8], blocksPerStage: 1, l2: 1e-4 })],
    ] as const) {
      await saveModel(model, join(dir, name));
      const loaded = await loadModel(join(dir, name));
      const a = tf.tidy(() => Array.from((model.predict(x) as tf.Tensor).dataSync()));
      const b = tf.tidy(() => Array.from((loaded.predict(x) as tf.Tensor).dataSync()));
      expect(b).toEqual(a);
      expect(loaded.countParams()).toBe(model.countParams());
      // The weight decay survives the round trip, so a reloaded model trains with it too.
      if (name === 'resnet') expect(loaded.getLayer('classifier').getConfig().kernelRegularizer).toEqual({ className: 'L1L2', config: { l1: 0, l2: 1e-4 } });
      model.dispose();
      loaded.dispose();
    }
    tf.dispose(x);
  });
});
