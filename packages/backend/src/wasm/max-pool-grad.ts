// MaxPoolGrad for the wasm backend. The stock kernel rescans every pooling
// window for each input pixel and, for the course CNN, costs more than the
// convolutions' backward passes. This one scans each window once, finds its
// first maximum (strictly greater, in row-major order, as the cpu backend and
// TensorFlow do) and adds dy there: one pass over x in the wasm heap.
import { tf } from '../tf.js';
import { markOurs, type WasmBackend } from './kernel-call.js';

type TensorInfo = tf.TensorInfo;

export function maxPoolGradWasm(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): TensorInfo {
  const backend = args.backend as WasmBackend;
  const dy = args.inputs.dy!;
  const x = args.inputs.input!;
  const attrs = args.attrs as unknown as {
    filterSize: number | [number, number];
    strides: number | [number, number];
    pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
  };
  const info = tf.backend_util.computePool2DInfo(x.shape as [number, number, number, number], attrs.filterSize, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);
  const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth, strideHeight, strideWidth, filterHeight, filterWidth, padInfo } = info;
  const dx = backend.makeOutput(x.shape, 'float32');
  const xs = backend.typedArrayFromHeap(x) as Float32Array;
  const dys = backend.typedArrayFromHeap(dy) as Float32Array;
  const dxs = backend.typedArrayFromHeap(dx) as Float32Array;
  dxs.fill(0);
  const best = new Float64Array(channels);
  const at = new Int32Array(channels);
  for (let b = 0; b < batchSize; b++) {
    for (let oh = 0; oh < outHeight; oh++) {
      const top = oh * strideHeight - padInfo.top;
      const rowStart = Math.max(0, top);
      const rowEnd = Math.min(inHeight, top + filterHeight);
      for (let ow = 0; ow < outWidth; ow++) {
        const left = ow * strideWidth - padInfo.left;
        const colStart = Math.max(0, left);
        const colEnd = Math.min(inWidth, left + filterWidth);
        const dyBase = ((b * outHeight + oh) * outWidth + ow) * channels;
        // Window pixels outer, channels inner: x is read in memory order.
        best.fill(Number.NEGATIVE_INFINITY);
        at.fill(-1);
        for (let r = rowStart; r < rowEnd; r++) {
          const rowBase = (b * inHeight + r) * inWidth;
          for (let col = colStart; col < colEnd; col++) {
            const base = (rowBase + col) * channels;
            for (let c = 0; c < channels; c++) {
              const value = xs[base + c]!;
              if (value > best[c]!) {
                best[c] = value;
                at[c] = base + c;
              }
            }
          }
        }
        for (let c = 0; c < channels; c++) {
          const index = at[c]!;
          if (index >= 0) dxs[index]! += dys[dyBase + c]!;
        }
      }
    }
  }
  return dx;
}

export const maxPoolGradKernel = markOurs({
  kernelName: 'MaxPoolGrad',
  backendName: 'wasm',
  kernelFunc: maxPoolGradWasm as unknown as tf.KernelFunc,
});
