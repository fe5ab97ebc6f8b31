import { beforeAll, describe, expect, it } from 'vitest';
import { tf, initBackend, ShapeError } from '@deepcourse/backend';
import { decodePng } from '@deepcourse/backend/node';
import { overlay } from './overlay.js';
import { expectNoLeak } from '../test-utils.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe('overlay', () => {
  it('encodes the blended heatmap as a PNG at image resolution', async () => {
    const image = tf.zeros([1, 8, 6, 1]);
    // Left half cold (0), right half hot (1); the map is at half resolution.
    const heatmap = tf.tensor3d([[[0, 0, 1], [0, 0, 1], [0, 0, 1], [0, 0, 1]]]);
    const png = await expectNoLeak(() => overlay(image, heatmap, { colormap: 'gray', alpha: 1 }));
    expect(Array.from(png.slice(1, 4), (c) => String.fromCharCode(c)).join('')).toBe('PNG');
    const decoded = decodePng(png);
    expect(decoded.shape).toEqual([8, 6, 3]);
    const pixels = decoded.arraySync() as number[][][];
    expect(pixels[0]![0]).toEqual([0, 0, 0]);
    expect(pixels[0]![5]).toEqual([255, 255, 255]);
    // alpha 0.5 over a white image: jet(0) = (0, 0, 0.5) blended half and half.
    const white = tf.ones([8, 6, 3]);
    const half = decodePng(overlay(white, heatmap, { alpha: 0.5 })).arraySync() as number[][][];
    expect(half[0]![0]).toEqual([128, 128, 191]);
    tf.dispose([image, heatmap, decoded, white]);
  });

  it('rejects a batch of several images', () => {
    const images = tf.zeros([2, 4, 4, 1]);
    expect(() => overlay(images, tf.zeros([4, 4]))).toThrow(ShapeError);
    images.dispose();
  });
});
