import { beforeAll, describe, expect, test } from 'vitest';
import { tf } from '../tf.js';
import { applyColormap, colormapTable } from './colormap.js';
import { imageGrid } from './grid.js';
import { overlayHeatmap } from './overlay.js';
import { InvalidArgumentError, ShapeError } from '../errors.js';
import { expectNoLeak } from '../test-utils.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const rgb255 = (table: Float32Array, i: number) => Array.from(table.slice(i * 3, i * 3 + 3), (v) => Math.round(v * 255));

describe('colormaps', () => {
  test('endpoints equal matplotlib: viridis #440154 → #fde725, jet (0,0,0.5) → (0.5,0,0)', () => {
    const viridis = colormapTable('viridis');
    expect(rgb255(viridis, 0)).toEqual([0x44, 0x01, 0x54]);
    expect(rgb255(viridis, 255)).toEqual([0xfd, 0xe7, 0x25]);
    const jet = colormapTable('jet');
    expect(Array.from(jet.slice(0, 3))).toEqual([0, 0, 0.5]);
    expect(Array.from(jet.slice(255 * 3))).toEqual([0.5, 0, 0]);
    // Entry 128 is t = 128/255 = 0.50196: red (t-0.35)/0.31 = 0.490, green on its plateau 1, blue 1-(t-0.34)/0.31 = 0.478.
    expect(Array.from(jet.slice(128 * 3, 128 * 3 + 3)).map((v) => Number(v.toFixed(3)))).toEqual([0.49, 1, 0.478]);
    expect(Array.from(colormapTable('gray').slice(255 * 3))).toEqual([1, 1, 1]);
  });

  test('applyColormap maps values by range, clamps outside it, keeps shape', async () => {
    const v = tf.tensor2d([[0, 1], [2, -1]]);
    const out = await expectNoLeak(() => applyColormap(v, 'jet'), () => 1);
    expect(out.shape).toEqual([2, 2, 3]);
    const data = Array.from(out.dataSync());
    expect(data.slice(0, 3)).toEqual([0, 0, 0.5]); // 0
    expect(data.slice(3, 6)).toEqual([0.5, 0, 0]); // 1
    expect(data.slice(6, 9)).toEqual([0.5, 0, 0]); // 2 clamps to 1
    expect(data.slice(9, 12)).toEqual([0, 0, 0.5]); // -1 clamps to 0
    const auto = applyColormap(v, 'gray', { range: 'auto' });
    expect(Array.from(auto.dataSync()).filter((_, i) => i % 3 === 0).map((x) => Number(x.toFixed(4)))).toEqual([0.3333, 0.6667, 1, 0]);
    expect(() => applyColormap(v, 'rainbow' as never)).toThrow(InvalidArgumentError);
    tf.dispose([v, out, auto]);
  });
});

describe('imageGrid', () => {
  test('tiles images row by row with padding', async () => {
    // Three 1x2 images with values 1, 2, 3; two columns; padding 1 with value 0.
    const images = tf.tensor4d([1, 1, 2, 2, 3, 3], [3, 1, 2, 1]);
    const grid = await expectNoLeak(() => imageGrid(images, { columns: 2, padding: 1, padValue: 0 }), () => 1);
    expect(grid.shape).toEqual([5, 7, 1]);
    expect(grid.squeeze().arraySync()).toEqual([
      [0, 0, 0, 0, 0, 0, 0],
      [0, 1, 1, 0, 2, 2, 0],
      [0, 0, 0, 0, 0, 0, 0],
      [0, 3, 3, 0, 0, 0, 0],
      [0, 0, 0, 0, 0, 0, 0],
    ]);
    expect(() => imageGrid(tf.zeros([2, 2, 2]) as never)).toThrow(ShapeError);
    tf.dispose([images, grid]);
  });
});

describe('overlayHeatmap', () => {
  test('blends the upsampled, colour-mapped heatmap with the image by alpha', async () => {
    const image = tf.fill([4, 4, 1], 0.5) as tf.Tensor3D;
    const heat = tf.tensor2d([[0, 0], [0, 1]]);
    const out = await expectNoLeak(() => overlayHeatmap(image, heat, { colormap: 'gray', alpha: 0.5 }), () => 1);
    expect(out.shape).toEqual([4, 4, 3]);
    const px = out.arraySync() as number[][][];
    // Corner [0,0] is heat 0 → gray 0: 0.5*0 + 0.5*0.5 = 0.25; corner [3,3] is heat 1: 0.5*1 + 0.25 = 0.75.
    expect(px[0]![0]).toEqual([0.25, 0.25, 0.25]);
    expect(px[3]![3]).toEqual([0.75, 0.75, 0.75]);
    expect(() => overlayHeatmap(image, heat, { alpha: 2 })).toThrow(InvalidArgumentError);
    tf.dispose([image, heat, out]);
  });
});
