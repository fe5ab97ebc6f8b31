import { tf, InvalidArgumentError } from '@deepcourse/backend';
import { checkFinite, checkImageBatch } from './validate.js';

/** How points outside the input image are filled. */
export type FillMode = 'constant' | 'nearest' | 'reflect' | 'wrap';
/** How an image is sampled between pixel centres. */
export type Interpolation = 'nearest' | 'bilinear';

export const FILL_MODES: readonly FillMode[] = ['constant', 'nearest', 'reflect', 'wrap'];
export const INTERPOLATIONS: readonly Interpolation[] = ['nearest', 'bilinear'];

/** Resampling settings of geometric steps. */
export interface SamplingOptions {
  /**
   * 'constant' fills with `fillValue` (k k | a b c d | k k); 'nearest' repeats the edge pixel
   * (a a | a b c d | d d); 'reflect' mirrors about the edge (b a | a b c d | d c);
   * 'wrap' tiles the image (c d | a b c d | a b). Default 'nearest' (as Keras' ImageDataGenerator).
   */
  fillMode?: FillMode;
  /** Value of the filled pixels with fillMode 'constant' (default 0). */
  fillValue?: number;
  /** Default 'bilinear'. */
  interpolation?: Interpolation;
}

export type ResolvedSampling = Required<SamplingOptions>;

export function resolveSampling(options: SamplingOptions, argument: string, defaults: ResolvedSampling = DEFAULT_SAMPLING): ResolvedSampling {
  const fillMode = options.fillMode ?? defaults.fillMode;
  if (!FILL_MODES.includes(fillMode)) throw new InvalidArgumentError(`${argument}.fillMode`, `one of ${FILL_MODES.join(', ')}`, fillMode);
  const interpolation = options.interpolation ?? defaults.interpolation;
  if (!INTERPOLATIONS.includes(interpolation)) {
    throw new InvalidArgumentError(`${argument}.interpolation`, `one of ${INTERPOLATIONS.join(', ')}`, interpolation);
  }
  const fillValue = checkFinite(options.fillValue ?? defaults.fillValue, `${argument}.fillValue`);
  return { fillMode, fillValue, interpolation };
}

export const DEFAULT_SAMPLING: ResolvedSampling = { fillMode: 'nearest', fillValue: 0, interpolation: 'bilinear' };

/** Beyond this many image sizes a reflect/wrap margin is clamped (only extreme zoom-outs get there). */
const MAX_MARGIN_FACTOR = 4;

/**
 * Resamples a batch `[N, H, W, C]` through one inverse affine map per image
 * (`matrices`: N row-major 3x3 maps from output to input pixel coordinates,
 * see matrix.ts) with a single `tf.image.transform` call. Returns float32.
 * Sampling defaults: fillMode 'nearest', fillValue 0, interpolation 'bilinear'.
 *
 * Two defects of the stock kernels are worked around here, so every backend
 * gives the same pixels:
 * - 'reflect' and 'wrap' are done by extending the batch with `mirrorPad` /
 *   `tile` by the margin the maps reach, then sampling with 'nearest'. The
 *   wasm kernel's 'reflect' reads the far edge for negative coordinates, and
 *   TensorFlow's own 'wrap' is not periodic beyond one image size.
 * - tfjs-backend-cpu 4.22's Transform kernel returns after the first image
 *   (the rest stay at the fill value); on such a backend the batch is
 *   transformed image by image.
 */
export function transformImages(images: tf.Tensor4D, matrices: Float64Array, options: SamplingOptions = {}): tf.Tensor4D {
  const { batchSize: n, height, width } = checkImageBatch(images);
  const sampling = resolveSampling(options, 'transformImages');
  if (matrices.length !== n * 9) {
    throw new InvalidArgumentError('matrices', `${n * 9} numbers (one 3x3 map per image)`, `${matrices.length} numbers`);
  }
  const rows = new Float32Array(n * 8);
  let left = 0, right = 0, top = 0, bottom = 0;
  for (let i = 0; i < n; i++) {
    const m = matrices.subarray(i * 9, i * 9 + 9);
    if (m[6] !== 0 || m[7] !== 0 || m[8] !== 1) {
      throw new InvalidArgumentError(`matrices[${i}]`, 'an affine map (last row 0, 0, 1)', `last row ${m[6]}, ${m[7]}, ${m[8]}`);
    }
    rows.set([m[0]!, m[1]!, m[2]!, m[3]!, m[4]!, m[5]!, 0, 0], i * 8);
    if (sampling.fillMode === 'reflect' || sampling.fillMode === 'wrap') {
      // An affine map reaches its extreme input coordinates at the output corners.
      for (const [x, y] of [[0, 0], [width - 1, 0], [0, height - 1], [width - 1, height - 1]] as const) {
        const inX = m[0]! * x + m[1]! * y + m[2]!;
        const inY = m[3]! * x + m[4]! * y + m[5]!;
        left = Math.max(left, -inX);
        right = Math.max(right, inX - (width - 1));
        top = Math.max(top, -inY);
        bottom = Math.max(bottom, inY - (height - 1));
      }
    }
  }
  return tf.tidy(() => {
    let source: tf.Tensor4D = images.dtype === 'float32' ? images : images.toFloat();
    let mode: FillMode = sampling.fillMode;
    const extend = left > 1e-6 || right > 1e-6 || top > 1e-6 || bottom > 1e-6;
    if (mode === 'reflect' || mode === 'wrap') {
      if (extend) {
        // +1: bilinear sampling reads one pixel beyond the point.
        const margin = (v: number, size: number) => Math.min(Math.ceil(v) + 1, MAX_MARGIN_FACTOR * size);
        const [l, r, t, b] = [margin(left, width), margin(right, width), margin(top, height), margin(bottom, height)];
        source = extendBatch(source, 1, t, b, mode);
        source = extendBatch(source, 2, l, r, mode);
        for (let i = 0; i < n; i++) {
          rows[i * 8 + 2] = rows[i * 8 + 2]! + l;
          rows[i * 8 + 5] = rows[i * 8 + 5]! + t;
        }
      }
      // Inside the extended batch every point the maps reach is real data; 'nearest' clamps the rest.
      mode = 'nearest';
    }
    const outputShape: [number, number] = [height, width];
    const { interpolation, fillValue } = sampling;
    if (n === 0) return tf.zeros([0, height, width, images.shape[3]]) as tf.Tensor4D;
    if (n === 1 || transformsWholeBatch()) {
      return tf.image.transform(source, tf.tensor2d(rows, [n, 8]), interpolation, mode, fillValue, outputShape);
    }
    const parts = tf.split<tf.Tensor4D>(source, n, 0).map((image, i) =>
      tf.image.transform(image, tf.tensor2d(rows.subarray(i * 8, i * 8 + 8), [1, 8]), interpolation, mode, fillValue, outputShape),
    );
    return tf.concat(parts, 0);
  });
}

/** Extends a batch along `axis` (1 rows, 2 columns) by `before`/`after` pixels, mirrored or tiled. */
function extendBatch(x: tf.Tensor4D, axis: 1 | 2, before: number, after: number, mode: 'reflect' | 'wrap'): tf.Tensor4D {
  if (before === 0 && after === 0) return x;
  const size = x.shape[axis];
  if (mode === 'wrap') {
    const copiesBefore = Math.ceil(before / size);
    const copies = copiesBefore + 1 + Math.ceil(after / size);
    const reps: [number, number, number, number] = [1, 1, 1, 1];
    reps[axis] = copies;
    const begin: [number, number, number, number] = [0, 0, 0, 0];
    begin[axis] = copiesBefore * size - before;
    const sliceSize: [number, number, number, number] = [-1, -1, -1, -1];
    sliceSize[axis] = before + size + after;
    return tf.slice(tf.tile(x, reps), begin, sliceSize);
  }
  // Reflect (TensorFlow's 'reflect' = mirrorPad 'symmetric'). Each pad mirrors about the current
  // edge, which is a mirror axis of the infinite extension only while earlier pads on that side
  // were whole copies; so pad whole copies first and the remainder last, one side at a time.
  let out = x;
  const pad = (b: number, a: number) => {
    const paddings: Array<[number, number]> = [[0, 0], [0, 0], [0, 0], [0, 0]];
    paddings[axis] = [b, a];
    out = tf.mirrorPad(out, paddings, 'symmetric');
  };
  let remaining = before;
  while (remaining > 0) {
    const step = Math.min(remaining, out.shape[axis]);
    pad(step, 0);
    remaining -= step;
  }
  remaining = after;
  while (remaining > 0) {
    const step = Math.min(remaining, out.shape[axis]);
    pad(0, step);
    remaining -= step;
  }
  return out;
}

const wholeBatchByBackend = new Map<string, boolean>();

/**
 * Whether the active backend's Transform kernel transforms every image of a
 * batch (tfjs-backend-cpu 4.22 stops after the first). Probed once per backend
 * with a two-pixel batch, so a fixed kernel is used as soon as it lands.
 */
export function transformsWholeBatch(): boolean {
  const backend = tf.getBackend();
  let whole = wholeBatchByBackend.get(backend);
  if (whole === undefined) {
    const values = tf.tidy(() =>
      tf.image.transform(tf.ones([2, 1, 1, 1]), tf.tensor2d([[1, 0, 0, 0, 1, 0, 0, 0]]), 'nearest', 'constant', 0).dataSync(),
    );
    whole = values[1] === 1;
    wholeBatchByBackend.set(backend, whole);
  }
  return whole;
}
