import { InvalidArgumentError, tf } from '@deepcourse/backend';

/**
 * Images with integer class labels. The caller owns both tensors: dispose them with
 * `tf.dispose(dataset)` (tf.dispose walks the object and skips the non-tensor fields).
 * (Declared as type aliases with mutable arrays so that they type-check as a tfjs `TensorContainer`.)
 */
export type LabeledImages = {
  /** float32 [n, height, width, channels]; in [0, 1] (`pixelScale: 'unit'`) or [0, 255] (`'byte'`). */
  readonly images: tf.Tensor4D;
  /** int32 [n], class indices into `classNames`. */
  readonly labels: tf.Tensor1D;
  /** Name of each class; `labels` index this array. */
  readonly classNames: string[];
};

/** A train and a test part of one data set. */
export type TrainTest<T> = {
  readonly train: T;
  readonly test: T;
};

/** How pixel bytes become floats: `'unit'` divides by 255 into [0, 1], `'byte'` keeps 0..255. */
export type PixelScale = 'unit' | 'byte';

export function checkPixelScale(scale: unknown, argument = 'pixelScale'): PixelScale {
  if (scale === 'unit' || scale === 'byte') return scale;
  throw new InvalidArgumentError(argument, "'unit' or 'byte'", scale);
}

// 256-entry tables: a lookup per pixel is faster than a division and gives the
// correctly rounded float32 of byte / 255.
const UNIT_TABLE = new Float32Array(256).map((_, i) => i / 255);
const BYTE_TABLE = new Float32Array(256).map((_, i) => i);

/** Converts bytes to float32 pixels in one pass (the only float copy a loader makes). */
export function bytesToPixels(bytes: Uint8Array, scale: PixelScale, out = new Float32Array(bytes.length), offset = 0): Float32Array {
  const table = scale === 'unit' ? UNIT_TABLE : BYTE_TABLE;
  for (let i = 0; i < bytes.length; i++) out[offset + i] = table[bytes[i] as number] as number;
  return out;
}
