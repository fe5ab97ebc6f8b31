import { describe, expect, test } from 'vitest';
import { tf } from './tf.js';
import { initBackend } from './init-backend.js';
import { seedStream } from './seed.js';

/** A sequence task an LSTM must learn: is the sum of the sequence positive? */
function sequenceTask(seed: number) {
  const s = seedStream(seed);
  const xs = Float32Array.from({ length: 64 * 6 }, () => s.normal());
  const ys = Float32Array.from({ length: 64 }, (_, i) => (xs.slice(i * 6, i * 6 + 6).reduce((a, b) => a + b, 0) > 0 ? 1 : 0));
  return { x: tf.tensor3d(xs, [64, 6, 1]), y: tf.tensor2d(ys, [64, 1]) };
}

/** An image task a CNN must learn: is the bright bar vertical or horizontal? */
function imageTask(seed: number) {
  const s = seedStream(seed);
  const n = 32;
  const data = new Float32Array(n * 8 * 8);
  const labels = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const vertical = i % 2;
    const at = s.uniformInt(1, 7);
    labels[i] = vertical;
    for (let r = 0; r < 8; r++) for (let c = 0; c < 8; c++) data[i * 64 + r * 8 + c] = 0.1 * s.uniform() + ((vertical ? c : r) === at ? 1 : 0);
  }
  return { x: tf.tensor4d(data, [n, 8, 8, 1]), y: tf.tensor2d(labels, [n, 1]) };
}

function lstmModel() {
  const model = tf.sequential({
    layers: [
      tf.layers.lstm({ units: 8, inputShape: [6, 1], kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }), recurrentInitializer: tf.initializers.orthogonal({ seed: 2 }) }),
      tf.layers.dense({ units: 1, activation: 'sigmoid', kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(0.05), loss: 'binaryCrossentropy' });
  return model;
}

function cnnModel() {
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [8, 8, 1], filters: 4, kernelSize: 3, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }) }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 1, activation: 'sigmoid', kernelInitializer: tf.initializers.glorotUniform({ seed: 5 }) }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(0.05), loss: 'binaryCrossentropy' });
  return model;
}

async function trainLosses(make: () => tf.LayersModel, task: { x: tf.Tensor; y: tf.Tensor }, epochs: number) {
  const model = make();
  const history = await model.fit(task.x, task.y, { epochs, batchSize: 16, shuffle: false, verbose: 0 });
  model.dispose();
  tf.dispose([task.x, task.y]);
  return history.history.loss as number[];
}

describe.each(['cpu', 'wasm'] as const)('training on %s', (backend) => {
  test('an LSTM learns a sequence task in a few steps', async () => {
    await initBackend({ backend });
    const losses = await trainLosses(lstmModel, sequenceTask(1), 15);
    expect(losses[0]).toBeGreaterThan(0.6);
    expect(losses.at(-1)).toBeLessThan(0.75 * (losses[0] as number));
  });

  // Stock tfjs 4.22 wasm has no Conv2DBackpropFilter: this runs on wasm through the kernels initBackend registers.
  test('a CNN learns an image task in a few steps', async () => {
    await initBackend({ backend });
    if (backend === 'wasm') expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
    const losses = await trainLosses(cnnModel, imageTask(2), 20);
    expect(losses[0]).toBeGreaterThan(0.6);
    expect(losses.at(-1)).toBeLessThan(0.5 * (losses[0] as number));
  });
});
