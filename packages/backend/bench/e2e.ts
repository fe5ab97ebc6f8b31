// One end-to-end training measurement, run in its own process by run.ts so
// that peak memory belongs to one configuration. Prints one JSON line.
//   node --conditions=@deepcourse/source --import tsx bench/e2e.ts <cnn|lstm> <wasm|wasm-stock|cpu> <samples> [batchSize]
import { readFileSync } from 'node:fs';
import { initBackend, tf } from '@deepcourse/backend';

export interface E2EResult {
  model: 'cnn' | 'lstm';
  backend: string;
  ok: boolean;
  error?: string;
  batchSize?: number;
  samples?: number;
  wallSeconds?: number;
  cpuSeconds?: number;
  samplesPerSecond?: number;
  samplesPerCpuSecond?: number;
  finalLoss?: number;
  peakRssMB: number;
  wasmHeapMB?: number;
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

/** The course MNIST CNN (issue 3): Conv 32, Conv 64, MaxPool, Dropout, Dense 128, Dropout, Dense 10; Adam. */
export function courseCnn(seed: number): tf.Sequential {
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 3, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed }) }),
      tf.layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }) }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.dropout({ rate: 0.25, seed: seed + 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 128, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 3 }) }),
      tf.layers.dropout({ rate: 0.5, seed: seed + 4 }),
      tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 5 }) }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(0.001), loss: 'categoricalCrossentropy' });
  return model;
}

/** Embedding (10,000 x 64) + LSTM 64 + Dense 1 binary text classifier over 100-token sequences; Adam. */
export function lstmClassifier(seed: number): tf.Sequential {
  const model = tf.sequential({
    layers: [
      tf.layers.embedding({ inputDim: 10_000, outputDim: 64, inputLength: 100, embeddingsInitializer: tf.initializers.randomUniform({ minval: -0.05, maxval: 0.05, seed }) }),
      tf.layers.lstm({ units: 64, kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }), recurrentInitializer: tf.initializers.orthogonal({ seed: seed + 2 }) }),
      tf.layers.dense({ units: 1, activation: 'sigmoid', kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 3 }) }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(0.001), loss: 'binaryCrossentropy' });
  return model;
}

export const BATCH_SIZE = { cnn: 200, lstm: 64 } as const;

/** Seeded stand-in data: throughput does not depend on the values, and nothing is downloaded. */
function data(model: 'cnn' | 'lstm', count: number): { x: tf.Tensor; y: tf.Tensor } {
  const next = seeded(count + (model === 'cnn' ? 1 : 2));
  if (model === 'cnn') {
    const pixels = Float32Array.from({ length: count * 28 * 28 }, () => (next() < 0.8 ? 0 : next()));
    const labels = Int32Array.from({ length: count }, () => Math.floor(next() * 10));
    return { x: tf.tensor4d(pixels, [count, 28, 28, 1]), y: tf.tidy(() => tf.oneHot(tf.tensor1d(labels, 'int32'), 10).toFloat()) };
  }
  // Zipf-like token ids (frequent words repeat, as in text), so the embedding gradient has repeated ids.
  const tokens = Int32Array.from({ length: count * 100 }, () => Math.min(9_999, Math.floor(Math.exp(next() * Math.log(10_000)))));
  const labels = Float32Array.from({ length: count }, () => (next() < 0.5 ? 0 : 1));
  return { x: tf.tensor2d(tokens, [count, 100], 'int32'), y: tf.tensor2d(labels, [count, 1]) };
}

/**
 * This process's peak resident memory. Linux keeps getrusage's maxRSS across fork and exec (a child
 * starts with its parent's peak), so read VmHWM, which belongs to this address space, where it exists.
 */
function peakRssMB(): number {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (match) return Number(match[1]) / 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS / 1024;
}

async function measure(modelName: 'cnn' | 'lstm', backendName: string, samples: number, batchOverride?: number): Promise<E2EResult> {
  const backend = backendName === 'wasm-stock' ? 'wasm' : backendName;
  await initBackend({ backend: backend as 'wasm' | 'cpu', wasmKernels: backendName !== 'wasm-stock', seed: 1 });
  const batchSize = batchOverride ?? BATCH_SIZE[modelName];
  // The cpu backend is slow enough that a warm-up batch would dominate the run; it has nothing to warm up but the JIT.
  const warmUp = backend !== 'cpu';
  const model = modelName === 'cnn' ? courseCnn(1) : lstmClassifier(1);
  const warm = data(modelName, batchSize);
  const train = data(modelName, samples);
  const base: E2EResult = { model: modelName, backend: backendName, ok: false, batchSize, peakRssMB: 0 };
  try {
    // One warm-up batch: first-call costs (kernel setup, XNNPACK operator creation, heap growth).
    if (warmUp) await model.fit(warm.x, warm.y, { batchSize, epochs: 1, shuffle: false, verbose: 0 });
    const cpuStart = process.cpuUsage();
    const wallStart = performance.now();
    const history = await model.fit(train.x, train.y, { batchSize, epochs: 1, shuffle: false, verbose: 0 });
    const wallSeconds = (performance.now() - wallStart) / 1000;
    const cpu = process.cpuUsage(cpuStart);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    const losses = history.history.loss as number[];
    Object.assign(base, {
      ok: true, samples, wallSeconds, cpuSeconds,
      samplesPerSecond: samples / wallSeconds,
      samplesPerCpuSecond: samples / cpuSeconds,
      finalLoss: losses[losses.length - 1],
    });
  } catch (error) {
    base.error = error instanceof Error ? error.message.split('\n')[0] : String(error);
  }
  if (backend === 'wasm') {
    const heap = (tf.backend() as unknown as { wasm?: { HEAPU8: Uint8Array } }).wasm?.HEAPU8.buffer.byteLength;
    if (heap !== undefined) base.wasmHeapMB = heap / 2 ** 20;
  }
  base.peakRssMB = peakRssMB();
  return base;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const [modelName, backendName, samples, batch] = process.argv.slice(2);
  const result = await measure(modelName as 'cnn' | 'lstm', backendName!, Number(samples), batch === undefined ? undefined : Number(batch));
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
