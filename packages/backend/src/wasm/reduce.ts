// Sum and Mean for the wasm backend when the reduced axes are not innermost.
// Stock tfjs 4.22 first transposes them innermost: batch norm's gradient sums
// [128, 28, 28, C] over [0, 1, 2] about 80 times per miniResnet step, and the
// transpose is most of each call. Average pooling (XNNPACK) reduces a window
// per channel in place: x viewed as [before * outer, inner, 1, after] pooled
// over its whole height, then the few rows left averaged over `outer`.
// (A row of ones times x on the matrix multiply is no faster: XNNPACK packs
// the right-hand matrix on every call.) Innermost reductions, other dtypes and
// empty tensors go to the stock kernels.
import { tf } from '../tf.js';
import { call, free, markOurs, reshape, sizeOf, type WasmBackend } from './kernel-call.js';

type TensorInfo = tf.TensorInfo;

export interface ReductionBlock {
  /** Elements before the reduced axes, pooled as separate images. */
  before: number;
  /** The first reduced axis longer than 1 (1 when only one is): averaged in a second pass. */
  outer: number;
  /** The other reduced axes: the pooling window. */
  inner: number;
  /** Elements after the reduced axes: the channels. */
  after: number;
}

/**
 * x's shape split around its reduced axes, when they form one block (axes
 * between them of size 1 do not break it) with something after it; undefined
 * when the stock kernel is as good (innermost block, nothing to reduce).
 */
export function reductionBlock(shape: readonly number[], axes: readonly number[]): ReductionBlock | undefined {
  if (axes.length === 0) return undefined;
  const first = Math.min(...axes);
  const last = Math.max(...axes);
  for (let axis = first; axis <= last; axis++) if (!axes.includes(axis) && shape[axis] !== 1) return undefined;
  const reducedSizes = shape.slice(first, last + 1).filter((size) => size > 1);
  const after = sizeOf(shape.slice(last + 1));
  if (after === 1 || reducedSizes.length === 0) return undefined;
  const outer = reducedSizes.length > 1 ? reducedSizes[0]! : 1;
  return { before: sizeOf(shape.slice(0, first)), outer, inner: sizeOf(reducedSizes) / outer, after };
}

function reduceWasm(kind: 'Sum' | 'Mean') {
  return (args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): TensorInfo => {
    const backend = args.backend as WasmBackend;
    const x = args.inputs.x!;
    const { axis, keepDims } = args.attrs as unknown as { axis: number | number[]; keepDims: boolean };
    const axes = tf.util.parseAxisParam(axis, x.shape);
    const outShape = keepDims ? x.shape.map((size, i) => (axes.includes(i) ? 1 : size)) : x.shape.filter((_, i) => !axes.includes(i));
    if (sizeOf(x.shape) === 0) {
      // Stock wasm leaves the output unwritten here; an empty sum (and mean, as on cpu) is 0.
      const empty = backend.makeOutput(outShape, x.dtype);
      backend.typedArrayFromHeap(empty).fill(0);
      return empty;
    }
    const block = x.dtype === 'float32' ? reductionBlock(x.shape, axes) : undefined;
    if (block === undefined) return call(backend, kind, { x }, args.attrs);
    const { before, outer, inner, after } = block;
    const images = reshape(backend, x, [before * outer, inner, 1, after]);
    const pooled = call(backend, 'AvgPool', { x: images }, { filterSize: [inner, 1], strides: [1, 1], pad: 'valid' });
    free(backend, images);
    let means = pooled;
    if (outer > 1) {
      const rows = reshape(backend, pooled, [before, outer, after]);
      means = call(backend, 'Mean', { x: rows }, { axis: [1], keepDims: false });
      free(backend, rows, pooled);
    }
    const out = reshape(backend, means, outShape);
    free(backend, means);
    const values = backend.typedArrayFromHeap(out) as Float32Array;
    // XNNPACK clamps its output, which turns a NaN into -Infinity: any infinite
    // result (rare) is recomputed by the stock kernel, which keeps NaN and infinities.
    if (values.some((v) => v === Infinity || v === -Infinity)) {
      free(backend, out);
      return call(backend, kind, { x }, args.attrs);
    }
    // The sum is the mean times the count; `out` is ours alone, so scaled in place.
    if (kind === 'Sum') for (let i = 0; i < values.length; i++) values[i]! *= outer * inner;
    return out;
  };
}

export const sumKernel = markOurs({ kernelName: 'Sum', backendName: 'wasm', kernelFunc: reduceWasm('Sum') as unknown as tf.KernelFunc });
export const meanKernel = markOurs({ kernelName: 'Mean', backendName: 'wasm', kernelFunc: reduceWasm('Mean') as unknown as tf.KernelFunc });
