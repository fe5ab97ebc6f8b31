/** Builds a BMP with a 40-byte info header (or `headerSize`), optional palette/masks, and rows as given (already padded). */
export function buildBmp(options: {
  width: number;
  height: number;
  bitsPerPixel: number;
  rows: number[][];
  palette?: number[][];
  compression?: number;
  masks?: number[];
  headerSize?: number;
}): Uint8Array {
  const headerSize = options.headerSize ?? 40;
  const extra = options.compression === 3 && headerSize === 40 ? 4 * (options.masks?.length ?? 3) : 0;
  const paletteBytes = (options.palette?.length ?? 0) * 4;
  const dataOffset = 14 + headerSize + extra + paletteBytes;
  const pixelBytes = options.rows.flat();
  const out = new Uint8Array(dataOffset + pixelBytes.length);
  const view = new DataView(out.buffer);
  out[0] = 0x42;
  out[1] = 0x4d;
  view.setUint32(2, out.length, true);
  view.setUint32(10, dataOffset, true);
  view.setUint32(14, headerSize, true);
  view.setInt32(18, options.width, true);
  view.setInt32(22, options.height, true);
  view.setUint16(26, 1, true);
  view.setUint16(28, options.bitsPerPixel, true);
  view.setUint32(30, options.compression ?? 0, true);
  view.setUint32(46, options.palette?.length ?? 0, true);
  (options.masks ?? []).forEach((mask, i) => view.setUint32(54 + 4 * i, mask, true));
  (options.palette ?? []).forEach(([r, g, b], i) => out.set([b!, g!, r!, 0], 14 + headerSize + extra + 4 * i));
  out.set(pixelBytes, dataOffset);
  return out;
}

