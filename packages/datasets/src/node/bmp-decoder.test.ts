import { describe, expect, test } from 'vitest';
import { expectError } from '../../test-support/helpers.js';
import { DatasetFormatError } from '../errors.js';
import { buildBmp } from '../../test-support/bmp.js';
import { decodeBmp } from './bmp-decoder.js';

describe('decodeBmp', () => {
  test('24-bit bottom-up rows with padding: BGR becomes RGB, last stored row is the top', () => {
    // 2x2: stored bottom row first; each row 6 bytes + 2 padding.
    const bmp = buildBmp({
      width: 2,
      height: 2,
      bitsPerPixel: 24,
      rows: [
        [255, 0, 0, 0, 255, 0, 0, 0], // bottom: blue, green
        [0, 0, 255, 255, 255, 255, 0, 0], // top: red, white
      ],
    });
    const decoded = decodeBmp(bmp, 'x.bmp');
    expect([decoded.width, decoded.height, decoded.channels]).toEqual([2, 2, 3]);
    expect(Array.from(decoded.data)).toEqual([255, 0, 0, 255, 255, 255, 0, 0, 255, 0, 255, 0]);
  });

  test('top-down (negative height) 8-bit palette and 1-bit palette images', () => {
    const eight = decodeBmp(
      buildBmp({ width: 3, height: -1, bitsPerPixel: 8, palette: [[10, 20, 30], [40, 50, 60]], rows: [[1, 0, 1, 0]] }),
      'p8.bmp',
    );
    expect(Array.from(eight.data)).toEqual([40, 50, 60, 10, 20, 30, 40, 50, 60]);
    const one = decodeBmp(buildBmp({ width: 3, height: 1, bitsPerPixel: 1, palette: [[0, 0, 0], [255, 255, 255]], rows: [[0b10100000, 0, 0, 0]] }), 'p1.bmp');
    expect(Array.from(one.data)).toEqual([255, 255, 255, 0, 0, 0, 255, 255, 255]);
  });

  test('16-bit 5-5-5 default masks, and 32-bit BI_BITFIELDS with an alpha mask', () => {
    // 0x7fff = white, 0x001f = pure blue in 5-5-5
    const sixteen = decodeBmp(buildBmp({ width: 2, height: 1, bitsPerPixel: 16, rows: [[0xff, 0x7f, 0x1f, 0x00]] }), 's.bmp');
    expect(Array.from(sixteen.data)).toEqual([255, 255, 255, 0, 0, 255]);
    const rgba = decodeBmp(
      buildBmp({ width: 1, height: 1, bitsPerPixel: 32, compression: 3, headerSize: 56, masks: [0x00ff0000, 0x0000ff00, 0x000000ff, 0xff000000], rows: [[0x30, 0x20, 0x10, 0x80]] }),
      'a.bmp',
    );
    expect(rgba.channels).toBe(4);
    expect(Array.from(rgba.data)).toEqual([0x10, 0x20, 0x30, 0x80]);
  });

  test('truncated pixel data, RLE compression and a bad signature are DatasetFormatErrors with offsets', async () => {
    const bmp = buildBmp({ width: 2, height: 2, bitsPerPixel: 24, rows: [[0, 0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0]] });
    await expectError(() => decodeBmp(bmp.subarray(0, bmp.length - 3), 'cut.bmp'), DatasetFormatError, 'cut.bmp (byte offset 67)', 'truncated');
    const rle = buildBmp({ width: 1, height: 1, bitsPerPixel: 8, compression: 1, palette: [[0, 0, 0]], rows: [[0, 0, 0, 0]] });
    await expectError(() => decodeBmp(rle, 'rle.bmp'), DatasetFormatError, 'rle.bmp (byte offset 30)', 'compression type 1');
    await expectError(() => decodeBmp(new Uint8Array([1, 2, 3]), 'no.bmp'), DatasetFormatError, 'no.bmp (byte offset 0)', 'signature');
  });
});
