import { DatasetFormatError } from '../errors.js';

/** Decoded BMP pixels: RGB or RGBA bytes, top row first. */
export interface DecodedBmp {
  readonly width: number;
  readonly height: number;
  readonly channels: 3 | 4;
  readonly data: Uint8Array;
}

/** True when the bytes start with the BMP signature "BM". */
export function isBmp(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x42 && bytes[1] === 0x4d;
}

/**
 * Decodes an uncompressed Windows bitmap (1, 4, 8, 16, 24 or 32 bits per pixel; BI_RGB, BI_BITFIELDS or
 * BI_ALPHABITFIELDS; bottom-up or top-down; core, info, V4 and V5 headers). libvips, sharp's engine, has no
 * BMP reader, so BMP files in an image folder come through here. RLE-compressed bitmaps and embedded
 * JPEG/PNG are rejected with a DatasetFormatError naming the byte offset.
 */
export function decodeBmp(bytes: Uint8Array, file: string): DecodedBmp {
  const fail = (expected: string, found: string, byteOffset: number): never => {
    throw new DatasetFormatError(file, expected, found, { byteOffset });
  };
  if (!isBmp(bytes)) fail('the BMP signature "BM"', 'other bytes', 0);
  if (bytes.length < 26) fail('a BMP file header and DIB header', `a file of ${bytes.length} bytes`, bytes.length);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dataOffset = view.getUint32(10, true);
  const headerSize = view.getUint32(14, true);
  const headerEnd = 14 + headerSize;
  if (bytes.length < headerEnd) fail(`a DIB header of ${headerSize} bytes`, `a file of ${bytes.length} bytes (truncated)`, bytes.length);
  let width: number;
  let height: number;
  let bitsPerPixel: number;
  let compression = 0;
  let colorsUsed = 0;
  const core = headerSize === 12;
  if (core) {
    width = view.getUint16(18, true);
    height = view.getInt16(20, true);
    bitsPerPixel = view.getUint16(24, true);
  } else if (headerSize >= 40) {
    width = view.getInt32(18, true);
    height = view.getInt32(22, true);
    bitsPerPixel = view.getUint16(28, true);
    compression = view.getUint32(30, true);
    colorsUsed = view.getUint32(46, true);
  } else {
    return fail('a DIB header of 12, 40, 52, 56, 108 or 124 bytes', `${headerSize} bytes`, 14);
  }
  const topDown = height < 0;
  height = Math.abs(height);
  if (width <= 0 || height === 0) fail('a positive width and height', `${width} x ${height}`, 18);
  if (![1, 4, 8, 16, 24, 32].includes(bitsPerPixel)) fail('1, 4, 8, 16, 24 or 32 bits per pixel', `${bitsPerPixel}`, core ? 24 : 28);
  if (compression !== 0 && compression !== 3 && compression !== 6) {
    fail('an uncompressed bitmap (BI_RGB, BI_BITFIELDS or BI_ALPHABITFIELDS)', `compression type ${compression} (RLE or embedded JPEG/PNG)`, 30);
  }
  // Channel masks for 16 and 32 bits per pixel.
  let masks: [number, number, number, number] | undefined;
  if (bitsPerPixel === 16) masks = [0x7c00, 0x03e0, 0x001f, 0];
  if (bitsPerPixel === 32) masks = [0x00ff0000, 0x0000ff00, 0x000000ff, 0];
  if (compression === 3 || compression === 6) {
    if (bitsPerPixel !== 16 && bitsPerPixel !== 32) fail('16 or 32 bits per pixel with bit-field masks', `${bitsPerPixel}`, 28);
    const maskAt = 54; // right after the 40-byte info header (inside the header for V2+)
    const maskCount = compression === 6 || headerSize >= 56 ? 4 : 3;
    if (bytes.length < maskAt + 4 * maskCount) fail('channel bit masks', 'a truncated file', bytes.length);
    masks = [view.getUint32(maskAt, true), view.getUint32(maskAt + 4, true), view.getUint32(maskAt + 8, true), maskCount === 4 ? view.getUint32(maskAt + 12, true) : 0];
  } else if (bitsPerPixel === 32 && headerSize >= 56) {
    // V3+ headers of uncompressed 32-bit files may still declare an alpha mask.
    const alphaMask = view.getUint32(66, true);
    if (alphaMask !== 0) masks = [0x00ff0000, 0x0000ff00, 0x000000ff, alphaMask];
  }
  let palette: Uint8Array | undefined;
  if (bitsPerPixel <= 8) {
    const entries = colorsUsed === 0 ? 1 << bitsPerPixel : colorsUsed;
    const entrySize = core ? 3 : 4;
    const paletteAt = headerEnd + (compression === 3 ? 12 : compression === 6 ? 16 : 0);
    if (bytes.length < paletteAt + entries * entrySize) fail(`a palette of ${entries} colours`, 'a truncated file', bytes.length);
    palette = new Uint8Array(entries * 3);
    for (let i = 0; i < entries; i++) {
      palette[i * 3] = bytes[paletteAt + i * entrySize + 2] as number;
      palette[i * 3 + 1] = bytes[paletteAt + i * entrySize + 1] as number;
      palette[i * 3 + 2] = bytes[paletteAt + i * entrySize] as number;
    }
  }
  const rowSize = Math.floor((bitsPerPixel * width + 31) / 32) * 4;
  const needed = dataOffset + rowSize * height;
  if (bytes.length < needed) fail(`${needed} bytes of pixel data (${width} x ${height}, ${bitsPerPixel} bpp)`, `${bytes.length} bytes (truncated)`, bytes.length);
  const hasAlpha = masks !== undefined && masks[3] !== 0;
  const channels: 3 | 4 = hasAlpha ? 4 : 3;
  const out = new Uint8Array(width * height * channels);
  const maskInfo = masks?.map(maskShiftAndScale);
  for (let y = 0; y < height; y++) {
    const rowStart = dataOffset + (topDown ? y : height - 1 - y) * rowSize;
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * channels;
      if (palette !== undefined) {
        const bit = x * bitsPerPixel;
        const byte = bytes[rowStart + (bit >> 3)] as number;
        const index = bitsPerPixel === 8 ? byte : (byte >> (8 - bitsPerPixel - (bit & 7))) & ((1 << bitsPerPixel) - 1);
        if (index * 3 >= palette.length) fail(`a palette index below ${palette.length / 3}`, `index ${index}`, rowStart + (bit >> 3));
        out[o] = palette[index * 3] as number;
        out[o + 1] = palette[index * 3 + 1] as number;
        out[o + 2] = palette[index * 3 + 2] as number;
      } else if (bitsPerPixel === 24) {
        const p = rowStart + x * 3;
        out[o] = bytes[p + 2] as number;
        out[o + 1] = bytes[p + 1] as number;
        out[o + 2] = bytes[p] as number;
      } else {
        const p = rowStart + x * (bitsPerPixel / 8);
        const value = bitsPerPixel === 16 ? view.getUint16(p, true) : view.getUint32(p, true);
        for (let c = 0; c < channels; c++) out[o + c] = extract(value, (maskInfo as MaskInfo[])[c] as MaskInfo);
      }
    }
  }
  return { width, height, channels, data: out };
}

interface MaskInfo {
  readonly mask: number;
  readonly shift: number;
  readonly max: number;
}

function maskShiftAndScale(mask: number): MaskInfo {
  if (mask === 0) return { mask: 0, shift: 0, max: 0 };
  let shift = 0;
  while (((mask >>> shift) & 1) === 0) shift++;
  const max = mask >>> shift;
  return { mask, shift, max };
}

function extract(value: number, info: MaskInfo): number {
  if (info.max === 0) return 255;
  return Math.round((((value & info.mask) >>> info.shift) * 255) / info.max);
}
