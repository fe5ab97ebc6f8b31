// Registers (and removes again) deepcourse's training kernels for the wasm
// backend. The stock configs of the kernels we replace are kept, so turning our
// kernels off restores exactly what tfjs-backend-wasm registered.
import { tf } from '../tf.js';
import { batchMatMulKernel } from './batch-mat-mul.js';
import { conv2DBackpropFilterKernel, conv2DBackpropInputKernel } from './conv2d-backprop.js';
import { depthwiseConv2dNativeBackpropFilterKernel, depthwiseConv2dNativeBackpropInputKernel } from './depthwise-backprop.js';
import { identityKernel } from './identity.js';
import { isOurs, stockKernel } from './kernel-call.js';
import { maxPoolGradKernel } from './max-pool-grad.js';
import { meanKernel, sumKernel } from './reduce.js';
import { sliceKernel, splitVKernel } from './slice.js';
import { tileKernel } from './tile.js';
import { transposeKernel } from './transpose.js';
import { unpackKernel } from './unpack.js';
import { unsortedSegmentSumKernel } from './unsorted-segment-sum.js';

const KERNELS: readonly tf.KernelConfig[] = [
  batchMatMulKernel,
  conv2DBackpropInputKernel,
  conv2DBackpropFilterKernel,
  depthwiseConv2dNativeBackpropInputKernel,
  depthwiseConv2dNativeBackpropFilterKernel,
  unsortedSegmentSumKernel,
  maxPoolGradKernel,
  unpackKernel,
  sliceKernel,
  splitVKernel,
  transposeKernel,
  tileKernel,
  sumKernel,
  meanKernel,
  identityKernel,
];

/** Names of the wasm kernels deepcourse adds (missing in tfjs 4.22) or replaces (slow in tfjs 4.22: BatchMatMul, Conv2DBackpropInput, MaxPoolGrad, Unpack, Slice, SplitV, Transpose, Tile, Sum, Mean, Identity). */
export const WASM_TRAINING_KERNELS: readonly string[] = KERNELS.map((config) => config.kernelName);

/** Kernels ours call directly; captured before any replacement so the stock versions stay reachable. */
const STOCK_DEPENDENCIES = ['BatchMatMul', 'Conv2D', 'DepthwiseConv2dNative', 'Transpose', 'Reshape', 'PadV2', 'Slice', 'Reverse', 'Sum', 'Mean', 'AvgPool', 'SplitV'];

/**
 * Registers deepcourse's wasm training kernels (idempotent). `initBackend({ backend: 'wasm' })`
 * calls it; call it yourself only if you start the wasm backend some other way.
 */
export function registerWasmTrainingKernels(): void {
  for (const name of [...STOCK_DEPENDENCIES, ...WASM_TRAINING_KERNELS]) stockKernel(name);
  for (const config of KERNELS) {
    const current = tf.getKernel(config.kernelName, 'wasm') as tf.KernelConfig | undefined;
    if (current === config) continue;
    if (current !== undefined) tf.unregisterKernel(config.kernelName, 'wasm');
    tf.registerKernel(config);
  }
}

/** Puts back the stock wasm kernels (and removes the ones wasm lacks), for comparison. */
export function unregisterWasmTrainingKernels(): void {
  for (const name of STOCK_DEPENDENCIES) stockKernel(name);
  for (const config of KERNELS) {
    const current = tf.getKernel(config.kernelName, 'wasm') as tf.KernelConfig | undefined;
    if (current === undefined || !isOurs(current)) continue;
    tf.unregisterKernel(config.kernelName, 'wasm');
    const stock = stockKernel(config.kernelName);
    if (stock !== undefined) tf.registerKernel(stock);
  }
}

/** True when deepcourse's wasm training kernels are the registered ones. */
export function wasmTrainingKernelsRegistered(): boolean {
  return KERNELS.every((config) => tf.getKernel(config.kernelName, 'wasm') === config);
}
