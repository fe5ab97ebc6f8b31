// Identity for the wasm backend. Stock tfjs 4.22 copies the buffer; the cpu
// backend (and wasm's own Reshape) hand back the same data with its reference
// count raised, which is all an identity needs: tensors are immutable. A
// miniResnet training step calls Identity about 450 times (33 ms of copies).
import { tf } from '../tf.js';
import { call, markOurs, type WasmBackend } from './kernel-call.js';

export function identityWasm(args: { inputs: tf.NamedTensorInfoMap; backend: unknown }): tf.TensorInfo {
  const backend = args.backend as WasmBackend;
  const x = args.inputs.x!;
  if (x.dtype === 'string') return call(backend, 'Identity', { x });
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
}

export const identityKernel = markOurs({ kernelName: 'Identity', backendName: 'wasm', kernelFunc: identityWasm as unknown as tf.KernelFunc });
