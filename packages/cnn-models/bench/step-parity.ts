// node --conditions=@deepcourse/source --import tsx bench/step-parity.ts [-- --backend wasm|cpu --steps 8]
//
// Does a tfjs training step compute what PyTorch computes? Writes miniResnet's initial weights (seed 1), the first
// `steps` batches of 128 Fashion-MNIST training images, the loss of each Adam step (2e-3, no augmentation), the
// weights after the first and the last step and the inference-mode softmax of 512 held-back images to
// bench-results/step-parity/. `python3 bench/torch_step_parity.py` replays the same steps in PyTorch from the same
// weights and prints the differences.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { initBackend, tf } from '@deepcourse/backend';
import { fashionMnist } from '@deepcourse/datasets/node';
import { miniResnet } from '../src/index.js';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: { backend: { type: 'string', default: 'wasm' }, steps: { type: 'string', default: '8' } },
});
const steps = Number(values.steps);
const selection = await initBackend({ backend: values.backend as 'wasm' | 'cpu', seed: 1 });
const out = join('bench-results', 'step-parity');
await mkdir(out, { recursive: true });

const { train, test } = await fashionMnist();
const model = miniResnet({ seed: 1 });
model.compile({ optimizer: tf.train.adam(2e-3), loss: 'categoricalCrossentropy' });

/** All weights (trainable, then batch-norm moving statistics) as one float32 file, in `model.weights` order. */
async function writeWeights(tag: string): Promise<void> {
  const arrays = await Promise.all(model.weights.map((w) => w.read().data() as Promise<Float32Array>));
  const flat = new Float32Array(arrays.reduce((n, a) => n + a.length, 0));
  arrays.reduce((offset, a) => (flat.set(a, offset), offset + a.length), 0);
  await writeFile(join(out, `${selection.backend}-${tag}.f32`), flat);
}

await writeWeights('init');
const images = train.images.slice(0, 128 * steps);
const ids = tf.tidy(() => train.labels.slice(0, 128 * steps).toInt());
const targets = tf.oneHot(ids, 10);
await writeFile(join(out, 'images.f32'), (await images.data()) as Float32Array);
await writeFile(join(out, 'labels.i32'), (await ids.data()) as Int32Array);
const losses: number[] = [];
for (let s = 0; s < steps; s++) {
  const [x, y] = [images.slice(128 * s, 128), targets.slice(128 * s, 128)];
  losses.push((await model.trainOnBatch(x, y)) as number);
  tf.dispose([x, y]);
  if (s === 0) await writeWeights('step1');
}
await writeWeights('final');
const probe = test.images.slice(0, 512);
const probabilities = model.predict(probe) as tf.Tensor;
await writeFile(join(out, 'probe.f32'), (await probe.data()) as Float32Array);
await writeFile(join(out, `${selection.backend}-softmax.f32`), (await probabilities.data()) as Float32Array);
await writeFile(
  join(out, `${selection.backend}.json`),
  JSON.stringify({ backend: selection.backend, steps, losses, weights: model.weights.map((w) => ({ name: w.originalName, shape: w.shape })) }, null, 1),
);
console.log(`${selection.backend} losses: ${losses.map((l) => l.toFixed(5)).join(' ')}\nwritten to ${out}/`);
tf.dispose([images, ids, targets, probe, probabilities, train.images, train.labels, test.images, test.labels]);
model.dispose();
