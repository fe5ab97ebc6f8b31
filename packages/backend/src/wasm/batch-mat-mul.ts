// BatchMatMul for the wasm backend. Stock wasm multiplies fast (XNNPACK) only
// a single untransposed pair of matrices; with a transposed operand or a batch
// it falls back to a scalar loop, 10-50x slower. This kernel reduces every case
// to that fast one: transposes are materialised (one cheap copy), a batch
// against one shared matrix is folded into the rows or columns of a single
// product, and a batch of independent pairs runs as one product per pair.
import { tf } from '../tf.js';
import { call, free, reshape, sizeOf, stockKernel, transpose, markOurs, type WasmBackend } from './kernel-call.js';

type TensorInfo = tf.TensorInfo;

/**
 * Below this many multiply-adds per pair, a batch of independent products is
 * left to the stock loop: per-product overhead (slicing, packing the right-hand
 * matrix for XNNPACK) outweighs its gain. Measured with `pnpm bench`.
 */
export const PER_PAIR_MIN_WORK = 32 * 32 * 32;

export function batchMatMulWasm(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): TensorInfo {
  const backend = args.backend as WasmBackend;
  const a = args.inputs.a!;
  const b = args.inputs.b!;
  const transposeA = Boolean(args.attrs?.transposeA);
  const transposeB = Boolean(args.attrs?.transposeB);
  const stock = () => call(backend, 'BatchMatMul', { a, b }, { transposeA, transposeB });
  if (a.dtype !== 'float32' || b.dtype !== 'float32' || a.shape.length < 2 || b.shape.length < 2) return stock();

  const rankA = a.shape.length;
  const rankB = b.shape.length;
  const rows = transposeA ? a.shape[rankA - 1]! : a.shape[rankA - 2]!;
  const inner = transposeA ? a.shape[rankA - 2]! : a.shape[rankA - 1]!;
  const innerB = transposeB ? b.shape[rankB - 1]! : b.shape[rankB - 2]!;
  const cols = transposeB ? b.shape[rankB - 2]! : b.shape[rankB - 1]!;
  const batchA = sizeOf(a.shape.slice(0, -2));
  const batchB = sizeOf(b.shape.slice(0, -2));
  const fastPathAlready = batchA === 1 && batchB === 1 && !transposeA && !transposeB;
  const unusualBroadcast = batchA !== batchB && batchA !== 1 && batchB !== 1;
  if (inner !== innerB || fastPathAlready || unusualBroadcast || rows * cols * inner === 0) return stock();
  if (batchA === batchB && batchA > 1 && rows * cols * inner < PER_PAIR_MIN_WORK) return stock();

  const outShape = [...tf.backend_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2)), rows, cols];
  let product: TensorInfo;
  if (batchA === 1 && batchB === 1) {
    const left = asMatrix(backend, a, transposeA, rows, inner);
    const right = asMatrix(backend, b, transposeB, inner, cols);
    product = multiply(backend, left, right);
    free(backend, left, right);
  } else if (batchB === 1) {
    // Every matrix of a times one b: stack a's matrices into one tall matrix.
    const left = asRows(backend, a, transposeA, batchA, rows, inner);
    const right = asMatrix(backend, b, transposeB, inner, cols);
    product = multiply(backend, left, right);
    free(backend, left, right);
  } else if (batchA === 1) {
    // One a times every matrix of b: lay b's matrices side by side, then unstack the columns.
    const left = asMatrix(backend, a, transposeA, rows, inner);
    const b3 = reshape(backend, b, [batchB, b.shape[rankB - 2]!, b.shape[rankB - 1]!]);
    const wide = transpose(backend, b3, transposeB ? [2, 0, 1] : [1, 0, 2]); // [inner, batch, cols]
    free(backend, b3);
    const right = reshape(backend, wide, [inner, batchB * cols]);
    free(backend, wide);
    const flat = multiply(backend, left, right); // [rows, batch * cols]
    free(backend, left, right);
    const split = reshape(backend, flat, [rows, batchB, cols]);
    free(backend, flat);
    product = transpose(backend, split, [1, 0, 2]);
    free(backend, split);
  } else {
    product = pairwise(backend, a, b, transposeA, transposeB, batchA, rows, inner, cols);
  }
  const result = reshape(backend, product, outShape);
  free(backend, product);
  return result;
}

/** A [rows, inner] matrix from a (possibly transposed) rank >= 2 operand with batch 1. */
function asMatrix(backend: WasmBackend, x: TensorInfo, transposed: boolean, rows: number, cols: number): TensorInfo {
  if (!transposed) return reshape(backend, x, [rows, cols]);
  const view = reshape(backend, x, [cols, rows]);
  const matrix = transpose(backend, view, [1, 0]);
  free(backend, view);
  return matrix;
}

/** A batch of [rows, inner] matrices stacked into one [batch * rows, inner] matrix. */
function asRows(backend: WasmBackend, x: TensorInfo, transposed: boolean, batch: number, rows: number, inner: number): TensorInfo {
  if (!transposed) return reshape(backend, x, [batch * rows, inner]);
  const view = reshape(backend, x, [batch, inner, rows]);
  const swapped = transpose(backend, view, [0, 2, 1]);
  free(backend, view);
  const matrix = reshape(backend, swapped, [batch * rows, inner]);
  free(backend, swapped);
  return matrix;
}

/** The fast stock product of two untransposed matrices. */
function multiply(backend: WasmBackend, left: TensorInfo, right: TensorInfo): TensorInfo {
  return call(backend, 'BatchMatMul', { a: left, b: right }, { transposeA: false, transposeB: false });
}

/** batch independent products, each on the fast path, written into one output. */
function pairwise(
  backend: WasmBackend, a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean,
  batch: number, rows: number, inner: number, cols: number,
): TensorInfo {
  const a3 = reshape(backend, a, [batch, a.shape[a.shape.length - 2]!, a.shape[a.shape.length - 1]!]);
  const b3 = reshape(backend, b, [batch, b.shape[b.shape.length - 2]!, b.shape[b.shape.length - 1]!]);
  const left = transposeA ? transpose(backend, a3, [0, 2, 1]) : a3;
  const right = transposeB ? transpose(backend, b3, [0, 2, 1]) : b3;
  if (transposeA) free(backend, a3);
  if (transposeB) free(backend, b3);
  const out = backend.makeOutput([batch, rows, cols], 'float32');
  for (let i = 0; i < batch; i++) {
    // Each pair is contiguous: copy it out with memcpy (wasm's Slice walks element by element).
    const l2 = backend.makeOutput([rows, inner], 'float32');
    const r2 = backend.makeOutput([inner, cols], 'float32');
    (backend.typedArrayFromHeap(l2) as Float32Array).set((backend.typedArrayFromHeap(left) as Float32Array).subarray(i * rows * inner, (i + 1) * rows * inner));
    (backend.typedArrayFromHeap(r2) as Float32Array).set((backend.typedArrayFromHeap(right) as Float32Array).subarray(i * inner * cols, (i + 1) * inner * cols));
    const piece = multiply(backend, l2, r2);
    free(backend, l2, r2);
    // Heap views are taken after the allocations above (a grown heap detaches older views).
    (backend.typedArrayFromHeap(out) as Float32Array).set(backend.typedArrayFromHeap(piece) as Float32Array, i * rows * cols);
    free(backend, piece);
  }
  free(backend, left, right);
  return out;
}

export const batchMatMulKernel = markOurs({
  kernelName: 'BatchMatMul',
  backendName: 'wasm',
  // The stock kernel binds its wasm function in setup; ours calls it, so a new backend instance must run it.
  setupFunc: (backend: object) => {
    stockKernel('BatchMatMul')?.setupFunc?.(backend);
  },
  kernelFunc: batchMatMulWasm as unknown as tf.KernelFunc,
});
