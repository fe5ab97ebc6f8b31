// UnsortedSegmentSum for the wasm backend (the gradient of gather, so of every
// Embedding layer; stock tfjs 4.22 wasm has none). One pass over the data in
// the wasm heap, accumulating in float64; ids outside [0, numSegments) are
// dropped, as TensorFlow and the cpu backend do.
import { tf } from '../tf.js';
import { InvalidArgumentError, ShapeError } from '../errors.js';
import { markOurs, sizeOf, type WasmBackend } from './kernel-call.js';

type TensorInfo = tf.TensorInfo;

export function unsortedSegmentSumWasm(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): TensorInfo {
  const backend = args.backend as WasmBackend;
  const x = args.inputs.x!;
  const segmentIds = args.inputs.segmentIds!;
  const { numSegments, idRank, rowCount, rowSize } = checkSegmentSum(x, segmentIds, args.attrs?.numSegments);
  const out = backend.makeOutput([numSegments, ...x.shape.slice(idRank)], x.dtype);
  const sums = segmentSums(backend.typedArrayFromHeap(x), backend.typedArrayFromHeap(segmentIds), rowCount, rowSize, numSegments);
  backend.typedArrayFromHeap(out).set(sums);
  return out;
}

/** Checks the attributes and shapes of an UnsortedSegmentSum call; returns the row count and size. */
export function checkSegmentSum(x: TensorInfo, segmentIds: TensorInfo, numSegmentsAttr: unknown): { numSegments: number; rowCount: number; rowSize: number; idRank: number } {
  const numSegments = Number(numSegmentsAttr);
  if (!Number.isInteger(numSegments) || numSegments < 0) {
    throw new InvalidArgumentError('UnsortedSegmentSum numSegments', 'a non-negative integer', numSegmentsAttr);
  }
  const idRank = segmentIds.shape.length;
  if (idRank > x.shape.length || segmentIds.shape.some((dim, axis) => dim !== x.shape[axis])) {
    throw new ShapeError('UnsortedSegmentSum segmentIds', `a shape that is a prefix of x's [${x.shape.join(', ')}]`, `[${segmentIds.shape.join(', ')}]`);
  }
  return { numSegments, idRank, rowSize: sizeOf(x.shape.slice(idRank)), rowCount: sizeOf(segmentIds.shape) };
}

/** One pass over the rows, adding each into its segment in float64; ids outside [0, numSegments) are dropped. */
export function segmentSums(values: ArrayLike<number>, ids: ArrayLike<number>, rowCount: number, rowSize: number, numSegments: number): Float64Array {
  const sums = new Float64Array(numSegments * rowSize);
  for (let row = 0; row < rowCount; row++) {
    const id = ids[row]!;
    if (id < 0 || id >= numSegments) continue;
    const from = row * rowSize;
    const to = id * rowSize;
    for (let k = 0; k < rowSize; k++) sums[to + k]! += values[from + k]!;
  }
  return sums;
}

export const unsortedSegmentSumKernel = markOurs({
  kernelName: 'UnsortedSegmentSum',
  backendName: 'wasm',
  kernelFunc: unsortedSegmentSumWasm as unknown as tf.KernelFunc,
});
