import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, test } from 'vitest';
import { initBackend, tf } from '@deepcourse/backend';
import { courseDataDir, expectError, expectNoLeak, withTempDir } from '../../test-support/helpers.js';
import { DatasetFormatError, DatasetNotFoundError } from '../errors.js';
import { buildBmp } from '../../test-support/bmp.js';
import { loadImageFolder } from './image-folder.js';
import { resizePixels } from './resize.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

const solid = (width: number, height: number, rgb: [number, number, number]) => sharp({ create: { width, height, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } });

/** A 6x5 RGB gradient with known bytes, to compare resizing with the reference. */
const GRADIENT = Uint8Array.from({ length: 5 * 6 * 3 }, (_, i) => (i * 37) % 256);

/**
 * root/
 *   bird/red.png, bird/more/green.gif
 *   cat/blue.bmp, cat/orange.jpg
 *   dog/gradient.png, dog/notes.txt
 *   README.md
 */
async function makeFolder(root: string): Promise<void> {
  await mkdir(join(root, 'bird', 'more'), { recursive: true });
  await mkdir(join(root, 'cat'));
  await mkdir(join(root, 'dog'));
  await solid(8, 8, [255, 0, 0]).png().toFile(join(root, 'bird', 'red.png'));
  await solid(8, 8, [0, 255, 0]).gif().toFile(join(root, 'bird', 'more', 'green.gif'));
  const blueRow = [255, 0, 0, 255, 0, 0, 255, 0, 0, 255, 0, 0]; // 4 BGR pixels, 12 bytes (no padding needed)
  await writeFile(join(root, 'cat', 'blue.bmp'), buildBmp({ width: 4, height: 4, bitsPerPixel: 24, rows: [blueRow, blueRow, blueRow, blueRow] }));
  await solid(16, 16, [255, 128, 0]).jpeg({ quality: 95 }).toFile(join(root, 'cat', 'orange.jpg'));
  await sharp(GRADIENT, { raw: { width: 6, height: 5, channels: 3 } }).png().toFile(join(root, 'dog', 'gradient.png'));
  await writeFile(join(root, 'dog', 'notes.txt'), 'not an image');
  await writeFile(join(root, 'README.md'), '# data');
}

function pixelAt(images: tf.Tensor4D, index: number, y: number, x: number): number[] {
  const [, h, w, c] = images.shape;
  const data = images.dataSync();
  const at = ((index * h + y) * w + x) * c;
  return Array.from(data.subarray(at, at + c));
}

describe('loadImageFolder', () => {
  test('labels follow the sorted subfolder names; png, gif (nested), bmp and jpg decode; other files are listed as ignored', async () => {
    await withTempDir(async (root) => {
      await makeFolder(root);
      await expectNoLeak(
        () => loadImageFolder(root, { imageSize: [4, 4], shuffle: false }),
        (data) => {
          expect(data.classNames).toEqual(['bird', 'cat', 'dog']);
          expect(data.files.map((f) => f.slice(root.length + 1))).toEqual(['bird/red.png', 'bird/more/green.gif', 'cat/blue.bmp', 'cat/orange.jpg', 'dog/gradient.png']);
          expect(Array.from(data.labels.dataSync())).toEqual([0, 0, 1, 1, 2]);
          expect(data.images.shape).toEqual([5, 4, 4, 3]);
          expect(data.ignored.map((f) => f.slice(root.length + 1)).sort()).toEqual(['README.md', 'dog/notes.txt']);
          expect(data.skipped).toEqual([]);
          expect(pixelAt(data.images, 0, 2, 3)).toEqual([1, 0, 0]);
          expect(pixelAt(data.images, 1, 0, 0)).toEqual([0, 1, 0]);
          expect(pixelAt(data.images, 2, 3, 1)).toEqual([0, 0, 1]);
          const orange = pixelAt(data.images, 3, 1, 1).map((v) => v * 255);
          [255, 128, 0].forEach((v, i) => expect(Math.abs((orange[i] as number) - v)).toBeLessThanOrEqual(3)); // JPEG is lossy
        },
      );
    });
  });

  test("nonImageFiles: 'error' rejects a folder holding other files, naming the first", async () => {
    await withTempDir(async (root) => {
      await makeFolder(root);
      await expectError(loadImageFolder(root, { nonImageFiles: 'error' }), DatasetFormatError, join(root, 'README.md'), 'only image files', '".md"', 'and 1 more');
    });
  });

  test("resizing matches TensorFlow's bilinear and nearest resize of the decoded bytes; 'byte' keeps 0..255", async () => {
    await withTempDir(async (root) => {
      await makeFolder(root);
      for (const interpolation of ['bilinear', 'nearest'] as const) {
        const data = await loadImageFolder(root, { imageSize: [3, 9], shuffle: false, interpolation, pixelScale: 'byte' });
        const reference = tf.tidy(() => {
          const image = tf.tensor3d(Array.from(GRADIENT), [5, 6, 3], 'float32');
          return interpolation === 'bilinear' ? tf.image.resizeBilinear(image, [3, 9], false, true) : tf.image.resizeNearestNeighbor(image, [3, 9], false, true);
        });
        const expected = Array.from(reference.dataSync());
        const ours = Array.from(data.images.dataSync().subarray(4 * 27 * 3, 5 * 27 * 3));
        ours.forEach((v, i) => expect(v).toBeCloseTo(expected[i] as number, 3));
        tf.dispose([data, reference]);
      }
    });
  });

  test('grayscale uses BT.601 luma of the RGB bytes; rgba keeps the alpha channel', async () => {
    await withTempDir(async (root) => {
      await mkdir(join(root, 'a'));
      const pixel = Uint8Array.from([200, 100, 50, 128]);
      await sharp(Uint8Array.from({ length: 4 * 16 }, (_, i) => pixel[i % 4] as number), { raw: { width: 4, height: 4, channels: 4 } }).png().toFile(join(root, 'a', 'p.png'));
      const gray = await loadImageFolder(root, { imageSize: [2, 2], colorMode: 'grayscale', pixelScale: 'byte' });
      expect(gray.images.shape).toEqual([1, 2, 2, 1]);
      expect(Array.from(gray.images.dataSync())).toEqual([124, 124, 124, 124]); // round(0.299*200 + 0.587*100 + 0.114*50)
      const rgba = await loadImageFolder(root, { imageSize: [2, 2], colorMode: 'rgba', pixelScale: 'byte' });
      expect(pixelAt(rgba.images, 0, 1, 1)).toEqual([200, 100, 50, 128]);
      const rgb = await loadImageFolder(root, { imageSize: [2, 2], pixelScale: 'byte' });
      expect(pixelAt(rgb.images, 0, 0, 0)).toEqual([200, 100, 50]);
      tf.dispose([gray, rgba, rgb]);
    });
  });

  test('cropToAspectRatio takes the centred box (Keras smart_resize) instead of stretching', async () => {
    await withTempDir(async (root) => {
      await mkdir(join(root, 'a'));
      const columns = [0, 0, 100, 200, 255, 255];
      const bytes = Uint8Array.from({ length: 2 * 6 }, (_, i) => columns[i % 6] as number);
      await sharp(bytes, { raw: { width: 6, height: 2, channels: 1 } }).png().toFile(join(root, 'a', 'wide.png'));
      const cropped = await loadImageFolder(root, { imageSize: [2, 2], colorMode: 'grayscale', cropToAspectRatio: true, pixelScale: 'byte' });
      expect(Array.from(cropped.images.dataSync())).toEqual([100, 200, 100, 200]);
      const stretched = await loadImageFolder(root, { imageSize: [2, 2], colorMode: 'grayscale', pixelScale: 'byte' });
      expect(Array.from(stretched.images.dataSync())).toEqual([0, 255, 0, 255]);
      tf.dispose([cropped, stretched]);
    });
  });

  test("an undecodable image fails the load naming the file; onInvalid: 'skip' leaves it out and lists it", async () => {
    await withTempDir(async (root) => {
      await makeFolder(root);
      await writeFile(join(root, 'cat', 'broken.jpg'), 'this is text, not a JPEG');
      const png = await solid(8, 8, [1, 2, 3]).png().toBuffer();
      await writeFile(join(root, 'dog', 'truncated.png'), png.subarray(0, png.length - 30));
      const before = tf.memory().numTensors;
      const error = (await expectError(loadImageFolder(root, { imageSize: [4, 4], shuffle: false }), DatasetFormatError, join(root, 'cat', 'broken.jpg'), 'a decodable image')) as DatasetFormatError;
      expect(error.location.entry).toBe(3); // red, green, blue.bmp, then broken.jpg
      expect(tf.memory().numTensors).toBe(before);
      await expectNoLeak(
        () => loadImageFolder(root, { imageSize: [4, 4], shuffle: false, onInvalid: 'skip' }),
        (data) => {
          expect(data.skipped.map((s) => s.file)).toEqual([join(root, 'cat', 'broken.jpg'), join(root, 'dog', 'truncated.png')]);
          expect(data.skipped.every((s) => s.reason.length > 0)).toBe(true);
          expect(data.images.shape[0]).toBe(5);
          expect(Array.from(data.labels.dataSync())).toEqual([0, 0, 1, 1, 2]);
          expect(pixelAt(data.images, 2, 0, 0)).toEqual([0, 0, 1]); // the bmp after the gap closed
        },
      );
      // A BMP with a broken header goes through the same path.
      await writeFile(join(root, 'cat', 'broken.jpg'), buildBmp({ width: 4, height: 4, bitsPerPixel: 24, rows: [[1, 2, 3]] }));
      await expectError(loadImageFolder(root, { imageSize: [4, 4], shuffle: false }), DatasetFormatError, 'broken.jpg (byte offset', 'truncated');
    });
  });

  test('empty folders, class folders without images, unknown classNames and missing folders are typed errors', async () => {
    await withTempDir(async (root) => {
      await expectError(loadImageFolder(root), DatasetFormatError, root, 'one subfolder per class', 'an empty folder');
      await mkdir(join(root, 'a'));
      await mkdir(join(root, 'b'));
      await solid(2, 2, [0, 0, 0]).png().toFile(join(root, 'a', 'x.png'));
      await writeFile(join(root, 'b', 'notes.txt'), '');
      await expectError(loadImageFolder(root), DatasetFormatError, join(root, 'b'), 'at least one image', 'class folder "b"');
      await solid(2, 2, [0, 0, 0]).png().toFile(join(root, 'b', 'y.png'));
      await expectError(loadImageFolder(root, { classNames: ['a', 'c'] }), Error, 'options.classNames', '"a", "b"');
      await expectError(loadImageFolder(join(root, 'missing')), DatasetNotFoundError, 'no such folder');
      const reordered = await loadImageFolder(root, { classNames: ['b', 'a'], imageSize: [2, 2], shuffle: false });
      expect(reordered.classNames).toEqual(['b', 'a']);
      expect(reordered.files.map((f) => f.slice(root.length + 1))).toEqual(['b/y.png', 'a/x.png']);
      expect(Array.from(reordered.labels.dataSync())).toEqual([0, 1]);
      tf.dispose(reordered);
    });
  });

  test('a seeded validation split gives complementary parts; the same seed gives the same order', async () => {
    await withTempDir(async (root) => {
      for (const name of ['a', 'b']) {
        await mkdir(join(root, name));
        for (let i = 0; i < 5; i++) await solid(2, 2, [i * 50, 0, 0]).png().toFile(join(root, name, `${i}.png`));
      }
      const { training, validation } = await loadImageFolder(root, { imageSize: [2, 2], validationSplit: 0.3, subset: 'both', seed: 9 });
      expect(training.files).toHaveLength(7);
      expect(validation.files).toHaveLength(3);
      expect(new Set([...training.files, ...validation.files]).size).toBe(10);
      const again = await loadImageFolder(root, { imageSize: [2, 2], validationSplit: 0.3, subset: 'validation', seed: 9 });
      expect(again.files).toEqual(validation.files);
      const other = await loadImageFolder(root, { imageSize: [2, 2], seed: 10 });
      expect(other.files).not.toEqual([...training.files, ...validation.files]);
      tf.dispose([training, validation, again, other]);
      await expectError(loadImageFolder(root, { validationSplit: 0.3 }), Error, 'options.subset');
    });
  });

  const courseData = courseDataDir();
  test.skipIf(courseData === undefined)('the course MRI set loads (COURSE_DATA_DIR; skipped when unset)', async () => {
    const mri = join(courseData as string, 'mri');
    await expectNoLeak(
      () => loadImageFolder(join(mri, 'train'), { imageSize: [150, 150], shuffle: false }),
      async (train) => {
        expect(train.classNames).toEqual(['ad', 'normal']);
        expect(train.images.shape).toEqual([160, 150, 150, 3]);
        expect(Array.from(tf.tidy(() => tf.bincount(train.labels, tf.tensor1d([], 'float32'), 2).dataSync()))).toEqual([80, 80]);
        // 150x150 files at 150x150: pixels are exactly the decoded bytes / 255.
        const raw = await sharp(train.files[0]).removeAlpha().toColourspace('srgb').raw().toBuffer();
        const first = train.images.dataSync().subarray(0, 150 * 150 * 3);
        expect(Array.from(first.subarray(0, 300))).toEqual(Array.from(raw.subarray(0, 300), (b) => Math.fround(b / 255)));
      },
    );
    const t = await loadImageFolder(join(mri, 'test'), { imageSize: [150, 150] });
    expect(t.images.shape[0]).toBe(120);
    tf.dispose(t);
  });
});
