import { afterAll, beforeAll, expect, it } from 'vitest';
import { initBackend, tf } from '@deepcourse/backend';
import { evaluateClassifier } from './evaluate.js';
import { courseCnn } from './models/course-cnn.js';
import { loadMnistDigits } from './test-utils.js';
import { trainClassifier } from './train.js';

// This file trains a convolution, so it runs on wasm: @deepcourse/backend registers the wasm training
// kernels (Conv2DBackpropFilter and friends, checked against cpu in the backend's own tests), and the
// cpu backend's filter gradient is a slow scalar loop.
let train: ReturnType<typeof loadMnistDigits>;
let test: ReturnType<typeof loadMnistDigits>;

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
  train = loadMnistDigits(60); // 600 real digits
  test = loadMnistDigits(20, 800); // 200 others
});

afterAll(() => {
  tf.dispose([train, test]);
});

it('the course CNN (1.2M parameters) on 600 real digits beats chance (10%) by far, reproducibly', async () => {
  const run = async () => {
    const model = courseCnn({ seed: 2 });
    const result = await trainClassifier(model, train, { epochs: 2, batchSize: 32, seed: 2, progress: false });
    const evaluation = await evaluateClassifier(model, test);
    model.dispose();
    return { loss: result.history.metrics.loss, accuracy: evaluation.accuracy };
  };
  const first = await run();
  expect(first.accuracy).toBeGreaterThan(0.7);
  console.log(`courseCnn, 600 digits, 2 epochs on wasm: test accuracy ${(first.accuracy * 100).toFixed(1)}%`);
  // Same seeds, same backend: the same run, dropout included.
  expect((await run()).loss).toEqual(first.loss);
});
