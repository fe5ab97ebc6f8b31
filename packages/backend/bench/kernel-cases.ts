// The kernel shapes `pnpm bench` measures: the backward passes of the course
// models (MNIST CNN at batch 200, a DCGAN-style generator, a separable-conv
// block, an Embedding + LSTM classifier, attention scores).
export interface KernelCase {
  kernel: string;
  label: string;
  inputs: Record<string, { shape: number[]; dtype?: 'float32' | 'int32'; maxInt?: number }>;
  attrs: Record<string, unknown>;
  /** Inputs (and attrs.inputShape) carry a leading batch dimension the cost is proportional to. */
  batched?: boolean;
}

/**
 * The same case with its batch divided by `divisor` (rounded up): the cpu backend
 * needs minutes for the full-size convolution gradients, and its cost is
 * linear in the batch, so run.ts times a slice and scales the figure back up.
 */
export function withSmallerBatch(spec: KernelCase, divisor: number): { spec: KernelCase; scale: number } {
  const batch = Object.values(spec.inputs)[0]!.shape[0]!;
  const smaller = Math.max(1, Math.ceil(batch / divisor));
  const inputs = Object.fromEntries(Object.entries(spec.inputs).map(([name, input]) => [name, { ...input, shape: [smaller, ...input.shape.slice(1)] }]));
  const attrs = { ...spec.attrs };
  if (Array.isArray(attrs.inputShape)) attrs.inputShape = [smaller, ...(attrs.inputShape as number[]).slice(1)];
  return { spec: { ...spec, inputs, attrs }, scale: batch / smaller };
}

const mm = (label: string, a: number[], b: number[], transposeA: boolean, transposeB: boolean): KernelCase => ({
  kernel: 'BatchMatMul', label, inputs: { a: { shape: a }, b: { shape: b } }, attrs: { transposeA, transposeB },
});

/** The same segment sum with `divisor` times fewer segments: the cpu backend makes one pass over the data per segment. */
export function withFewerSegments(spec: KernelCase, divisor: number): { spec: KernelCase; scale: number } {
  const segments = Number(spec.attrs.numSegments);
  const fewer = Math.max(1, Math.ceil(segments / divisor));
  const inputs = Object.fromEntries(Object.entries(spec.inputs).map(([name, input]) => [name, input.dtype === 'int32' ? { ...input, maxInt: fewer } : input]));
  return { spec: { ...spec, inputs, attrs: { ...spec.attrs, numSegments: fewer } }, scale: segments / fewer };
}

export const KERNEL_CASES: KernelCase[] = [
  mm('CNN dense 9216x128 dW (aT.b)', [200, 9216], [200, 128], true, false),
  mm('CNN dense 9216x128 dx (a.bT)', [200, 128], [9216, 128], false, true),
  mm('CNN dense 128x10 dW (aT.b)', [200, 128], [200, 10], true, false),
  mm('CNN dense 128x10 dx (a.bT)', [200, 10], [128, 10], false, true),
  mm('LSTM 64->256 dW (aT.b)', [64, 64], [64, 256], true, false),
  mm('LSTM 256->64 dx (a.bT)', [64, 256], [64, 256], false, true),
  mm('batch 16 of 128x64.64x128 (a.bT)', [16, 128, 64], [16, 128, 64], false, true),
  mm('batch 32 of 32x16.16x32 (a.bT)', [32, 32, 16], [32, 32, 16], false, true),
  mm('batch 8x(200x128) . 128x64', [8, 200, 128], [128, 64], false, false),
  mm('128x64 . batch 8x(64x200)', [128, 64], [8, 64, 200], false, false),
  {
    kernel: 'Conv2DBackpropInput', batched: true, label: 'CNN conv2 dx 200x24x24x64 -> 26x26x32, 3x3 valid',
    inputs: { dy: { shape: [200, 24, 24, 64] }, filter: { shape: [3, 3, 32, 64] } },
    attrs: { strides: 1, pad: 'valid', dataFormat: 'NHWC', inputShape: [200, 26, 26, 32] },
  },
  {
    kernel: 'Conv2DBackpropInput', batched: true, label: 'generator 64x7x7x128 -> 14x14x64, 5x5 s2 same',
    inputs: { dy: { shape: [64, 7, 7, 128] }, filter: { shape: [5, 5, 64, 128] } },
    attrs: { strides: 2, pad: 'same', dataFormat: 'NHWC', inputShape: [64, 14, 14, 64] },
  },
  {
    kernel: 'Conv2DBackpropInput', batched: true, label: 'generator 64x14x14x64 -> 28x28x1, 5x5 s2 same',
    inputs: { dy: { shape: [64, 14, 14, 64] }, filter: { shape: [5, 5, 1, 64] } },
    attrs: { strides: 2, pad: 'same', dataFormat: 'NHWC', inputShape: [64, 28, 28, 1] },
  },
  {
    kernel: 'Conv2DBackpropFilter', batched: true, label: 'CNN conv1 dW 200x28x28x1 -> 3x3x1x32',
    inputs: { x: { shape: [200, 28, 28, 1] }, dy: { shape: [200, 26, 26, 32] } },
    attrs: { strides: 1, pad: 'valid', dataFormat: 'NHWC', filterShape: [3, 3, 1, 32] },
  },
  {
    kernel: 'Conv2DBackpropFilter', batched: true, label: 'CNN conv2 dW 200x26x26x32 -> 3x3x32x64',
    inputs: { x: { shape: [200, 26, 26, 32] }, dy: { shape: [200, 24, 24, 64] } },
    attrs: { strides: 1, pad: 'valid', dataFormat: 'NHWC', filterShape: [3, 3, 32, 64] },
  },
  {
    kernel: 'Conv2DBackpropFilter', batched: true, label: 'discriminator dW 64x28x28x32 -> 5x5x32x64 s2 same',
    inputs: { x: { shape: [64, 28, 28, 32] }, dy: { shape: [64, 14, 14, 64] } },
    attrs: { strides: 2, pad: 'same', dataFormat: 'NHWC', filterShape: [5, 5, 32, 64] },
  },
  {
    kernel: 'Conv2DBackpropFilter', batched: true, label: 'miniResnet dW 128x28x28x16 -> 3x3x16x32 s2 same',
    inputs: { x: { shape: [128, 28, 28, 16] }, dy: { shape: [128, 14, 14, 32] } },
    attrs: { strides: 2, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 16, 32] },
  },
  {
    kernel: 'Conv2DBackpropFilter', batched: true, label: 'miniResnet shortcut dW 128x28x28x16 -> 1x1x16x32 s2',
    inputs: { x: { shape: [128, 28, 28, 16] }, dy: { shape: [128, 14, 14, 32] } },
    attrs: { strides: 2, pad: 'same', dataFormat: 'NHWC', filterShape: [1, 1, 16, 32] },
  },
  {
    kernel: 'DepthwiseConv2dNativeBackpropInput', batched: true, label: 'separable 64x32x32x32 3x3 same',
    inputs: { dy: { shape: [64, 32, 32, 32] }, filter: { shape: [3, 3, 32, 1] } },
    attrs: { strides: 1, dilations: 1, pad: 'same', inputShape: [64, 32, 32, 32] },
  },
  {
    kernel: 'DepthwiseConv2dNativeBackpropInput', batched: true, label: 'depthwise x2 64x32x32x16 3x3 s2 same',
    inputs: { dy: { shape: [64, 16, 16, 32] }, filter: { shape: [3, 3, 16, 2] } },
    attrs: { strides: 2, dilations: 1, pad: 'same', inputShape: [64, 32, 32, 16] },
  },
  {
    kernel: 'DepthwiseConv2dNativeBackpropFilter', batched: true, label: 'separable 64x32x32x32 3x3 same',
    inputs: { x: { shape: [64, 32, 32, 32] }, dy: { shape: [64, 32, 32, 32] } },
    attrs: { strides: 1, dilations: 1, pad: 'same', filterShape: [3, 3, 32, 1] },
  },
  {
    kernel: 'DepthwiseConv2dNativeBackpropFilter', batched: true, label: 'depthwise x2 64x32x32x16 3x3 s2 same',
    inputs: { x: { shape: [64, 32, 32, 16] }, dy: { shape: [64, 16, 16, 32] } },
    attrs: { strides: 2, dilations: 1, pad: 'same', filterShape: [3, 3, 16, 2] },
  },
  {
    kernel: 'UnsortedSegmentSum', label: 'Embedding 5000x64 grad, 64x100 tokens',
    inputs: { x: { shape: [6400, 64] }, segmentIds: { shape: [6400], dtype: 'int32', maxInt: 5000 } },
    attrs: { numSegments: 5000 },
  },
  {
    kernel: 'MaxPoolGrad', batched: true, label: 'CNN pool 200x24x24x64, 2x2 stride 2',
    inputs: { dy: { shape: [200, 12, 12, 64] }, input: { shape: [200, 24, 24, 64] }, output: { shape: [200, 12, 12, 64] } },
    attrs: { filterSize: 2, strides: 2, pad: 'valid' },
  },
  {
    kernel: 'Unpack', batched: true, label: 'LSTM input 256x100x64 along time',
    inputs: { value: { shape: [256, 100, 64] } }, attrs: { axis: 1 },
  },
  {
    kernel: 'SplitV', label: 'LSTM projection 25600x256 into 100 steps',
    inputs: { x: { shape: [25600, 256] } }, attrs: { numOrSizeSplits: 100, axis: 0 },
  },
  {
    kernel: 'Slice', label: 'one gate 256x64 of 256x256',
    inputs: { x: { shape: [256, 256] } }, attrs: { begin: [0, 64], size: [256, 64] },
  },
  {
    kernel: 'Transpose', label: 'backward-pass matrix 25600x256',
    inputs: { x: { shape: [25600, 256] } }, attrs: { perm: [1, 0] },
  },
  {
    kernel: 'Tile', label: 'batch norm gradient: 16 channels over 128x28x28',
    inputs: { x: { shape: [1, 1, 1, 16] } }, attrs: { reps: [128, 28, 28, 1] },
  },
  {
    kernel: 'Sum', label: 'batch norm gradient: 128x28x28x16 over N, H, W',
    inputs: { x: { shape: [128, 28, 28, 16] } }, attrs: { axis: [0, 1, 2], keepDims: false },
  },
  {
    kernel: 'Mean', label: 'batch norm statistics: 128x14x14x32 over N, H, W',
    inputs: { x: { shape: [128, 14, 14, 32] } }, attrs: { axis: [0, 1, 2], keepDims: true },
  },
  {
    kernel: 'Transpose', label: 'batch-major to time-major 256x100x64',
    inputs: { x: { shape: [256, 100, 64] } }, attrs: { perm: [1, 0, 2] },
  },
  {
    kernel: 'Transpose', label: 'NHWC to NCHW 200x26x26x32',
    inputs: { x: { shape: [200, 26, 26, 32] } }, attrs: { perm: [0, 3, 1, 2] },
  },
];
