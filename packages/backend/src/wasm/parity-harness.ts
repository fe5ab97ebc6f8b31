// Shared by the wasm kernel tests (not exported from the package): runs one
// kernel on the cpu backend and on wasm with the same seeded inputs and reports
// how far apart the results are, and whether wasm leaked any buffer.
import { tf } from '../tf.js';

export interface KernelInput {
  shape: number[];
  dtype?: 'float32' | 'int32';
  /** Explicit values; otherwise seeded uniform values in [-1, 1) (never all zeros). */
  values?: number[] | Float32Array | Int32Array;
}

export interface ParityResult {
  /** max |wasm - cpu| / max |cpu|: relative error in the max norm. */
  relativeError: number;
  shape: number[];
  cpuShape: number[];
  /** Live tensors after minus before, summed over both backends. */
  leakedTensors: number;
  /** wasm buffers after minus before (intermediates a kernel forgot to free). */
  leakedWasmBuffers: number;
  cpu: Float32Array | Int32Array;
  wasm: Float32Array | Int32Array;
}

/** Deterministic uniform values in [-1, 1) (mulberry32). */
export function seededValues(size: number, seed: number): Float32Array {
  let state = seed >>> 0;
  const values = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    values[i] = (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  }
  return values;
}

export function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) return Infinity;
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    diff = Math.max(diff, Math.abs(actual[i]! - expected[i]!));
    scale = Math.max(scale, Math.abs(expected[i]!));
  }
  return scale === 0 ? diff : diff / scale;
}

function wasmBufferCount(): number {
  return (tf.engine().findBackend('wasm') as unknown as { numDataIds(): number }).numDataIds();
}

/** Runs one kernel on `backend` (which stays active) and returns its output's values and shape. */
export async function runKernelOn(backend: string, kernel: string, inputs: Record<string, KernelInput>, attrs: object) {
  const values = Object.fromEntries(Object.entries(inputs).map(([name, input], i) => [
    name, input.values ?? seededValues(input.shape.reduce((a, b) => a * b, 1), 1 + i),
  ]));
  return runOn(backend, kernel, inputs, values, attrs);
}

async function runOn(backend: string, kernel: string, inputs: Record<string, KernelInput>, values: Record<string, ArrayLike<number>>, attrs: object) {
  await tf.setBackend(backend);
  // The cpu backend's banner recommending tfjs-node is noise here.
  if (backend === 'cpu') (tf.backend() as unknown as { firstUse?: boolean }).firstUse = false;
  const tensors = Object.fromEntries(
    Object.entries(inputs).map(([name, input]) => [name, tf.tensor(values[name] as Float32Array, input.shape, input.dtype ?? 'float32')]),
  );
  const output = tf.engine().runKernel(kernel, tensors, attrs as tf.NamedAttrMap) as tf.Tensor;
  const data = (await output.data()) as Float32Array | Int32Array;
  const shape = output.shape;
  output.dispose();
  for (const tensor of Object.values(tensors)) tensor.dispose();
  return { data, shape };
}

/** Runs `kernel` on cpu and on wasm with the same inputs; the active backend is wasm afterwards. */
export async function compareWithCpu(kernel: string, inputs: Record<string, KernelInput>, attrs: object, seed = 1): Promise<ParityResult> {
  const values: Record<string, ArrayLike<number>> = {};
  let offset = 0;
  for (const [name, input] of Object.entries(inputs)) {
    const size = input.shape.reduce((a, b) => a * b, 1);
    values[name] = input.values ?? seededValues(size, seed + offset++);
  }
  const tensorsBefore = tf.memory().numTensors;
  const cpu = await runOn('cpu', kernel, inputs, values, attrs);
  const buffersBefore = wasmBufferCount();
  const wasm = await runOn('wasm', kernel, inputs, values, attrs);
  return {
    relativeError: relativeError(wasm.data, cpu.data),
    shape: wasm.shape,
    cpuShape: cpu.shape,
    leakedTensors: tf.memory().numTensors - tensorsBefore,
    leakedWasmBuffers: wasmBufferCount() - buffersBefore,
    cpu: cpu.data,
    wasm: wasm.data,
  };
}

/** Output spatial size of a convolution, for building dy shapes. */
export function convOutputShape(
  inputShape: [number, number, number, number],
  filterShape: [number, number, number, number],
  strides: number | [number, number],
  pad: 'valid' | 'same' | tf.backend_util.ExplicitPadding,
  dilations: number | [number, number] = 1,
  depthwise = false,
): [number, number, number, number] {
  return tf.backend_util.computeConv2DInfo(inputShape, filterShape, strides, dilations, pad, undefined, depthwise).outShape;
}
