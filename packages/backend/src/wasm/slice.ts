// Slice and SplitV for the wasm backend. Stock tfjs 4.22 reads the input with
// `readSync`, which copies the whole tensor out of the wasm heap on every call:
// splitting a [25600, 256] projection into 100 time steps copied 2.6 GB (2.5 s
// of a 4 s LSTM training step). These read the heap in place and copy only the
// slice, one contiguous run at a time.
import { tf } from '../tf.js';
import { markOurs, sizeOf, stockKernel, type WasmBackend } from './kernel-call.js';

type TensorInfo = tf.TensorInfo;

/** Copies x[begin : begin + size] into a new output, one contiguous run per outer index. */
export function sliceInHeap(backend: WasmBackend, x: TensorInfo, begin: number[], size: number[]): TensorInfo {
  const out = backend.makeOutput(size, x.dtype);
  const total = sizeOf(size);
  if (total === 0) return out;
  const rank = x.shape.length;
  const strides = new Array<number>(rank);
  for (let axis = rank - 1, stride = 1; axis >= 0; axis--) {
    strides[axis] = stride;
    stride *= x.shape[axis]!;
  }
  // Axes after `inner` are taken whole, so each run covers size[inner] * strides[inner] elements.
  let inner = rank - 1;
  while (inner > 0 && size[inner] === x.shape[inner]) inner--;
  const run = rank === 0 ? 1 : size[inner]! * strides[inner]!;
  // Views are taken after makeOutput: growing the heap detaches older ones.
  const source = backend.typedArrayFromHeap(x);
  const target = backend.typedArrayFromHeap(out);
  let offset = 0;
  for (let axis = 0; axis < rank; axis++) offset += begin[axis]! * strides[axis]!;
  const index = new Array<number>(inner).fill(0);
  for (let written = 0; written < total; written += run) {
    target.set(source.subarray(offset, offset + run), written);
    // Odometer over the outer axes [0, inner).
    for (let axis = inner - 1; axis >= 0; axis--) {
      offset += strides[axis]!;
      if (++index[axis]! < size[axis]!) break;
      offset -= size[axis]! * strides[axis]!;
      index[axis] = 0;
    }
  }
  return out;
}

function sliceWasm(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): TensorInfo {
  const x = args.inputs.x!;
  const attrs = args.attrs as unknown as { begin: number | number[]; size: number | number[] };
  if (x.dtype === 'string') return stockKernel('Slice')!.kernelFunc(args as unknown as Parameters<tf.KernelFunc>[0]) as TensorInfo;
  const [begin, size] = tf.slice_util.parseSliceParams(x as unknown as tf.Tensor, attrs.begin, attrs.size) as [number[], number[]];
  return sliceInHeap(args.backend as WasmBackend, x, begin, size);
}

function splitVWasm(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): TensorInfo[] {
  const x = args.inputs.x!;
  if (x.dtype === 'string') return stockKernel('SplitV')!.kernelFunc(args as unknown as Parameters<tf.KernelFunc>[0]) as TensorInfo[];
  const { numOrSizeSplits, axis } = args.attrs as unknown as { numOrSizeSplits: number | number[]; axis: number };
  const splitAxis = tf.util.parseAxisParam(axis, x.shape)[0]!;
  const sizes = tf.backend_util.prepareSplitSize(x as unknown as tf.Tensor, numOrSizeSplits, splitAxis);
  const begin = new Array<number>(x.shape.length).fill(0);
  return sizes.map((piece) => {
    const size = [...x.shape];
    size[splitAxis] = piece;
    const out = sliceInHeap(args.backend as WasmBackend, x, begin, size);
    begin[splitAxis]! += piece;
    return out;
  });
}

export const sliceKernel = markOurs({ kernelName: 'Slice', backendName: 'wasm', kernelFunc: sliceWasm as unknown as tf.KernelFunc });
export const splitVKernel = markOurs({ kernelName: 'SplitV', backendName: 'wasm', kernelFunc: splitVWasm as unknown as tf.KernelFunc });
