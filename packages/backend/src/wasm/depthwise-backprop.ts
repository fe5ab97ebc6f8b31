// DepthwiseConv2dNativeBackpropInput and DepthwiseConv2dNativeBackpropFilter
// for the wasm backend (stock tfjs 4.22 wasm has neither).
import { tf } from '../tf.js';
import { call, free, insertZerosAndPad, markOurs, padOrCrop, reshape, type WasmBackend } from './kernel-call.js';

type TensorInfo = tf.TensorInfo;

interface DepthwiseBackpropAttrs {
  strides: number | [number, number];
  dilations: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/**
 * dx of a depthwise convolution: one XNNPACK depthwise convolution (multiplier
 * 1, the forward dilation) of the zero-stuffed, fully padded dy over its
 * inChannels * multiplier channels with the rotated filter, then a sum over
 * the multiplier.
 */
export function depthwiseConv2dNativeBackpropInputWasm(args: {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs?: tf.NamedAttrMap;
}): TensorInfo {
  const backend = args.backend as WasmBackend;
  const dy = args.inputs.dy!;
  const filter = args.inputs.filter!;
  const attrs = args.attrs as unknown as DepthwiseBackpropAttrs & { inputShape: [number, number, number, number] };
  const info = tf.backend_util.computeConv2DInfo(
    attrs.inputShape, filter.shape as [number, number, number, number], attrs.strides, attrs.dilations, attrs.pad, attrs.dimRoundingMode, true,
  );
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, strideHeight, strideWidth, dilationHeight, dilationWidth, padInfo } = info;
  const [filterHeight, filterWidth, , multiplier] = filter.shape as [number, number, number, number];
  const spanHeight = (filterHeight - 1) * dilationHeight + 1;
  const spanWidth = (filterWidth - 1) * dilationWidth + 1;
  const top = spanHeight - 1 - padInfo.top;
  const left = spanWidth - 1 - padInfo.left;
  const bottom = inHeight + spanHeight - 1 - top - ((outHeight - 1) * strideHeight + 1);
  const right = inWidth + spanWidth - 1 - left - ((outWidth - 1) * strideWidth + 1);
  const dyPadded = insertZerosAndPad(backend, dy, [strideHeight, strideWidth], [top, bottom], [left, right]);
  const flipped = call(backend, 'Reverse', { x: filter }, { dims: [0, 1] });
  const perChannel = reshape(backend, flipped, [filterHeight, filterWidth, inChannels * multiplier, 1]);
  free(backend, flipped);
  const spread = call(backend, 'DepthwiseConv2dNative', { x: dyPadded, filter: perChannel }, {
    strides: [1, 1], pad: 'valid', dilations: [dilationHeight, dilationWidth], dataFormat: 'NHWC',
  }); // [batch, inH, inW, inC * multiplier]
  free(backend, dyPadded, perChannel);
  if (multiplier === 1) return spread;
  const grouped = reshape(backend, spread, [batchSize, inHeight, inWidth, inChannels, multiplier]);
  free(backend, spread);
  const dx = call(backend, 'Sum', { x: grouped }, { axis: [4], keepDims: false });
  free(backend, grouped);
  return dx;
}

/**
 * dW of a depthwise convolution. Each filter tap is a per-channel dot product
 * over batch and output pixels; wasm has no kernel that batches dot products
 * over channels without materialising a copy per tap, so this is one pass of
 * plain JavaScript over the wasm heap, accumulating in float64.
 */
export function depthwiseConv2dNativeBackpropFilterWasm(args: {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs?: tf.NamedAttrMap;
}): TensorInfo {
  const backend = args.backend as WasmBackend;
  const x = args.inputs.x!;
  const dy = args.inputs.dy!;
  const attrs = args.attrs as unknown as DepthwiseBackpropAttrs & { filterShape: [number, number, number, number] };
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], attrs.filterShape, attrs.strides, attrs.dilations, attrs.pad, attrs.dimRoundingMode, true,
  );
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, strideHeight, strideWidth, dilationHeight, dilationWidth, padInfo } = info;
  const [filterHeight, filterWidth, , multiplier] = attrs.filterShape;
  const rows = (filterHeight - 1) * dilationHeight + (outHeight - 1) * strideHeight + 1;
  const cols = (filterWidth - 1) * dilationWidth + (outWidth - 1) * strideWidth + 1;
  const xWindow = padOrCrop(backend, x, [[0, 0], [padInfo.top, rows - inHeight - padInfo.top], [padInfo.left, cols - inWidth - padInfo.left], [0, 0]]);

  const outChannels = inChannels * multiplier;
  const sums = new Float64Array(filterHeight * filterWidth * outChannels);
  const out = backend.makeOutput(attrs.filterShape, 'float32');
  // Views taken after the last allocation: growing the heap detaches older ones.
  const xs = backend.typedArrayFromHeap(xWindow) as Float32Array;
  const dys = backend.typedArrayFromHeap(dy) as Float32Array;
  for (let b = 0; b < batchSize; b++) {
    for (let oh = 0; oh < outHeight; oh++) {
      for (let ow = 0; ow < outWidth; ow++) {
        const dyBase = ((b * outHeight + oh) * outWidth + ow) * outChannels;
        for (let kh = 0; kh < filterHeight; kh++) {
          const rowBase = (b * rows + oh * strideHeight + kh * dilationHeight) * cols;
          for (let kw = 0; kw < filterWidth; kw++) {
            const xBase = (rowBase + ow * strideWidth + kw * dilationWidth) * inChannels;
            const sumBase = (kh * filterWidth + kw) * outChannels;
            if (multiplier === 1) {
              for (let c = 0; c < inChannels; c++) sums[sumBase + c]! += xs[xBase + c]! * dys[dyBase + c]!;
            } else {
              for (let c = 0; c < inChannels; c++) {
                const value = xs[xBase + c]!;
                const offset = c * multiplier;
                for (let m = 0; m < multiplier; m++) sums[sumBase + offset + m]! += value * dys[dyBase + offset + m]!;
              }
            }
          }
        }
      }
    }
  }
  (backend.typedArrayFromHeap(out) as Float32Array).set(sums);
  free(backend, xWindow);
  return out;
}

export const depthwiseConv2dNativeBackpropInputKernel = markOurs({
  kernelName: 'DepthwiseConv2dNativeBackpropInput',
  backendName: 'wasm',
  kernelFunc: depthwiseConv2dNativeBackpropInputWasm as unknown as tf.KernelFunc,
});

export const depthwiseConv2dNativeBackpropFilterKernel = markOurs({
  kernelName: 'DepthwiseConv2dNativeBackpropFilter',
  backendName: 'wasm',
  kernelFunc: depthwiseConv2dNativeBackpropFilterWasm as unknown as tf.KernelFunc,
});
