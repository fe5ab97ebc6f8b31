import { InvalidArgumentError, tf } from '@deepcourse/backend';
import { DatasetFormatError } from './errors.js';
import { bytesToPixels, checkPixelScale, type LabeledImages, type PixelScale } from './labeled-images.js';

/** Element types an IDX file can hold (the third byte of its magic number). */
export type IdxDtype = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';

export type IdxData = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

/** A decoded IDX file: its element type, its shape and its values in row-major order. */
export interface IdxArray {
  readonly dtype: IdxDtype;
  readonly shape: readonly number[];
  /** For uint8 files, a view into the input bytes (no copy); other types are byte-swapped into a new array. */
  readonly data: IdxData;
}

const TYPE_CODES: Record<number, { dtype: IdxDtype; size: number }> = {
  0x08: { dtype: 'uint8', size: 1 },
  0x09: { dtype: 'int8', size: 1 },
  0x0b: { dtype: 'int16', size: 2 },
  0x0c: { dtype: 'int32', size: 4 },
  0x0d: { dtype: 'float32', size: 4 },
  0x0e: { dtype: 'float64', size: 8 },
};

/** True when the bytes start with the gzip magic number (1f 8b). */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

function hex(bytes: Uint8Array, start: number, end: number): string {
  return Array.from(bytes.subarray(start, end), (b) => b.toString(16).padStart(2, '0')).join(' ');
}

/**
 * Decodes one IDX file (the MNIST format: magic `00 00 <type> <rank>`, `rank` big-endian uint32 sizes,
 * then the values big-endian). Reads bytes straight into a typed array; uint8 data is not copied.
 * `file` names the source in errors. Throws DatasetFormatError for a wrong magic number, an unknown type,
 * a truncated file or trailing bytes, naming the byte offset.
 */
export function decodeIdx(bytes: Uint8Array, file = '<IDX bytes>'): IdxArray {
  if (isGzip(bytes)) {
    throw new DatasetFormatError(file, 'raw IDX bytes', 'gzip-compressed data (decompress first, or use decodeIdxDataset / loadIdx)', { byteOffset: 0 });
  }
  if (bytes.length < 4) {
    throw new DatasetFormatError(file, 'a 4-byte IDX magic number', `a file of ${bytes.length} bytes`, { byteOffset: bytes.length });
  }
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new DatasetFormatError(file, 'an IDX magic number starting with 00 00', `${hex(bytes, 0, 4)}`, { byteOffset: 0 });
  }
  const type = TYPE_CODES[bytes[2] as number];
  if (type === undefined) {
    throw new DatasetFormatError(
      file,
      'an IDX type code 08, 09, 0b, 0c, 0d or 0e',
      `type code ${hex(bytes, 2, 3)}`,
      { byteOffset: 2 },
    );
  }
  const rank = bytes[3] as number;
  if (rank === 0) throw new DatasetFormatError(file, 'at least one dimension', 'rank 0', { byteOffset: 3 });
  const headerEnd = 4 + 4 * rank;
  if (bytes.length < headerEnd) {
    throw new DatasetFormatError(file, `a header of ${headerEnd} bytes (${rank} dimension sizes)`, `a file of ${bytes.length} bytes (truncated)`, {
      byteOffset: bytes.length,
    });
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape: number[] = [];
  let count = 1;
  for (let d = 0; d < rank; d++) {
    const size = view.getUint32(4 + 4 * d, false);
    shape.push(size);
    count *= size;
  }
  const dataEnd = headerEnd + count * type.size;
  if (bytes.length < dataEnd) {
    throw new DatasetFormatError(
      file,
      `${dataEnd} bytes (header ${headerEnd} + ${count} ${type.dtype} values for shape [${shape.join(', ')}])`,
      `${bytes.length} bytes (truncated)`,
      { byteOffset: bytes.length },
    );
  }
  if (bytes.length > dataEnd) {
    throw new DatasetFormatError(
      file,
      `${dataEnd} bytes for shape [${shape.join(', ')}]`,
      `${bytes.length - dataEnd} extra trailing bytes`,
      { byteOffset: dataEnd },
    );
  }
  return { dtype: type.dtype, shape, data: readValues(bytes, view, headerEnd, count, type.dtype) };
}

function readValues(bytes: Uint8Array, view: DataView, start: number, count: number, dtype: IdxDtype): IdxData {
  switch (dtype) {
    case 'uint8':
      return bytes.subarray(start, start + count);
    case 'int8':
      return new Int8Array(bytes.buffer, bytes.byteOffset + start, count).slice();
    case 'int16': {
      const out = new Int16Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt16(start + 2 * i, false);
      return out;
    }
    case 'int32': {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt32(start + 4 * i, false);
      return out;
    }
    case 'float32': {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(start + 4 * i, false);
      return out;
    }
    case 'float64': {
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(start + 8 * i, false);
      return out;
    }
  }
}

/** Options shared by every IDX image loader. */
export interface IdxImageOptions {
  /** Number of classes; labels must lie in [0, numClasses). Default: `classNames.length`, else the largest label + 1. */
  readonly numClasses?: number;
  /** Class names, one per class. Default: '0', '1', ... */
  readonly classNames?: readonly string[];
  /** 'unit' (default) scales pixels to [0, 1]; 'byte' keeps 0..255. */
  readonly pixelScale?: PixelScale;
}

/**
 * Turns a decoded images file ([n, rows, cols] or [n, rows, cols, channels] uint8) and labels file ([n] integers)
 * into tensors. Checks that the counts match and that every label is a class index; errors name the file,
 * the entry and its byte offset. The caller owns the returned tensors.
 */
export function labeledImagesFromIdx(
  images: IdxArray,
  labels: IdxArray,
  files: { readonly images: string; readonly labels: string },
  options: IdxImageOptions = {},
): LabeledImages {
  const pixelScale = checkPixelScale(options.pixelScale ?? 'unit', 'options.pixelScale');
  if (images.dtype !== 'uint8') {
    throw new DatasetFormatError(files.images, 'uint8 pixels (IDX type code 08)', `${images.dtype} values`, { byteOffset: 2 });
  }
  if (images.shape.length !== 3 && images.shape.length !== 4) {
    throw new DatasetFormatError(files.images, 'an images file of rank 3 [n, rows, cols] or 4 [n, rows, cols, channels]', `rank ${images.shape.length}`, {
      byteOffset: 3,
    });
  }
  if (labels.shape.length !== 1) {
    throw new DatasetFormatError(files.labels, 'a labels file of rank 1 [n]', `rank ${labels.shape.length}`, { byteOffset: 3 });
  }
  if (labels.dtype === 'float32' || labels.dtype === 'float64') {
    throw new DatasetFormatError(files.labels, 'integer labels', `${labels.dtype} values`, { byteOffset: 2 });
  }
  const [n, rows, cols, channels = 1] = images.shape as [number, number, number, number?];
  const labelCount = labels.shape[0] as number;
  if (labelCount !== n) {
    throw new DatasetFormatError(
      `${files.images} + ${files.labels}`,
      'as many labels as images',
      `${n} images in ${files.images} and ${labelCount} labels in ${files.labels}`,
    );
  }
  const elementSize = Object.values(TYPE_CODES).find((t) => t.dtype === labels.dtype)?.size ?? 1;
  const classNames = resolveClassNames(labels.data, files.labels, options, elementSize, 4 + 4 * labels.shape.length);
  const labelInt32 = labels.data instanceof Int32Array ? labels.data.slice() : Int32Array.from(labels.data);
  const pixels = bytesToPixels(images.data as Uint8Array, pixelScale);
  return {
    images: tf.tensor4d(pixels, [n, rows, cols, channels], 'float32'),
    labels: tf.tensor1d(labelInt32, 'int32'),
    classNames,
  };
}

function resolveClassNames(labels: IdxData, file: string, options: IdxImageOptions, elementSize: number, headerSize: number): string[] {
  let numClasses = options.numClasses;
  if (numClasses !== undefined && (!Number.isSafeInteger(numClasses) || numClasses < 1)) {
    throw new InvalidArgumentError('options.numClasses', 'a positive integer', numClasses);
  }
  if (options.classNames !== undefined) {
    if (numClasses !== undefined && options.classNames.length !== numClasses) {
      throw new InvalidArgumentError('options.classNames', `${numClasses} names (options.numClasses)`, options.classNames);
    }
    numClasses = options.classNames.length;
  }
  let max = -1;
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i] as number;
    if (label < 0 || (numClasses !== undefined && label >= numClasses)) {
      throw new DatasetFormatError(
        file,
        numClasses === undefined ? 'non-negative class labels' : `class labels in [0, ${numClasses})`,
        `label ${label}`,
        { entry: i, byteOffset: headerSize + i * elementSize },
      );
    }
    if (label > max) max = label;
  }
  const count = numClasses ?? max + 1;
  return options.classNames !== undefined ? [...options.classNames] : Array.from({ length: count }, (_, i) => String(i));
}

/** Decompresses gzip bytes with the platform's DecompressionStream (browsers, Node 18+). */
export async function gunzipBytes(bytes: Uint8Array, file = '<gzip bytes>'): Promise<Uint8Array> {
  try {
    const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('gzip'));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  } catch (error) {
    throw new DatasetFormatError(file, 'a complete gzip stream', `a corrupt or truncated one (${(error as Error).message})`);
  }
}

/**
 * Decodes an MNIST-style pair of IDX files already in memory (raw or gzip), for example fetched in a browser.
 * Under Node, `loadIdx` from `@deepcourse/datasets/node` also reads paths and URLs with a cache.
 */
export async function decodeIdxDataset(
  sources: { readonly images: Uint8Array; readonly labels: Uint8Array },
  options: IdxImageOptions & { readonly names?: { readonly images: string; readonly labels: string } } = {},
): Promise<LabeledImages> {
  const names = options.names ?? { images: '<images bytes>', labels: '<labels bytes>' };
  const imageBytes = isGzip(sources.images) ? await gunzipBytes(sources.images, names.images) : sources.images;
  const labelBytes = isGzip(sources.labels) ? await gunzipBytes(sources.labels, names.labels) : sources.labels;
  return labeledImagesFromIdx(decodeIdx(imageBytes, names.images), decodeIdx(labelBytes, names.labels), names, options);
}

/** Encodes an array as an IDX file (big-endian), the inverse of `decodeIdx`: for tests and for writing data sets. */
export function encodeIdx(array: { readonly dtype: IdxDtype; readonly shape: readonly number[]; readonly data: ArrayLike<number> }): Uint8Array {
  const entry = Object.entries(TYPE_CODES).find(([, t]) => t.dtype === array.dtype);
  if (entry === undefined) throw new InvalidArgumentError('array.dtype', 'an IDX dtype', array.dtype);
  const [code, type] = [Number(entry[0]), entry[1]];
  const count = array.shape.reduce((a, b) => a * b, 1);
  if (array.data.length !== count) {
    throw new InvalidArgumentError('array.data', `${count} values for shape [${array.shape.join(', ')}]`, `${array.data.length} values`);
  }
  const headerEnd = 4 + 4 * array.shape.length;
  const out = new Uint8Array(headerEnd + count * type.size);
  const view = new DataView(out.buffer);
  out[2] = code;
  out[3] = array.shape.length;
  array.shape.forEach((size, d) => view.setUint32(4 + 4 * d, size, false));
  for (let i = 0; i < count; i++) {
    const value = array.data[i] as number;
    const at = headerEnd + i * type.size;
    switch (array.dtype) {
      case 'uint8': view.setUint8(at, value); break;
      case 'int8': view.setInt8(at, value); break;
      case 'int16': view.setInt16(at, value, false); break;
      case 'int32': view.setInt32(at, value, false); break;
      case 'float32': view.setFloat32(at, value, false); break;
      case 'float64': view.setFloat64(at, value, false); break;
    }
  }
  return out;
}
