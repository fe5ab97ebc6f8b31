// Times one kernel on the active backend: median of several runs after a
// warm-up, inputs made beforehand, output read back (so lazy work is counted).
// Both process CPU time and wall time are kept: on a shared machine CPU time
// is the stable measure of a single-threaded kernel.
import { tf } from '@deepcourse/backend';
import type { KernelCase } from './kernel-cases.js';

export interface KernelTiming {
  cpuMs: number;
  wallMs: number;
  runs: number;
}

function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function makeInputs(spec: KernelCase, seed: number): Record<string, tf.Tensor> {
  const next = seeded(seed);
  const inputs: Record<string, tf.Tensor> = {};
  for (const [name, input] of Object.entries(spec.inputs)) {
    const size = input.shape.reduce((a, b) => a * b, 1);
    inputs[name] = input.dtype === 'int32'
      ? tf.tensor(Int32Array.from({ length: size }, () => Math.floor(next() * (input.maxInt ?? 10))), input.shape, 'int32')
      : tf.tensor(Float32Array.from({ length: size }, () => next() * 2 - 1), input.shape, 'float32');
  }
  return inputs;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/**
 * Median CPU and wall milliseconds of the kernel on the active backend. Runs
 * are fewer for slow kernels (9 under 50 ms, 5 under 0.3 s, 3 under 2 s, else the warm-up run only).
 */
export function timeKernel(spec: KernelCase): KernelTiming {
  const inputs = makeInputs(spec, 7);
  const once = () => {
    const cpuStart = process.cpuUsage();
    const wallStart = performance.now();
    // Unpack returns one tensor per slice; reading them all is part of its cost.
    const result = tf.engine().runKernel(spec.kernel, inputs, spec.attrs as tf.NamedAttrMap) as tf.Tensor | tf.Tensor[];
    const outputs = Array.isArray(result) ? result : [result];
    for (const out of outputs) out.dataSync();
    const wallMs = performance.now() - wallStart;
    const cpu = process.cpuUsage(cpuStart);
    tf.dispose(outputs);
    return { cpuMs: (cpu.user + cpu.system) / 1000, wallMs };
  };
  try {
    const first = once();
    const runs = first.cpuMs < 50 ? 9 : first.cpuMs < 300 ? 5 : first.cpuMs < 2000 ? 3 : 0;
    if (runs === 0) return { ...first, runs: 1 };
    const timings = Array.from({ length: runs }, once);
    return { cpuMs: median(timings.map((t) => t.cpuMs)), wallMs: median(timings.map((t) => t.wallMs)), runs };
  } finally {
    for (const t of Object.values(inputs)) t.dispose();
  }
}
