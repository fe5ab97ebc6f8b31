import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { PNG } from 'pngjs';
import { tf } from '../tf.js';
import { decodePng, encodePng, readPng, writePng } from './png.js';
import { InvalidArgumentError, ShapeError } from '../errors.js';
import { seedStream } from '../seed.js';
import { expectNoLeak } from '../test-utils.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function randomImage(h: number, w: number, c: number, seed: number): tf.Tensor3D {
  const s = seedStream(seed);
  return tf.tensor3d(Int32Array.from({ length: h * w * c }, () => s.uniformInt(0, 256)), [h, w, c], 'int32');
}

describe('PNG round trip', () => {
  test.each([1, 2, 3, 4])('is exact for %i-channel int32 images', async (channels) => {
    const image = randomImage(7, 5, channels, channels);
    const bytes = await expectNoLeak(() => encodePng(image));
    const back = await expectNoLeak(() => decodePng(bytes), () => 1);
    expect(back.shape).toEqual([7, 5, channels]);
    expect(Array.from(back.dataSync())).toEqual(Array.from(image.dataSync()));
    tf.dispose([image, back]);
  });

  test('float32 images in [0, 1] are scaled by 255 and rounded', () => {
    const image = tf.tensor3d([0, 0.5, 1, 0.2], [2, 2, 1]);
    const back = decodePng(encodePng(image));
    expect(Array.from(back.dataSync())).toEqual([0, 128, 255, 51]);
    tf.dispose([image, back]);
  });

  test('files written by another encoder decode to their pixels (colour to gray by BT.601 luma)', () => {
    const png = new PNG({ width: 2, height: 1 });
    png.data = Buffer.from([255, 0, 0, 255, 10, 20, 30, 128]);
    const bytes = PNG.sync.write(png);
    const rgba = decodePng(bytes);
    expect(rgba.shape).toEqual([1, 2, 4]);
    expect(Array.from(rgba.dataSync())).toEqual([255, 0, 0, 255, 10, 20, 30, 128]);
    const gray = decodePng(bytes, { channels: 1 });
    // 0.299*255 = 76.245 → 76; 0.299*10 + 0.587*20 + 0.114*30 = 18.15 → 18.
    expect(Array.from(gray.dataSync())).toEqual([76, 18]);
    tf.dispose([rgba, gray]);
  });

  test('writePng/readPng go through the file system', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dc-png-'));
    const image = randomImage(3, 4, 3, 9);
    await writePng(join(dir, 'a', 'img.png'), image);
    const back = await readPng(join(dir, 'a', 'img.png'));
    expect(Array.from(back.dataSync())).toEqual(Array.from(image.dataSync()));
    await writeFile(join(dir, 'bad.png'), 'not a png');
    await expect(readPng(join(dir, 'bad.png'))).rejects.toThrow(/bad\.png: expected a PNG file/);
    tf.dispose([image, back]);
  });

  test('out-of-range values and bad shapes are errors, not clipped', () => {
    const big = tf.tensor3d([0, 256], [1, 2, 1], 'int32');
    const over = tf.tensor3d([1.2], [1, 1, 1]);
    expect(() => encodePng(big)).toThrow(/integer values in \[0, 255\].*256 at flat index 1/);
    expect(() => encodePng(over)).toThrow(InvalidArgumentError);
    const five = tf.zeros([2, 2, 5]);
    expect(() => encodePng(five)).toThrow(ShapeError);
    tf.dispose([big, over, five]);
  });
});
