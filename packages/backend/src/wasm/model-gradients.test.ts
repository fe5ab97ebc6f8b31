// Whole-model gradients on wasm (with our kernels) equal those on cpu, for the
// course's model families: a CNN, a Conv2DTranspose generator, a separable-conv
// model, a residual network with batch norm in training mode and an Embedding + LSTM classifier.
import { beforeAll, describe, expect, test } from 'vitest';
import { tf } from '../tf.js';
import { initBackend } from '../init-backend.js';
import { relativeError, seededValues } from './parity-harness.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
  await initBackend({ backend: 'cpu' }); // models are built on cpu; also silences its tfjs-node banner
});

/** Gives every weight seeded values in [-scale, scale) so both backends start identical. */
function seedWeights(model: tf.LayersModel, scale: number): void {
  model.weights.forEach((weight, i) => {
    const shape = weight.shape.map((dim) => dim ?? 1);
    const values = seededValues(shape.reduce((a, b) => a * b, 1), 100 + i).map((v) => v * scale);
    const tensor = tf.tensor(values, shape);
    weight.write(tensor);
    tensor.dispose();
  });
}

/** Loss and d(loss)/d(weight) for every trainable weight, computed on `backend`. */
async function gradientsOn(backend: string, model: tf.LayersModel, x: tf.Tensor, loss: (output: tf.Tensor) => tf.Scalar, training: boolean) {
  await tf.setBackend(backend);
  const before = tf.memory().numTensors;
  const variables = model.trainableWeights.map((weight) => weight.read() as tf.Variable);
  const { value, grads } = tf.variableGrads(() => loss(model.apply(x, { training }) as tf.Tensor), variables);
  const result = {
    loss: (await value.data())[0]!,
    grads: await Promise.all(variables.map(async (variable) => ({ name: variable.name, values: await grads[variable.name]!.data() }))),
  };
  tf.dispose([value, ...Object.values(grads)]);
  expect(tf.memory().numTensors).toBe(before);
  return result;
}

async function expectSameGradients(model: tf.LayersModel, x: tf.Tensor, loss: (output: tf.Tensor) => tf.Scalar, training = false) {
  const cpu = await gradientsOn('cpu', model, x, loss, training);
  const wasm = await gradientsOn('wasm', model, x, loss, training);
  expect(Math.abs(wasm.loss - cpu.loss) / Math.abs(cpu.loss)).toBeLessThan(1e-5);
  expect(wasm.grads.length).toBe(cpu.grads.length);
  cpu.grads.forEach((expected, i) => {
    const actual = wasm.grads[i]!;
    expect(actual.name).toBe(expected.name);
    // A gradient of zeros would make the comparison vacuous.
    expect(expected.values.some((v) => v !== 0)).toBe(true);
    expect(relativeError(actual.values, expected.values), expected.name).toBeLessThan(1e-4);
  });
}

function images(shape: number[], seed: number): tf.Tensor {
  return tf.tensor(seededValues(shape.reduce((a, b) => a * b, 1), seed).map((v) => (v + 1) / 2), shape);
}

describe('whole-model gradients on wasm equal cpu', () => {
  // The course architecture at 14x14 rather than 28x28: the cpu reference is slow; the benchmark trains the full size.
  test('course MNIST CNN (Conv 32, Conv 64, MaxPool, Dropout, Dense 128, Dense 10)', async () => {
    await tf.setBackend('cpu');
    const model = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [14, 14, 1], filters: 32, kernelSize: 3, activation: 'relu' }),
        tf.layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu' }),
        tf.layers.maxPooling2d({ poolSize: 2 }),
        tf.layers.dropout({ rate: 0.25 }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 128, activation: 'relu' }),
        tf.layers.dropout({ rate: 0.5 }),
        tf.layers.dense({ units: 10, activation: 'softmax' }),
      ],
    });
    seedWeights(model, 0.1);
    const x = images([2, 14, 14, 1], 1);
    const labels = tf.oneHot(tf.tensor1d([3, 7], 'int32'), 10);
    await expectSameGradients(model, x, (output) => tf.losses.softmaxCrossEntropy(labels, output) as tf.Scalar);
    tf.dispose([x, labels]);
    model.dispose();
  });

  test('Conv2DTranspose generator (Dense, Reshape, two strided Conv2DTranspose)', async () => {
    await tf.setBackend('cpu');
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [10], units: 7 * 7 * 16, activation: 'relu' }),
        tf.layers.reshape({ targetShape: [7, 7, 16] }),
        tf.layers.conv2dTranspose({ filters: 8, kernelSize: 5, strides: 2, padding: 'same', activation: 'relu' }),
        tf.layers.conv2dTranspose({ filters: 1, kernelSize: 5, strides: 2, padding: 'same', activation: 'tanh' }),
      ],
    });
    seedWeights(model, 0.2);
    const noise = tf.tensor(seededValues(3 * 10, 2), [3, 10]);
    const target = images([3, 28, 28, 1], 3);
    await expectSameGradients(model, noise, (output) => tf.losses.meanSquaredError(target, output) as tf.Scalar);
    tf.dispose([noise, target]);
    model.dispose();
  });

  test('separable-conv model (SeparableConv2D with depth multiplier 2 and stride 2, DepthwiseConv2D)', async () => {
    await tf.setBackend('cpu');
    const model = tf.sequential({
      layers: [
        tf.layers.separableConv2d({ inputShape: [15, 13, 3], filters: 8, kernelSize: 3, depthMultiplier: 2, padding: 'same', activation: 'relu' }),
        tf.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 1, strides: 2, padding: 'valid', activation: 'relu' }),
        tf.layers.separableConv2d({ filters: 6, kernelSize: [3, 2], strides: 2, padding: 'same' }),
        tf.layers.globalAveragePooling2d({}),
        tf.layers.dense({ units: 4, activation: 'softmax' }),
      ],
    });
    seedWeights(model, 0.3);
    const x = images([3, 15, 13, 3], 4);
    const labels = tf.oneHot(tf.tensor1d([0, 3, 1], 'int32'), 4);
    await expectSameGradients(model, x, (output) => tf.losses.softmaxCrossEntropy(labels, output) as tf.Scalar);
    tf.dispose([x, labels]);
    model.dispose();
  });

  // miniResnet's pieces: batch statistics (training mode) through the wasm Sum/Mean kernels, a strided 3x3
  // convolution beside a strided 1x1 projection, the residual Add, global average pooling.
  test('residual block with batch norm in training mode and a strided 1x1 projection', async () => {
    await tf.setBackend('cpu');
    const conv = (x: tf.SymbolicTensor, filters: number, kernelSize: number, strides: number) =>
      tf.layers.conv2d({ filters, kernelSize, strides, padding: 'same', useBias: false }).apply(x) as tf.SymbolicTensor;
    const bn = (x: tf.SymbolicTensor) => tf.layers.batchNormalization({}).apply(x) as tf.SymbolicTensor;
    const relu = (x: tf.SymbolicTensor) => tf.layers.reLU().apply(x) as tf.SymbolicTensor;
    const input = tf.input({ shape: [12, 12, 2] });
    const stem = relu(bn(conv(input, 6, 3, 1)));
    const branch = bn(conv(relu(bn(conv(stem, 8, 3, 2))), 8, 3, 1));
    const shortcut = bn(conv(stem, 8, 1, 2));
    const sum = relu(tf.layers.add().apply([branch, shortcut]) as tf.SymbolicTensor);
    const pooled = tf.layers.globalAveragePooling2d({}).apply(sum) as tf.SymbolicTensor;
    const output = tf.layers.dense({ units: 5, activation: 'softmax' }).apply(pooled) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: output });
    seedWeights(model, 0.3);
    const x = images([4, 12, 12, 2], 6);
    const labels = tf.oneHot(tf.tensor1d([0, 4, 2, 2], 'int32'), 5);
    await expectSameGradients(model, x, (out) => tf.losses.softmaxCrossEntropy(labels, out) as tf.Scalar, true);
    tf.dispose([x, labels]);
    model.dispose();
  });

  test('Embedding + LSTM text classifier (repeated tokens)', async () => {
    await tf.setBackend('cpu');
    const model = tf.sequential({
      layers: [
        tf.layers.embedding({ inputDim: 50, outputDim: 8, inputLength: 12 }),
        tf.layers.lstm({ units: 16 }),
        tf.layers.dense({ units: 1, activation: 'sigmoid' }),
      ],
    });
    seedWeights(model, 0.3);
    const tokens = Int32Array.from(seededValues(4 * 12, 5), (v) => Math.floor((v + 1) * 10)); // ids 0..19, many repeats
    const x = tf.tensor2d(tokens, [4, 12], 'int32');
    const labels = tf.tensor2d([[1], [0], [0], [1]]);
    await expectSameGradients(model, x, (output) => tf.losses.sigmoidCrossEntropy(labels, output) as tf.Scalar);
    tf.dispose([x, labels]);
    model.dispose();
  });
});
