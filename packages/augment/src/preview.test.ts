import { beforeAll, describe, expect, test } from 'vitest';
import { tf, ShapeError, InvalidArgumentError } from '@deepcourse/backend';
import { augmentationGrid } from './preview.js';
import { compose } from './compose.js';
import { flip, rotate } from './geometric.js';
import { expectNoLeak, indexImages, useCpu } from './test-utils.js';

beforeAll(useCpu);

describe('augmentationGrid', () => {
  test('tiles the original and n augmented copies, scaled to [0, 1]', async () => {
    const image = tf.tidy(() => indexImages(1, 6, 6, 3).div(2600).mul(255).squeeze([0]) as tf.Tensor3D);
    const pipeline = compose([flip({ probability: 1 }), rotate({ degrees: 10 })]);
    const grid = await expectNoLeak(() => augmentationGrid(image, pipeline, 8, { seed: 2, columns: 3, padding: 1 }), () => 1);
    // 9 tiles in 3 columns: 3·(6+1)+1 = 22 pixels each way.
    expect(grid.shape).toEqual([22, 22, 3]);
    const [min, max] = [grid.min().dataSync()[0]!, grid.max().dataSync()[0]!];
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThanOrEqual(1);
    // The first tile is the original, rescaled from [0, 255].
    const first = grid.slice([1, 1, 0], [6, 6, 3]);
    const expected = image.div(255);
    expect(Array.from(first.dataSync()).map((v) => v.toFixed(5))).toEqual(Array.from(expected.dataSync()).map((v) => v.toFixed(5)));
    tf.dispose([grid, first, expected, image]);
  });

  test('rejects a batch, a bad n or a two-channel image', () => {
    const batch = tf.zeros([2, 4, 4, 1]);
    expect(() => augmentationGrid(batch, flip(), 3)).toThrow(ShapeError);
    const image = tf.zeros([4, 4, 1]);
    expect(() => augmentationGrid(image, flip(), 0)).toThrow(InvalidArgumentError);
    const twoChannels = tf.zeros([4, 4, 2]);
    expect(() => augmentationGrid(twoChannels, flip(), 2)).toThrow(/1, 3 or 4 channels/);
    tf.dispose([batch, image, twoChannels]);
  });
});
