// Transpose for the wasm backend. Stock tfjs 4.22's wasm loop is quick when it
// reads long rows, but slow on tall matrices ([25600, 256]: about 70 ms), which is
// what every backward pass of a dense or recurrent layer over a whole sequence
// transposes. Those (after merging axes that stay neighbours and dropping size-1
// axes, a 2-D transpose with at least 8 times more rows than columns) go through
// 16x16 tiles, which keep reads and writes in cache (about 2.5x faster); everything
// else goes to the stock kernel (on the merged axes), which measured faster there.
import { tf } from '../tf.js';
import { free, markOurs, reshape, stockKernel, type WasmBackend } from './kernel-call.js';

type TensorInfo = tf.TensorInfo;
const TILE = 16;
/** Rows per column from which the tiles beat the stock loop (measured: 25600x64 5.5 vs 14 ms, 200x9216 4.8 vs 1.6 ms). */
const TALL = 8;

/** The same permutation on fewer axes: size-1 axes dropped, runs of consecutive axes merged. */
export function simplifyPermutation(shape: readonly number[], perm: readonly number[]): { shape: number[]; perm: number[] } {
  const kept = perm.filter((axis) => shape[axis] !== 1);
  // Group output positions whose input axes are consecutive.
  const groups: number[][] = [];
  for (const axis of kept) {
    const last = groups.at(-1);
    if (last && last.at(-1)! + 1 === axis) last.push(axis);
    else groups.push([axis]);
  }
  // Each group becomes one axis; number them in input order.
  const order = [...groups].sort((a, b) => a[0]! - b[0]!);
  return {
    shape: order.map((group) => group.reduce((size, axis) => size * shape[axis]!, 1)),
    perm: groups.map((group) => order.indexOf(group)),
  };
}

/** The same memory as 32-bit integers: one array type keeps the copy loop monomorphic, and integers copy bits exactly. */
function bitsView(array: Float32Array | Int32Array | Uint8Array): Int32Array {
  return new Int32Array(array.buffer, array.byteOffset, array.length);
}

function transposeTiles(src: Int32Array, dst: Int32Array, rows: number, cols: number): void {
  for (let i0 = 0; i0 < rows; i0 += TILE) {
    const iEnd = Math.min(i0 + TILE, rows);
    for (let j0 = 0; j0 < cols; j0 += TILE) {
      const jEnd = Math.min(j0 + TILE, cols);
      for (let i = i0; i < iEnd; i++) {
        let from = i * cols + j0;
        for (let j = j0; j < jEnd; j++) dst[j * rows + i] = src[from++]!;
      }
    }
  }
}

export function transposeWasm(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): TensorInfo {
  const backend = args.backend as WasmBackend;
  const x = args.inputs.x!;
  const perm = (args.attrs?.perm as number[] | undefined) ?? x.shape.map((_, i) => x.shape.length - 1 - i);
  const simple = simplifyPermutation(x.shape, perm);
  const [rows, cols] = simple.shape as [number, number];
  const tall = simple.perm.length === 2 && simple.perm[0] === 1 && rows >= TALL * cols;
  if (!tall || (x.dtype !== 'float32' && x.dtype !== 'int32')) return stockTranspose(backend, x, perm, simple);
  const out = backend.makeOutput(perm.map((axis) => x.shape[axis]!), x.dtype);
  // Views are taken after makeOutput: growing the heap detaches older ones.
  transposeTiles(bitsView(backend.typedArrayFromHeap(x)), bitsView(backend.typedArrayFromHeap(out)), rows, cols);
  return out;
}

/**
 * The stock kernel on the simplified permutation: it has fast loops for up to 4
 * axes but computes every index by division beyond that, so the 6-D stride-phase
 * split of a strided convolution's filter gradient ([129, 15, 2, 15, 2, 16],
 * which merges into 4 axes) took 250 ms instead of a few.
 */
function stockTranspose(backend: WasmBackend, x: TensorInfo, perm: number[], simple: { shape: number[]; perm: number[] }): TensorInfo {
  const stock = stockKernel('Transpose')!;
  const run = (input: TensorInfo, p: number[]) => stock.kernelFunc({ inputs: { x: input }, backend: backend as unknown as tf.KernelBackend, attrs: { perm: p } }) as TensorInfo;
  if (simple.perm.length >= x.shape.length) return run(x, perm);
  const merged = reshape(backend, x, simple.shape.length > 0 ? simple.shape : [1]);
  const moved = run(merged, simple.perm.length > 0 ? simple.perm : [0]);
  free(backend, merged);
  const out = reshape(backend, moved, perm.map((axis) => x.shape[axis]!));
  free(backend, moved);
  return out;
}

export const transposeKernel = markOurs({ kernelName: 'Transpose', backendName: 'wasm', kernelFunc: transposeWasm as unknown as tf.KernelFunc });
