// Speed of the explanation methods on the cpu and wasm backends.
// Usage: pnpm bench [-- cpu|wasm ...]. Prints a table and writes bench-results/xai-speed.json.
import { mkdir, writeFile } from 'node:fs/promises';
import { tf, initBackend } from '@deepcourse/backend';
import { gradCam, saliency, occlusion, integratedGradients } from '../src/index.js';
import { mnistDigits } from '../src/test-utils.js';

const backends = process.argv.slice(2).filter((a) => a === 'cpu' || a === 'wasm');
const chosen = backends.length > 0 ? backends : ['cpu', 'wasm'];

/** A course-sized CNN for 28x28 digits (random weights: speed does not depend on training). */
function courseCnn(): tf.Sequential {
  const init = (seed: number) => tf.initializers.glorotUniform({ seed });
  const model = tf.sequential({ name: 'bench_cnn' });
  model.add(tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 16, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(1) }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tf.layers.conv2d({ filters: 32, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(2) }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tf.layers.flatten({}));
  model.add(tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: init(3) }));
  return model;
}

function digits(count: number): tf.Tensor4D {
  const rows = Array.from({ length: count }, (_, i) => mnistDigits(i % 10, Math.floor(i / 10), 1)[0] as Float32Array);
  const flat = new Float32Array(count * 784);
  rows.forEach((r, i) => flat.set(r, i * 784));
  return tf.tensor4d(flat, [count, 28, 28, 1]);
}

async function time(run: () => Promise<{ heatmaps: tf.Tensor | null; attributions?: tf.Tensor }>): Promise<number> {
  const dispose = (r: { heatmaps: tf.Tensor | null; attributions?: tf.Tensor }) => tf.dispose([r.heatmaps, r.attributions].filter((t): t is tf.Tensor => t != null));
  dispose(await run()); // warm-up: kernel compilation and first-use allocation
  const start = performance.now();
  dispose(await run());
  return performance.now() - start;
}

const rows: { backend: string; method: string; images: number; ms: number | null; note?: string }[] = [];
for (const backend of chosen) {
  try {
    await initBackend({ backend: backend as 'cpu' | 'wasm' });
  } catch (error) {
    rows.push({ backend, method: 'all', images: 0, ms: null, note: (error as Error).message });
    continue;
  }
  const model = courseCnn();
  const x32 = digits(32);
  const x8 = x32.slice(0, 8);
  const cases: [string, number, () => Promise<{ heatmaps: tf.Tensor | null; attributions?: tf.Tensor }>][] = [
    ['gradCam', 32, () => gradCam(model, x32)],
    ['saliency', 32, () => saliency(model, x32)],
    ['occlusion (window 4, stride 2)', 8, () => occlusion(model, x8, { window: 4, stride: 2, batchSize: 128 })],
    ['integratedGradients (50 steps)', 8, () => integratedGradients(model, x8, { steps: 50, batchSize: 128 })],
  ];
  for (const [method, images, run] of cases) {
    try {
      rows.push({ backend, method, images, ms: await time(run) });
    } catch (error) {
      rows.push({ backend, method, images, ms: null, note: (error as Error).message.slice(0, 120) });
    }
  }
  tf.dispose([x32, x8]);
  model.dispose();
}

console.log('backend | method | images | ms');
for (const r of rows) console.log(`${r.backend} | ${r.method} | ${r.images} | ${r.ms === null ? `failed: ${r.note}` : r.ms.toFixed(1)}`);
await mkdir('bench-results', { recursive: true });
await writeFile('bench-results/xai-speed.json', JSON.stringify({ date: new Date().toISOString(), node: process.version, rows }, null, 2));
