import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { PNG } from 'pngjs';
import { tf } from '../tf.js';
import { InvalidArgumentError, ShapeError } from '../errors.js';

/** PNG colour types by channel count: gray, gray+alpha, RGB, RGBA. */
const COLOR_TYPE = { 1: 0, 2: 4, 3: 2, 4: 6 } as const;

/**
 * Encodes an image `[H, W]` or `[H, W, C]` (C = 1, 2, 3 or 4) as an 8-bit PNG.
 * int32 values must be integers in [0, 255] and are written as they are;
 * float32 values must be in [0, 1] and are scaled by 255 and rounded. Values
 * outside the range are an error, not clipped.
 */
export function encodePng(image: tf.Tensor): Uint8Array {
  const shape = image.rank === 2 ? [...image.shape, 1] : image.shape;
  const [height, width, channels] = shape as [number, number, number];
  if (shape.length !== 3 || !(channels in COLOR_TYPE)) {
    throw new ShapeError('image', '[H, W] or [H, W, C] with C in 1..4', `shape [${image.shape.join(', ')}]`);
  }
  const values = image.dataSync();
  const float = image.dtype === 'float32';
  const bytes = Buffer.alloc(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    const byte = float ? Math.round(v * 255) : v;
    if (!(byte >= 0 && byte <= 255) || !Number.isInteger(byte)) {
      throw new InvalidArgumentError('image', float ? 'float32 values in [0, 1]' : 'integer values in [0, 255]', `${v} at flat index ${i}`);
    }
    bytes[i] = byte;
  }
  const colorType = COLOR_TYPE[channels as keyof typeof COLOR_TYPE];
  const png = new PNG({ width, height, colorType, inputColorType: colorType, inputHasAlpha: channels === 2 || channels === 4, bitDepth: 8 });
  png.data = bytes;
  return new Uint8Array(PNG.sync.write(png, { colorType, inputColorType: colorType, inputHasAlpha: channels === 2 || channels === 4 }));
}

export interface DecodePngOptions {
  /** Channels of the result; default: the file's own (1 gray, 2 gray+alpha, 3 RGB, 4 RGBA). */
  channels?: 1 | 2 | 3 | 4;
}

/** Decodes a PNG into an int32 tensor `[H, W, C]` of values 0..255 (16-bit files are scaled to 8 bits). */
export function decodePng(bytes: Uint8Array, options: DecodePngOptions = {}): tf.Tensor3D {
  return decodeNamedPng(bytes, options, 'bytes');
}

function decodeNamedPng(bytes: Uint8Array, options: DecodePngOptions, name: string): tf.Tensor3D {
  let png: PNG & { color?: boolean; alpha?: boolean };
  try {
    png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)) as PNG & { color?: boolean; alpha?: boolean };
  } catch (error) {
    throw new InvalidArgumentError(name, 'a PNG file', `bytes that do not decode (${(error as Error).message})`);
  }
  const own = ((png.color ? 3 : 1) + (png.alpha ? 1 : 0)) as 1 | 2 | 3 | 4;
  const channels = options.channels ?? own;
  const { width, height, data } = png;
  const out = new Int32Array(width * height * channels);
  for (let p = 0; p < width * height; p++) {
    const r = data[p * 4] as number;
    const g = data[p * 4 + 1] as number;
    const b = data[p * 4 + 2] as number;
    const a = data[p * 4 + 3] as number;
    const o = p * channels;
    // Gray from colour uses ITU-R BT.601 luma, as PIL's convert('L') does.
    const gray = channels <= 2 ? (own >= 3 ? Math.round(0.299 * r + 0.587 * g + 0.114 * b) : r) : 0;
    if (channels === 1) out[o] = gray;
    else if (channels === 2) {
      out[o] = gray;
      out[o + 1] = a;
    } else {
      out[o] = r;
      out[o + 1] = g;
      out[o + 2] = b;
      if (channels === 4) out[o + 3] = a;
    }
  }
  return tf.tensor3d(out, [height, width, channels], 'int32');
}

/** Writes `encodePng(image)` to `path`, creating folders as needed. */
export async function writePng(path: string, image: tf.Tensor): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, encodePng(image));
}

/** Reads and decodes a PNG file. */
export async function readPng(path: string, options: DecodePngOptions = {}): Promise<tf.Tensor3D> {
  return decodeNamedPng(await readFile(path), options, path);
}
