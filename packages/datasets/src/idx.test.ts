import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, test } from 'vitest';
import { initBackend, tf } from '@deepcourse/backend';
import { expectError, expectNoLeak } from '../test-support/helpers.js';
import { DatasetFormatError } from './errors.js';
import { decodeIdx, decodeIdxDataset, encodeIdx, labeledImagesFromIdx, type IdxArray } from './idx.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

/** Three 2x3 images with pixel values 0..17 and their labels. */
function smallSet(labels: number[] = [2, 0, 1]): { images: Uint8Array; labels: Uint8Array } {
  return {
    images: encodeIdx({ dtype: 'uint8', shape: [labels.length, 2, 3], data: Array.from({ length: labels.length * 6 }, (_, i) => (i * 15) % 256) }),
    labels: encodeIdx({ dtype: 'uint8', shape: [labels.length], data: labels }),
  };
}

describe('decodeIdx', () => {
  test('reads the header and big-endian values byte by byte (hand-made files)', () => {
    // magic 00 00 08 01, one dimension of size 3, values 7 8 255
    const labels = decodeIdx(new Uint8Array([0, 0, 8, 1, 0, 0, 0, 3, 7, 8, 255]));
    expect(labels.dtype).toBe('uint8');
    expect(labels.shape).toEqual([3]);
    expect(Array.from(labels.data)).toEqual([7, 8, 255]);
    // int32 big-endian: 0x00000102 = 258 and 0xfffffffe = -2
    const ints = decodeIdx(new Uint8Array([0, 0, 0x0c, 1, 0, 0, 0, 2, 0, 0, 1, 2, 0xff, 0xff, 0xff, 0xfe]));
    expect(Array.from(ints.data)).toEqual([258, -2]);
    // float32 big-endian 1.5 = 3f c0 00 00
    const floats = decodeIdx(new Uint8Array([0, 0, 0x0d, 2, 0, 0, 0, 1, 0, 0, 0, 1, 0x3f, 0xc0, 0, 0]));
    expect(floats.shape).toEqual([1, 1]);
    expect(Array.from(floats.data)).toEqual([1.5]);
  });

  test('uint8 data is a view into the input, not a copy', () => {
    const bytes = new Uint8Array([0, 0, 8, 1, 0, 0, 0, 2, 5, 6]);
    const decoded = decodeIdx(bytes);
    expect(decoded.data.buffer).toBe(bytes.buffer);
    expect(decoded.data.byteOffset).toBe(8);
  });

  test('every IDX type survives encodeIdx -> decodeIdx', () => {
    const cases: IdxArray[] = [
      { dtype: 'uint8', shape: [2, 2], data: new Uint8Array([0, 1, 128, 255]) },
      { dtype: 'int8', shape: [3], data: new Int8Array([-128, 0, 127]) },
      { dtype: 'int16', shape: [3], data: new Int16Array([-32768, 1, 32767]) },
      { dtype: 'int32', shape: [1, 3], data: new Int32Array([-(2 ** 31), 65536, 2 ** 31 - 1]) },
      { dtype: 'float32', shape: [2], data: new Float32Array([-0.25, 3.4e38]) },
      { dtype: 'float64', shape: [2], data: new Float64Array([Math.PI, -1e300]) },
    ];
    for (const array of cases) {
      const decoded = decodeIdx(encodeIdx(array));
      expect(decoded.dtype).toBe(array.dtype);
      expect(decoded.shape).toEqual(array.shape);
      expect(Array.from(decoded.data)).toEqual(Array.from(array.data));
    }
  });

  test('a wrong magic number is an error at byte offset 0', () => {
    const bytes = smallSet().images;
    bytes[1] = 0x08;
    const error = (() => {
      try {
        decodeIdx(bytes, 'train-images-idx3-ubyte');
      } catch (e) {
        return e as DatasetFormatError;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(DatasetFormatError);
    expect(error?.file).toBe('train-images-idx3-ubyte');
    expect(error?.location.byteOffset).toBe(0);
    expect(error?.message).toContain('00 08 08 03');
  });

  test('an unknown type code is an error at byte offset 2', async () => {
    const bytes = smallSet().images;
    bytes[2] = 0x0a;
    const error = (await expectError(() => decodeIdx(bytes, 'x.idx'), DatasetFormatError, 'x.idx (byte offset 2)', 'type code 0a')) as DatasetFormatError;
    expect(error.location.byteOffset).toBe(2);
  });

  test('a truncated header, truncated data and trailing bytes name the offset', async () => {
    const bytes = smallSet().images; // 4 + 12 header bytes + 18 pixels = 34 bytes
    expect(bytes.length).toBe(34);
    await expectError(() => decodeIdx(bytes.subarray(0, 10), 'f'), DatasetFormatError, 'f (byte offset 10)', 'a header of 16 bytes');
    await expectError(() => decodeIdx(bytes.subarray(0, 30), 'f'), DatasetFormatError, 'f (byte offset 30)', 'expected 34 bytes', '30 bytes (truncated)');
    const longer = new Uint8Array(37);
    longer.set(bytes);
    await expectError(() => decodeIdx(longer, 'f'), DatasetFormatError, 'f (byte offset 34)', '3 extra trailing bytes');
    await expectError(() => decodeIdx(new Uint8Array([0, 0]), 'f'), DatasetFormatError, 'byte offset 2');
  });

  test('gzip bytes given to the synchronous decoder are named as such', async () => {
    await expectError(() => decodeIdx(gzipSync(smallSet().labels), 'l.gz'), DatasetFormatError, 'l.gz', 'gzip');
  });
});

describe('labeledImagesFromIdx / decodeIdxDataset', () => {
  test('images become float32 [n, h, w, 1] in [0, 1] equal to bytes / 255 on the cpu backend', async () => {
    const set = smallSet();
    await expectNoLeak(
      () => decodeIdxDataset(set),
      (result) => {
        expect(result.images.shape).toEqual([3, 2, 3, 1]);
        expect(result.images.dtype).toBe('float32');
        expect(result.labels.dtype).toBe('int32');
        expect(Array.from(result.labels.dataSync())).toEqual([2, 0, 1]);
        expect(result.classNames).toEqual(['0', '1', '2']);
        const reference = tf.tidy(() => tf.tensor1d(Array.from({ length: 18 }, (_, i) => (i * 15) % 256)).div(255));
        expect(Array.from(result.images.dataSync())).toEqual(Array.from(reference.dataSync()));
        reference.dispose();
      },
    );
  });

  test("pixelScale 'byte' keeps 0..255", async () => {
    await expectNoLeak(
      () => decodeIdxDataset(smallSet(), { pixelScale: 'byte' }),
      (result) => expect(Array.from(result.images.dataSync()).slice(0, 4)).toEqual([0, 15, 30, 45]),
    );
  });

  test('gzip-compressed inputs are decompressed (DecompressionStream) and give the same tensors', async () => {
    const set = smallSet();
    await expectNoLeak(
      () => decodeIdxDataset({ images: gzipSync(set.images), labels: gzipSync(set.labels) }, { classNames: ['a', 'b', 'c'] }),
      (result) => {
        expect(result.classNames).toEqual(['a', 'b', 'c']);
        expect(result.images.dataSync()[1]).toBeCloseTo(15 / 255, 7);
      },
    );
  });

  test('a corrupt gzip stream is a DatasetFormatError naming the source', async () => {
    const gz = gzipSync(smallSet().images);
    await expectError(decodeIdxDataset({ images: gz.subarray(0, gz.length - 12), labels: smallSet().labels }, { names: { images: 'imgs.gz', labels: 'lbls' } }), DatasetFormatError, 'imgs.gz', 'gzip');
  });

  test('an image/label count mismatch names both files', async () => {
    const images = smallSet().images;
    const labels = encodeIdx({ dtype: 'uint8', shape: [2], data: [0, 1] });
    const before = tf.memory().numTensors;
    await expectError(decodeIdxDataset({ images, labels }, { names: { images: 'i.idx', labels: 'l.idx' } }), DatasetFormatError, '3 images in i.idx and 2 labels in l.idx');
    expect(tf.memory().numTensors).toBe(before);
  });

  test('a label out of range names the labels file, the entry and its byte offset', async () => {
    const set = smallSet([0, 1, 12]);
    const error = (await expectError(
      decodeIdxDataset(set, { numClasses: 10, names: { images: 'i', labels: 'labels.idx' } }),
      DatasetFormatError,
      'labels.idx (byte offset 10, entry 2)',
      'class labels in [0, 10)',
      'label 12',
    )) as DatasetFormatError;
    expect(error.location).toEqual({ entry: 2, byteOffset: 10 });
  });

  test('images that are not uint8 or not rank 3/4 are rejected', async () => {
    const floatImages = decodeIdx(encodeIdx({ dtype: 'float32', shape: [1, 1, 1], data: [0.5] }));
    const labels = decodeIdx(encodeIdx({ dtype: 'uint8', shape: [1], data: [0] }));
    await expectError(() => labeledImagesFromIdx(floatImages, labels, { images: 'f', labels: 'l' }), DatasetFormatError, 'uint8 pixels', 'float32');
    const flat = decodeIdx(encodeIdx({ dtype: 'uint8', shape: [1, 4], data: [1, 2, 3, 4] }));
    await expectError(() => labeledImagesFromIdx(flat, labels, { images: 'f', labels: 'l' }), DatasetFormatError, 'rank 3', 'rank 2');
  });

  test('rank-4 images keep their channels', () => {
    const images = decodeIdx(encodeIdx({ dtype: 'uint8', shape: [1, 1, 2, 3], data: [0, 51, 102, 153, 204, 255] }));
    const labels = decodeIdx(encodeIdx({ dtype: 'int32', shape: [1], data: [0] }));
    const result = labeledImagesFromIdx(images, labels, { images: 'i', labels: 'l' });
    expect(result.images.shape).toEqual([1, 1, 2, 3]);
    expect(Array.from(result.images.dataSync())).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1].map((v) => Math.fround(v)));
    tf.dispose(result);
  });
});
