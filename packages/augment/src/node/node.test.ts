import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { tf } from '@deepcourse/backend';
import { decodePng, loadModel, saveModel } from '@deepcourse/backend/node';
import { augmentationGridPng, writeAugmentationGrid } from './index.js';
import { compose } from '../compose.js';
import { flip, translate } from '../geometric.js';
import { randomFlip, randomRotation, randomZoom, RandomZoom } from '../layers/random-layers.js';
import { expectNoLeak, randomImages, useCpu } from '../test-utils.js';

let dir: string;
beforeAll(async () => {
  await useCpu();
  dir = await mkdtemp(join(tmpdir(), 'augment-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('PNG previews', () => {
  test('augmentationGridPng encodes the grid; writeAugmentationGrid writes the same bytes', async () => {
    const image = tf.tidy(() => randomImages([1, 10, 12, 1], 3).squeeze([0]) as tf.Tensor3D);
    const pipeline = compose([flip(), translate({ width: 0.2, height: 0.2 })]);
    const png = await expectNoLeak(() => augmentationGridPng(image, pipeline, 5, { seed: 1, columns: 3 }));
    const decoded = decodePng(png);
    // 6 tiles in 3 columns and 2 rows with 2-pixel padding: 2·(10+2)+2 by 3·(12+2)+2.
    expect(decoded.shape).toEqual([26, 44, 1]);
    const path = join(dir, 'grid', 'preview.png');
    await writeAugmentationGrid(path, image, pipeline, 5, { seed: 1, columns: 3 });
    expect(new Uint8Array(await readFile(path))).toEqual(png);
    tf.dispose([image, decoded]);
  });
});

describe('model files', () => {
  test("a model with preprocessing layers saved by the backend's saveModel loads back with loadModel", async () => {
    const model = tf.sequential({
      layers: [
        tf.layers.inputLayer({ inputShape: [6, 6, 1] }),
        randomFlip({ mode: 'horizontal', seed: 1 }),
        randomRotation({ factor: 0.05, seed: 2 }),
        randomZoom({ heightFactor: 0.1, widthFactor: 0.2, seed: 3 }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 3, activation: 'softmax' }),
      ],
    });
    await saveModel(model, join(dir, 'model'));
    const loaded = await loadModel(join(dir, 'model'));
    const zoom = loaded.layers.find((layer) => layer instanceof RandomZoom) as RandomZoom;
    expect(zoom.widthFactor).toBe(0.2);
    expect(zoom.seed).toBe(3);
    const x = randomImages([2, 6, 6, 1], 4);
    const [a, b] = [model.predict(x) as tf.Tensor, loaded.predict(x) as tf.Tensor];
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    tf.dispose([x, a, b]);
    model.dispose();
    loaded.dispose();
  });
});
