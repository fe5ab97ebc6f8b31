import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, InvalidArgumentError, tf } from '@deepcourse/backend';
import { loadModel, saveModel } from '@deepcourse/backend/node';
import { activationCurves, activationDerivatives, elu, leakyRelu, relu, sigmoid } from './activations.js';
import { gradientNormsByLayer } from './gradient-norms.js';
import { Maxout } from './layers/maxout.js';
import { mlp } from './models/mlp.js';
import { expectNoLeak, twoSpirals } from './test-utils.js';
import { evaluateClassifier } from './evaluate.js';
import { trainClassifier } from './train.js';

let dir: string;
beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
  dir = await mkdtemp(join(tmpdir(), 'cnn-activations-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('activation functions and curves', () => {
  it('agree with the tfjs ops and their gradients', () => {
    const curves = activationCurves({ min: -3, max: 3, points: 13, leakySlope: 0.1, eluAlpha: 0.5 });
    expect(curves.x[0]).toBe(-3);
    expect(curves.x[12]).toBe(3);
    const x = tf.tensor1d(curves.x);
    const check = (name: keyof typeof curves.curves, f: (t: tf.Tensor) => tf.Tensor) => {
      const [values, grads] = tf.tidy(() => [Array.from(f(x).dataSync()), Array.from(tf.grad(f)(x).dataSync())]);
      curves.curves[name].value.forEach((v, i) => expect(v).toBeCloseTo(values![i]!, 5));
      // tfjs's relu-family gradients at exactly 0 are 0 (and alpha for leaky); skip the kink.
      curves.curves[name].derivative.forEach((d, i) => curves.x[i] !== 0 && expect(d).toBeCloseTo(grads![i]!, 5));
    };
    check('sigmoid', (t) => tf.sigmoid(t));
    check('tanh', (t) => tf.tanh(t));
    check('relu', (t) => tf.relu(t));
    check('leakyRelu', (t) => tf.leakyRelu(t, 0.1));
    // ELU with alpha 0.5 = relu(t) + 0.5 * elu(min(t, 0))
    check('elu', (t) => tf.relu(t).add(tf.elu(tf.neg(tf.relu(tf.neg(t)))).mul(0.5)));
    tf.dispose(x);
    expect(sigmoid(0)).toBe(0.5);
    expect(Math.max(...activationCurves().curves.sigmoid.derivative)).toBeCloseTo(0.25, 10);
    expect([relu(-2), leakyRelu(-2), elu(-1, 1)]).toEqual([0, -0.02, Math.exp(-1) - 1]);
    expect(activationDerivatives.tanh(0)).toBe(1);
    expect(() => activationCurves({ min: 1, max: 0 })).toThrow(InvalidArgumentError);
  });
});

describe('Maxout layer', () => {
  it('equals the max of its k linear pieces', () => {
    const layer = new Maxout({ units: 3, pieces: 4, kernelSeed: 5, inputShape: [5] });
    const model = tf.sequential({ layers: [layer] });
    const x = tf.randomNormal([6, 5], 0, 1, 'float32', 1);
    const [kernel, bias] = layer.getWeights();
    const ours = tf.tidy(() => (model.predict(x) as tf.Tensor).arraySync() as number[][]);
    const z = tf.tidy(() => tf.matMul(x, kernel!).add(bias!).arraySync() as number[][]);
    ours.forEach((row, i) =>
      row.forEach((v, j) => expect(v).toBeCloseTo(Math.max(...z[i]!.slice(j * 4, j * 4 + 4)), 5)),
    );
    expect(model.countParams()).toBe(5 * 12 + 12);
    tf.dispose(x);
    model.dispose();
  });

  it('saves and loads by class name, predicting identically', async () => {
    const model = mlp({ inputShape: [4], width: 6, activation: { name: 'maxout', pieces: 3 }, numClasses: 3, seed: 2 });
    expect(model.layers[0]!.getClassName()).toBe('Maxout');
    await saveModel(model, join(dir, 'maxout'));
    const loaded = await loadModel(join(dir, 'maxout'));
    expect(loaded.layers[0]!.getClassName()).toBe('Maxout');
    expect((loaded.layers[0] as Maxout).pieces).toBe(3);
    const x = tf.randomNormal([5, 4], 0, 1, 'float32', 3);
    const a = tf.tidy(() => Array.from((model.predict(x) as tf.Tensor).dataSync()));
    const b = tf.tidy(() => Array.from((loaded.predict(x) as tf.Tensor).dataSync()));
    expect(b).toEqual(a);
    tf.dispose(x);
    model.dispose();
    loaded.dispose();
  });
});

describe('the vanishing-gradient and spiral lessons', () => {
  it('a deep sigmoid MLP’s first layer gets a far smaller gradient than the same depth with ReLU', async () => {
    const data = twoSpirals(100, 0.05, 1);
    const norms = (activation: 'sigmoid' | 'relu') => {
      const model = mlp({ inputShape: [2], width: 16, depth: 8, activation, numClasses: 2, seed: 3 });
      const result = gradientNormsByLayer(model, data);
      model.dispose();
      return result;
    };
    const sigmoidNorms = await expectNoLeak(() => norms('sigmoid'));
    const reluNorms = norms('relu');
    // (model, x, y) gives the same numbers as (model, { inputs, labels }).
    const model = mlp({ inputShape: [2], width: 16, depth: 8, activation: 'sigmoid', numClasses: 2, seed: 3 });
    expect(gradientNormsByLayer(model, data.inputs, data.labels).map((n) => n.norm)).toEqual(sigmoidNorms.map((n) => n.norm));
    model.dispose();
    expect(sigmoidNorms).toHaveLength(9);
    // In the sigmoid net the gradient shrinks from the last layer to the first.
    expect(sigmoidNorms[0]!.kernelNorm).toBeLessThan(sigmoidNorms[8]!.kernelNorm / 100);
    const ratio = reluNorms[0]!.kernelNorm / sigmoidNorms[0]!.kernelNorm;
    console.log(`first-layer gradient norm: relu ${reluNorms[0]!.kernelNorm.toExponential(3)}, sigmoid ${sigmoidNorms[0]!.kernelNorm.toExponential(3)}, ratio ${ratio.toExponential(2)}`);
    expect(ratio).toBeGreaterThan(100);
    tf.dispose(data);
  });

  it('a ReLU MLP reaches 97% on the spiral where a same-size linear model stays near chance', async () => {
    const data = twoSpirals(150, 0.05, 2);
    const train = async (activation: 'relu' | 'linear', epochs: number) => {
      const model = mlp({ inputShape: [2], hiddenUnits: [32, 32, 32], activation, numClasses: 2, seed: 4 });
      await trainClassifier(model, data, { epochs, batchSize: 100, learningRate: 0.02, seed: 4, progress: false });
      const { accuracy } = await evaluateClassifier(model, data);
      model.dispose();
      return accuracy;
    };
    const reluAccuracy = await train('relu', 150);
    const linearAccuracy = await train('linear', 50);
    console.log(`spiral: relu ${(reluAccuracy * 100).toFixed(1)}%, linear ${(linearAccuracy * 100).toFixed(1)}%`);
    expect(reluAccuracy).toBeGreaterThanOrEqual(0.97);
    expect(linearAccuracy).toBeLessThan(0.7);
    tf.dispose(data);
  });
});
