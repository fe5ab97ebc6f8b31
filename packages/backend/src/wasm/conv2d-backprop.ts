// Conv2DBackpropInput and Conv2DBackpropFilter for the wasm backend, each one
// XNNPACK convolution (wasm's Conv2D) plus cheap pads and transposes.
import { tf } from '../tf.js';
import { call, free, insertZerosAndPad, markOurs, padOrCrop, reshape, transpose, type WasmBackend } from './kernel-call.js';

type TensorInfo = tf.TensorInfo;

interface ConvBackpropAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat?: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

const NHWC_TO_NCHW = [0, 3, 1, 2];
const NCHW_TO_NHWC = [0, 2, 3, 1];

/**
 * dx of a convolution: a stride-1 'valid' convolution of the zero-stuffed,
 * fully padded dy with the filter rotated by 180 degrees and its channel axes
 * swapped (the textbook identity; XNNPACK does the arithmetic).
 */
export function conv2DBackpropInputWasm(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): TensorInfo {
  const backend = args.backend as WasmBackend;
  const dyIn = args.inputs.dy!;
  const filter = args.inputs.filter!;
  const attrs = args.attrs as unknown as ConvBackpropAttrs & { inputShape: [number, number, number, number] };
  const channelsFirst = attrs.dataFormat === 'NCHW';
  const inputShape = channelsFirst ? NCHW_TO_NHWC.map((axis) => attrs.inputShape[axis]!) as [number, number, number, number] : attrs.inputShape;
  const dy = channelsFirst ? transpose(backend, dyIn, NCHW_TO_NHWC) : dyIn;

  const info = tf.backend_util.computeConv2DInfo(
    inputShape, filter.shape as [number, number, number, number], attrs.strides, 1, attrs.pad, attrs.dimRoundingMode, false, 'channelsLast',
  );
  // Zero-stuffing wastes stride^2 of the convolution's work and XNNPACK is slow
  // with very few output channels: scatter-add columns of one product instead.
  const scatter = info.strideHeight * info.strideWidth > 1 || info.inChannels < SCATTER_BELOW_CHANNELS;
  const dx = scatter ? backpropInputScattered(backend, dy, filter, info) : backpropInput(backend, dy, filter, info);
  if (dy !== dyIn) free(backend, dy);
  if (!channelsFirst) return dx;
  const result = transpose(backend, dx, NHWC_TO_NCHW);
  free(backend, dx);
  return result;
}

function backpropInput(backend: WasmBackend, dy: TensorInfo, filter: TensorInfo, info: tf.backend_util.Conv2DInfo): TensorInfo {
  const { filterHeight, filterWidth, inHeight, inWidth, outHeight, outWidth, strideHeight, strideWidth, padInfo } = info;
  const top = filterHeight - 1 - padInfo.top;
  const left = filterWidth - 1 - padInfo.left;
  const bottom = inHeight + filterHeight - 1 - top - ((outHeight - 1) * strideHeight + 1);
  const right = inWidth + filterWidth - 1 - left - ((outWidth - 1) * strideWidth + 1);
  const dyPadded = insertZerosAndPad(backend, dy, [strideHeight, strideWidth], [top, bottom], [left, right]);
  const flipped = call(backend, 'Reverse', { x: filter }, { dims: [0, 1] });
  const swapped = transpose(backend, flipped, [0, 1, 3, 2]);
  free(backend, flipped);
  const dx = call(backend, 'Conv2D', { x: dyPadded, filter: swapped }, {
    strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', dilations: [1, 1],
  });
  free(backend, dyPadded, swapped);
  return dx;
}

/**
 * dW of a convolution: batch and channels of x swap roles, dy becomes the
 * filter, and the forward stride becomes the dilation of one XNNPACK
 * convolution whose output is dW with its axes permuted.
 */
export function conv2DBackpropFilterWasm(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): TensorInfo {
  const backend = args.backend as WasmBackend;
  const attrs = args.attrs as unknown as ConvBackpropAttrs & { filterShape: [number, number, number, number] };
  const channelsFirst = attrs.dataFormat === 'NCHW';
  const x = channelsFirst ? transpose(backend, args.inputs.x!, NCHW_TO_NHWC) : args.inputs.x!;
  const dy = channelsFirst ? transpose(backend, args.inputs.dy!, NCHW_TO_NHWC) : args.inputs.dy!;
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], attrs.filterShape, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode, false, 'channelsLast',
  );
  // Gathering patches costs taps * inC copies of the pixels, zero-padding dy costs outC:
  // gather when the patch matrix is the smaller one (few input channels, e.g. a first layer, or a 1x1 projection).
  const taps = info.filterHeight * info.filterWidth;
  const dw = taps * info.inChannels < info.outChannels ? backpropFilterGathered(backend, x, dy, info) : backpropFilter(backend, x, dy, info);
  if (channelsFirst) free(backend, x, dy);
  return dw;
}

/** With fewer input channels than this, Conv2DBackpropInput scatters columns (see below). */
export const SCATTER_BELOW_CHANNELS = 8;

/**
 * dx = col2im(dy . W^T): one fast product gives every pixel's contribution to
 * each filter tap ([pixels, taps * inC]), then one JavaScript pass adds them
 * into place. No work is spent on the zeros of a strided gradient.
 */
function backpropInputScattered(backend: WasmBackend, dy: TensorInfo, filter: TensorInfo, info: tf.backend_util.Conv2DInfo): TensorInfo {
  const { batchSize, filterHeight, filterWidth, inHeight, inWidth, inChannels, outChannels, outHeight, outWidth, strideHeight, strideWidth, dilationHeight, dilationWidth, padInfo } = info;
  const taps = filterHeight * filterWidth;
  const tapWidth = taps * inChannels;
  const filterRows = reshape(backend, filter, [tapWidth, outChannels]);
  const filterT = transpose(backend, filterRows, [1, 0]); // [outC, taps * inC]
  free(backend, filterRows);
  const pixels = outHeight * outWidth;
  const chunk = Math.max(1, Math.min(batchSize, Math.floor(PATCH_BUFFER_FLOATS / (pixels * tapWidth))));
  const dx = backend.makeOutput([batchSize, inHeight, inWidth, inChannels], 'float32');
  (backend.typedArrayFromHeap(dx) as Float32Array).fill(0);
  for (let first = 0; first < batchSize; first += chunk) {
    const count = Math.min(chunk, batchSize - first);
    const n = count * pixels;
    const dyRows = count === batchSize ? reshape(backend, dy, [n, outChannels]) : backend.makeOutput([n, outChannels], 'float32');
    if (count !== batchSize) {
      const dyAll = backend.typedArrayFromHeap(dy) as Float32Array;
      (backend.typedArrayFromHeap(dyRows) as Float32Array).set(dyAll.subarray(first * pixels * outChannels, (first * pixels + n) * outChannels));
    }
    const columns = call(backend, 'BatchMatMul', { a: dyRows, b: filterT }, { transposeA: false, transposeB: false });
    free(backend, dyRows);
    const source = backend.typedArrayFromHeap(columns) as Float32Array;
    const target = backend.typedArrayFromHeap(dx) as Float32Array;
    for (let b = 0; b < count; b++) {
      const image = (first + b) * inHeight;
      for (let oh = 0; oh < outHeight; oh++) {
        for (let ow = 0; ow < outWidth; ow++) {
          const row = ((b * outHeight + oh) * outWidth + ow) * tapWidth;
          for (let kh = 0; kh < filterHeight; kh++) {
            const ih = oh * strideHeight + kh * dilationHeight - padInfo.top;
            if (ih < 0 || ih >= inHeight) continue;
            for (let kw = 0; kw < filterWidth; kw++) {
              const iw = ow * strideWidth + kw * dilationWidth - padInfo.left;
              if (iw < 0 || iw >= inWidth) continue;
              const to = ((image + ih) * inWidth + iw) * inChannels;
              const from = row + (kh * filterWidth + kw) * inChannels;
              for (let c = 0; c < inChannels; c++) target[to + c]! += source[from + c]!;
            }
          }
        }
      }
    }
    free(backend, columns);
  }
  free(backend, filterT);
  return dx;
}

/** Upper bound on the floats of one patch / column buffer (16 MB); larger batches are processed in slices. */
let PATCH_BUFFER_FLOATS = 1 << 22;

/** Changes the patch buffer bound (tests use a small one to exercise slicing); returns the previous bound. */
export function setPatchBufferFloats(floats: number): number {
  const previous = PATCH_BUFFER_FLOATS;
  PATCH_BUFFER_FLOATS = floats;
  return previous;
}

/**
 * dW = patches(x)^T . dy as fast XNNPACK products, one per slice of the batch,
 * with no im2col gather.
 *
 * x is split into stride x stride phase images (x[:, a::s, b::s, :], all made by
 * one transpose, channels first) and dy is zero-padded to the phase size. A
 * filter tap then reads one phase at a constant offset from the output pixel,
 * so the tap's rows of the transposed patch matrix [taps * inC, pixels] are
 * inC contiguous copies from that phase (positions that spill into the next
 * row or image meet a zero of dy; one extra zero image absorbs the tail). The
 * rows come in dW's own order, and only the padding is wasted work.
 */
function backpropFilter(backend: WasmBackend, x: TensorInfo, dy: TensorInfo, info: tf.backend_util.Conv2DInfo): TensorInfo {
  const { batchSize, filterHeight, filterWidth, inHeight, inWidth, inChannels, outChannels, outHeight, outWidth, strideHeight, strideWidth, dilationHeight, dilationWidth, padInfo } = info;
  // The rows and columns the forward pass read, rounded up to whole strides.
  const rows = (filterHeight - 1) * dilationHeight + (outHeight - 1) * strideHeight + 1;
  const cols = (filterWidth - 1) * dilationWidth + (outWidth - 1) * strideWidth + 1;
  const phaseHeight = Math.ceil(rows / strideHeight);
  const phaseWidth = Math.ceil(cols / strideWidth);
  const xWindow = padOrCrop(backend, x, [
    [0, 1],
    [padInfo.top, phaseHeight * strideHeight - inHeight - padInfo.top],
    [padInfo.left, phaseWidth * strideWidth - inWidth - padInfo.left],
    [0, 0],
  ]); // [batch + 1, phaseH * sH, phaseW * sW, inC]
  // Without strides the phase is x itself, and a 2-D transpose is much faster than wasm's 6-D one.
  const unstrided = strideHeight === 1 && strideWidth === 1;
  const split = unstrided
    ? reshape(backend, xWindow, [(batchSize + 1) * phaseHeight * phaseWidth, inChannels])
    : reshape(backend, xWindow, [batchSize + 1, phaseHeight, strideHeight, phaseWidth, strideWidth, inChannels]);
  free(backend, xWindow);
  const phases = transpose(backend, split, unstrided ? [1, 0] : [2, 4, 5, 0, 1, 3]); // [sH, sW, inC, batch + 1, phaseH, phaseW]
  free(backend, split);
  const pixelsPerImage = phaseHeight * phaseWidth;
  const rowLength = (batchSize + 1) * pixelsPerImage;

  const dyPadded = padOrCrop(backend, dy, [[0, 0], [0, phaseHeight - outHeight], [0, phaseWidth - outWidth], [0, 0]]);
  const dyPixels = reshape(backend, dyPadded, [batchSize * pixelsPerImage, outChannels]);
  free(backend, dyPadded);

  const taps = filterHeight * filterWidth;
  const chunk = Math.max(1, Math.min(batchSize, Math.floor(PATCH_BUFFER_FLOATS / (taps * inChannels * pixelsPerImage))));
  let total: TensorInfo | undefined;
  for (let first = 0; first < batchSize; first += chunk) {
    const count = Math.min(chunk, batchSize - first);
    const n = count * pixelsPerImage;
    const start = first * pixelsPerImage;
    const patches = backend.makeOutput([taps * inChannels, n], 'float32');
    const dyRows = count === batchSize ? reshape(backend, dyPixels, [n, outChannels]) : backend.makeOutput([n, outChannels], 'float32');
    // Views after the allocations above: a grown heap detaches older views.
    const source = backend.typedArrayFromHeap(phases) as Float32Array;
    const target = backend.typedArrayFromHeap(patches) as Float32Array;
    if (count !== batchSize) {
      const dyAll = backend.typedArrayFromHeap(dyPixels) as Float32Array;
      (backend.typedArrayFromHeap(dyRows) as Float32Array).set(dyAll.subarray(start * outChannels, (start + n) * outChannels));
    }
    for (let kh = 0; kh < filterHeight; kh++) {
      const row = kh * dilationHeight;
      for (let kw = 0; kw < filterWidth; kw++) {
        const col = kw * dilationWidth;
        const phase = (row % strideHeight) * strideWidth + (col % strideWidth);
        const shift = Math.floor(row / strideHeight) * phaseWidth + Math.floor(col / strideWidth);
        const tapRow = (kh * filterWidth + kw) * inChannels;
        for (let c = 0; c < inChannels; c++) {
          const from = (phase * inChannels + c) * rowLength + start + shift;
          target.set(source.subarray(from, from + n), (tapRow + c) * n);
        }
      }
    }
    const partial = call(backend, 'BatchMatMul', { a: patches, b: dyRows }, { transposeA: false, transposeB: false });
    free(backend, patches, dyRows);
    if (total === undefined) {
      total = partial;
    } else {
      const sum = call(backend, 'Add', { a: total, b: partial });
      free(backend, total, partial);
      total = sum;
    }
  }
  free(backend, phases, dyPixels);
  const dw = reshape(backend, total!, [filterHeight, filterWidth, inChannels, outChannels]);
  free(backend, total!);
  return dw;
}

/**
 * dW = patches(x)^T . dy with the patch matrix gathered straight from x in one
 * pass (padding read as zeros, no padded or transposed copy of x), for layers
 * whose patch matrix is smaller than dy: few input channels, or a 1x1 filter.
 */
function backpropFilterGathered(backend: WasmBackend, x: TensorInfo, dy: TensorInfo, info: tf.backend_util.Conv2DInfo): TensorInfo {
  const { batchSize, filterHeight, filterWidth, inHeight, inWidth, inChannels, outChannels, outHeight, outWidth, strideHeight, strideWidth, dilationHeight, dilationWidth, padInfo } = info;
  const taps = filterHeight * filterWidth;
  const pixels = outHeight * outWidth;
  const chunk = Math.max(1, Math.min(batchSize, Math.floor(PATCH_BUFFER_FLOATS / (taps * inChannels * pixels))));
  let total: TensorInfo | undefined;
  for (let first = 0; first < batchSize; first += chunk) {
    const count = Math.min(chunk, batchSize - first);
    const n = count * pixels;
    const patches = backend.makeOutput([taps * inChannels, n], 'float32');
    const dyRows = count === batchSize ? reshape(backend, dy, [n, outChannels]) : backend.makeOutput([n, outChannels], 'float32');
    if (count !== batchSize) {
      const dyAll = backend.typedArrayFromHeap(dy) as Float32Array;
      (backend.typedArrayFromHeap(dyRows) as Float32Array).set(dyAll.subarray(first * pixels * outChannels, (first * pixels + n) * outChannels));
    }
    // Views after the allocations above: a grown heap detaches older views.
    const source = backend.typedArrayFromHeap(x) as Float32Array;
    const target = backend.typedArrayFromHeap(patches) as Float32Array;
    target.fill(0);
    for (let kh = 0; kh < filterHeight; kh++) {
      for (let kw = 0; kw < filterWidth; kw++) {
        const tapRow = (kh * filterWidth + kw) * inChannels;
        for (let b = 0; b < count; b++) {
          for (let oh = 0; oh < outHeight; oh++) {
            const ih = oh * strideHeight + kh * dilationHeight - padInfo.top;
            if (ih < 0 || ih >= inHeight) continue;
            for (let ow = 0; ow < outWidth; ow++) {
              const iw = ow * strideWidth + kw * dilationWidth - padInfo.left;
              if (iw < 0 || iw >= inWidth) continue;
              const from = (((first + b) * inHeight + ih) * inWidth + iw) * inChannels;
              let to = tapRow * n + (b * outHeight + oh) * outWidth + ow;
              for (let c = 0; c < inChannels; c++, to += n) target[to] = source[from + c]!;
            }
          }
        }
      }
    }
    const partial = call(backend, 'BatchMatMul', { a: patches, b: dyRows }, { transposeA: false, transposeB: false });
    free(backend, patches, dyRows);
    if (total === undefined) {
      total = partial;
    } else {
      const sum = call(backend, 'Add', { a: total, b: partial });
      free(backend, total, partial);
      total = sum;
    }
  }
  const dw = reshape(backend, total!, [filterHeight, filterWidth, inChannels, outChannels]);
  free(backend, total!);
  return dw;
}

export const conv2DBackpropInputKernel = markOurs({
  kernelName: 'Conv2DBackpropInput',
  backendName: 'wasm',
  kernelFunc: conv2DBackpropInputWasm as unknown as tf.KernelFunc,
});

export const conv2DBackpropFilterKernel = markOurs({
  kernelName: 'Conv2DBackpropFilter',
  backendName: 'wasm',
  kernelFunc: conv2DBackpropFilterWasm as unknown as tf.KernelFunc,
});
