// UnsortedSegmentSum for the cpu backend. Stock tfjs 4.22 cpu makes one pass over
// the whole batch per segment (per vocabulary entry, for an Embedding gradient):
// 5,000 passes over 6,400 tokens x 64 took minutes. This is the wasm kernel's single
// pass, on the cpu backend's arrays.
import { tf } from '../tf.js';
import { markOurs } from '../wasm/kernel-call.js';
import { checkSegmentSum, segmentSums } from '../wasm/unsorted-segment-sum.js';

interface CpuBackend {
  readSync(dataId: object): ArrayLike<number>;
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array | Int32Array): tf.TensorInfo;
}

function unsortedSegmentSumCpu(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): tf.TensorInfo {
  const backend = args.backend as CpuBackend;
  const x = args.inputs.x!;
  const segmentIds = args.inputs.segmentIds!;
  const { numSegments, idRank, rowCount, rowSize } = checkSegmentSum(x, segmentIds, args.attrs?.numSegments);
  const sums = segmentSums(backend.readSync(x.dataId), backend.readSync(segmentIds.dataId), rowCount, rowSize, numSegments);
  const values = x.dtype === 'int32' ? Int32Array.from(sums) : Float32Array.from(sums);
  return backend.makeTensorInfo([numSegments, ...x.shape.slice(idRank)], x.dtype, values);
}

export const cpuUnsortedSegmentSumKernel = markOurs({
  kernelName: 'UnsortedSegmentSum',
  backendName: 'cpu',
  kernelFunc: unsortedSegmentSumCpu as unknown as tf.KernelFunc,
});

let stock: tf.KernelConfig | undefined;

/** Registers the single-pass cpu UnsortedSegmentSum (idempotent); `initBackend({ backend: 'cpu' })` calls it. */
export function registerCpuKernels(): void {
  const current = tf.getKernel('UnsortedSegmentSum', 'cpu') as tf.KernelConfig | undefined;
  if (current === cpuUnsortedSegmentSumKernel) return;
  stock = current;
  if (current !== undefined) tf.unregisterKernel('UnsortedSegmentSum', 'cpu');
  tf.registerKernel(cpuUnsortedSegmentSumKernel);
}

/** Puts the stock cpu kernel back, for comparison. */
export function unregisterCpuKernels(): void {
  if (tf.getKernel('UnsortedSegmentSum', 'cpu') !== cpuUnsortedSegmentSumKernel) return;
  tf.unregisterKernel('UnsortedSegmentSum', 'cpu');
  if (stock !== undefined) tf.registerKernel(stock);
}
