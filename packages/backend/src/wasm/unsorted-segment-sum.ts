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
  const numSegments = Number(args.attrs?.numSegments);
  if (!Number.isInteger(numSegments) || numSegments < 0) {
    throw new InvalidArgumentError('UnsortedSegmentSum numSegments', 'a non-negative integer', args.attrs?.numSegments);
  }
  const idRank = segmentIds.shape.length;
  if (idRank > x.shape.length || segmentIds.shape.some((dim, axis) => dim !== x.shape[axis])) {
    throw new ShapeError('UnsortedSegmentSum segmentIds', `a shape that is a prefix of x's [${x.shape.join(', ')}]`, `[${segmentIds.shape.join(', ')}]`);
  }
  const rowSize = sizeOf(x.shape.slice(idRank));
  const rowCount = sizeOf(segmentIds.shape);
  const sums = new Float64Array(numSegments * rowSize);
  const out = backend.makeOutput([numSegments, ...x.shape.slice(idRank)], x.dtype);
  const values = backend.typedArrayFromHeap(x);
  const ids = backend.typedArrayFromHeap(segmentIds);
  for (let row = 0; row < rowCount; row++) {
    const id = ids[row]!;
    if (id < 0 || id >= numSegments) continue;
    const from = row * rowSize;
    const to = id * rowSize;
    for (let k = 0; k < rowSize; k++) sums[to + k]! += values[from + k]!;
  }
  backend.typedArrayFromHeap(out).set(sums);
  return out;
}

export const unsortedSegmentSumKernel = markOurs({
  kernelName: 'UnsortedSegmentSum',
  backendName: 'wasm',
  kernelFunc: unsortedSegmentSumWasm as unknown as tf.KernelFunc,
});
