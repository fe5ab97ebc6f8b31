// Unpack (tf.unstack) for the wasm backend. Stock tfjs 4.22 makes one strided
// Slice per output, which dominated an LSTM training step (931 of 1,430 ms for
// a [256, 100, 64] sequence). Here: one Transpose brings the unpacked axis to
// the front, after which every output is a contiguous block copied out of the
// wasm heap.
import { tf } from '../tf.js';
import { InvalidArgumentError } from '../errors.js';
import { free, markOurs, sizeOf, transpose, type WasmBackend } from './kernel-call.js';

type TensorInfo = tf.TensorInfo;

export function unpackWasm(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): TensorInfo[] {
  const backend = args.backend as WasmBackend;
  const value = args.inputs.value!;
  const rank = value.shape.length;
  const requested = Number(args.attrs?.axis ?? 0);
  if (!Number.isInteger(requested) || requested < -rank || requested >= rank) {
    throw new InvalidArgumentError('Unpack axis', `an integer in [${-rank}, ${rank})`, args.attrs?.axis);
  }
  const axis = requested < 0 ? requested + rank : requested;
  const count = value.shape[axis]!;
  const outShape = value.shape.filter((_, i) => i !== axis);
  const blockSize = sizeOf(outShape);

  // Axis 0 is already laid out block by block; otherwise one transpose makes it so.
  const perm = [axis, ...value.shape.map((_, i) => i).filter((i) => i !== axis)];
  const source = axis === 0 ? value : transpose(backend, value, perm);
  const outputs: TensorInfo[] = [];
  for (let i = 0; i < count; i++) {
    const out = backend.makeOutput(outShape, value.dtype);
    // Views are taken after makeOutput: growing the heap detaches older ones.
    const from = backend.typedArrayFromHeap(source);
    backend.typedArrayFromHeap(out).set(from.subarray(i * blockSize, (i + 1) * blockSize));
    outputs.push(out);
  }
  if (source !== value) free(backend, source);
  return outputs;
}

export const unpackKernel = markOurs({
  kernelName: 'Unpack',
  backendName: 'wasm',
  kernelFunc: unpackWasm as unknown as tf.KernelFunc,
});
