// Plumbing shared by the wasm training kernels: calling wasm's own kernels
// directly (no engine, no tape, no tensor bookkeeping) and freeing what they
// return. Intermediates are plain TensorInfos owned by the wasm backend and are
// released with `free`, which honours the backend's reference counts (wasm's
// Reshape returns an alias with its count raised, so freeing it is always right).
import { tf } from '../tf.js';

type TensorInfo = tf.TensorInfo;
type NamedAttrMap = tf.NamedAttrMap;

/** The part of tfjs-backend-wasm's `BackendWasm` the kernels use. */
export interface WasmBackend {
  disposeData(dataId: object, force?: boolean): boolean;
  incRef(dataId: object): void;
  makeOutput(shape: number[], dtype: tf.DataType, memoryOffset?: number, values?: unknown): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array | Int32Array | Uint8Array;
}

/** Stock wasm kernel configs captured before ours replace any of them. */
const stockConfigs = new Map<string, tf.KernelConfig>();

/** The stock wasm config of `kernelName`, captured the first time it is asked for (undefined if wasm has none). */
export function stockKernel(kernelName: string): tf.KernelConfig | undefined {
  if (!stockConfigs.has(kernelName)) {
    const config = tf.getKernel(kernelName, 'wasm') as tf.KernelConfig | undefined;
    if (config === undefined || isOurs(config)) return undefined;
    stockConfigs.set(kernelName, config);
  }
  return stockConfigs.get(kernelName);
}

const OURS = Symbol.for('deepcourse.wasmTrainingKernel');

/** Marks a config as one of ours so it is never mistaken for a stock kernel. */
export function markOurs(config: tf.KernelConfig): tf.KernelConfig {
  (config as unknown as Record<symbol, boolean>)[OURS] = true;
  return config;
}

export function isOurs(config: tf.KernelConfig): boolean {
  return (config as unknown as Record<symbol, boolean>)[OURS] === true;
}

/** Runs a stock wasm kernel on backend data and returns its (single) output. */
export function call(backend: WasmBackend, kernelName: string, inputs: Record<string, TensorInfo>, attrs: NamedAttrMap = {}): TensorInfo {
  const config = stockKernel(kernelName);
  if (config === undefined) throw new Error(`the wasm backend has no '${kernelName}' kernel`);
  const result = config.kernelFunc({ inputs, backend: backend as unknown as tf.KernelBackend, attrs });
  return (Array.isArray(result) ? result[0] : result) as TensorInfo;
}

/** Releases an intermediate made by `call`. */
export function free(backend: WasmBackend, ...infos: TensorInfo[]): void {
  for (const info of infos) backend.disposeData(info.dataId);
}

export function reshape(backend: WasmBackend, x: TensorInfo, shape: number[]): TensorInfo {
  return call(backend, 'Reshape', { x }, { shape });
}

/** Our tiled Transpose (./transpose.ts), registered as the wasm 'Transpose' kernel. */
export function transpose(backend: WasmBackend, x: TensorInfo, perm: number[]): TensorInfo {
  const config = tf.getKernel('Transpose', 'wasm') as tf.KernelConfig;
  return config.kernelFunc({ inputs: { x }, backend: backend as unknown as tf.KernelBackend, attrs: { perm } }) as TensorInfo;
}

/** Pads with zeros; a negative amount crops instead. Returns a new reference either way. */
export function padOrCrop(backend: WasmBackend, x: TensorInfo, amounts: [number, number][]): TensorInfo {
  const padding = amounts.map(([before, after]) => [Math.max(0, before), Math.max(0, after)] as [number, number]);
  const cropping = amounts.some(([before, after]) => before < 0 || after < 0);
  const padded = padding.some(([before, after]) => before > 0 || after > 0)
    ? call(backend, 'PadV2', { x }, { paddings: padding, constantValue: 0 })
    : reshape(backend, x, x.shape);
  if (!cropping) return padded;
  const begin = amounts.map(([before]) => Math.max(0, -before));
  const size = padded.shape.map((dim, axis) => dim - begin[axis]! - Math.max(0, -amounts[axis]![1]));
  const cropped = call(backend, 'Slice', { x: padded }, { begin, size });
  free(backend, padded);
  return cropped;
}

/**
 * Inserts `stride - 1` zeros between neighbouring rows and columns of an NHWC
 * tensor (the "dilated" gradient of a strided convolution), then pads (or crops,
 * for negative amounts) the result. Built from two copies: a pad of a 6-D view
 * that spreads the pixels, then one pad/crop that also drops the trailing zeros.
 */
export function insertZerosAndPad(
  backend: WasmBackend,
  x: TensorInfo,
  [strideHeight, strideWidth]: [number, number],
  [top, bottom]: [number, number],
  [left, right]: [number, number],
): TensorInfo {
  if (strideHeight === 1 && strideWidth === 1) {
    return padOrCrop(backend, x, [[0, 0], [top, bottom], [left, right], [0, 0]]);
  }
  const [batch, height, width, channels] = x.shape as [number, number, number, number];
  const view = reshape(backend, x, [batch, height, 1, width, 1, channels]);
  const spread = call(backend, 'PadV2', { x: view }, {
    paddings: [[0, 0], [0, 0], [0, strideHeight - 1], [0, 0], [0, strideWidth - 1], [0, 0]],
    constantValue: 0,
  });
  free(backend, view);
  const flat = reshape(backend, spread, [batch, height * strideHeight, width * strideWidth, channels]);
  free(backend, spread);
  const result = padOrCrop(backend, flat, [[0, 0], [top, bottom - (strideHeight - 1)], [left, right - (strideWidth - 1)], [0, 0]]);
  free(backend, flat);
  return result;
}

export function sizeOf(shape: readonly number[]): number {
  let size = 1;
  for (const dim of shape) size *= dim;
  return size;
}
