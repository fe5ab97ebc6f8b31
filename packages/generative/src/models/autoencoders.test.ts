import { beforeAll, describe, expect, it } from 'vitest';
import { tf, initBackend, seedStream, InvalidArgumentError } from '@deepcourse/backend';
import { convAutoencoder, denseAutoencoder } from './autoencoders.js';
import { addNoise, trainAutoencoder } from '../training/train-autoencoder.js';
import { reconstructionError } from '../metrics/reconstruction.js';
import { expectNoLeak } from '../test-utils.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe('convAutoencoder', () => {
  it('is the course network: 4,385 parameters, a 4×4×8 code and 28×28×1 sigmoid output', () => {
    const { autoencoder, encoder, decoder } = convAutoencoder();
    expect(autoencoder.countParams()).toBe(4385);
    expect(autoencoder.layers.slice(1).map((l) => `${l.getClassName()}:${l.outputShape.toString()}`)).toEqual([
      'Conv2D:,28,28,16', 'MaxPooling2D:,14,14,16', 'Conv2D:,14,14,8', 'MaxPooling2D:,7,7,8', 'Conv2D:,4,4,8',
      'Conv2D:,4,4,8', 'UpSampling2D:,8,8,8', 'Conv2D:,8,8,8', 'UpSampling2D:,16,16,8', 'Conv2D:,14,14,16', 'UpSampling2D:,28,28,16', 'Conv2D:,28,28,1',
    ]);
    const [codeShape, decodedShape, same] = tf.tidy(() => {
      const x = tf.randomUniform([2, 28, 28, 1], 0, 1, 'float32', 1);
      const code = encoder.predict(x) as tf.Tensor;
      const viaHalves = decoder.predict(code) as tf.Tensor;
      const whole = autoencoder.predict(x) as tf.Tensor;
      return [code.shape, viaHalves.shape, viaHalves.sub(whole).abs().max().dataSync()[0]];
    });
    expect(codeShape).toEqual([2, 4, 4, 8]);
    expect(decodedShape).toEqual([2, 28, 28, 1]);
    expect(same).toBe(0);
  });
});

describe('denseAutoencoder', () => {
  it('mirrors hidden layers and validates options', () => {
    const { autoencoder, encoder } = denseAutoencoder({ inputShape: [4, 4, 1], latentDim: 3, hiddenUnits: [8] });
    // 16·8+8 + 8·3+3 + 3·8+8 + 8·16+16
    expect(autoencoder.countParams()).toBe(136 + 27 + 32 + 144);
    expect(encoder.outputs[0]!.shape).toEqual([null, 3]);
    expect(() => denseAutoencoder({ latentDim: 0 })).toThrow(InvalidArgumentError);
  });
});

describe('addNoise', () => {
  it('adds seeded Gaussian noise of the given level, clipped to [0, 1] by default', () => {
    const x = tf.fill([1, 50, 50, 1], 0.5) as tf.Tensor4D;
    const [std, min, max, again, unclippedStd] = tf.tidy(() => {
      const a = addNoise(x, { noiseLevel: 0.1, seed: 3 });
      const b = addNoise(x, { noiseLevel: 0.1, seed: 3 });
      const u = addNoise(x, { noiseLevel: 2, seed: 4, clip: false });
      const m = tf.moments(a.sub(0.5));
      return [
        Math.sqrt(m.variance.dataSync()[0] as number),
        addNoise(x, { noiseLevel: 2, seed: 4 }).min().dataSync()[0],
        addNoise(x, { noiseLevel: 2, seed: 4 }).max().dataSync()[0],
        a.sub(b).abs().max().dataSync()[0],
        Math.sqrt(tf.moments(u).variance.dataSync()[0] as number),
      ];
    });
    expect(std).toBeGreaterThan(0.09);
    expect(std).toBeLessThan(0.11);
    expect(min).toBe(0);
    expect(max).toBe(1);
    expect(again).toBe(0);
    expect(unclippedStd).toBeGreaterThan(1.8);
    expect(() => addNoise(x, { noiseLevel: -1 })).toThrow(/noiseLevel/);
    x.dispose();
  });
});

describe('denoising autoencoder', () => {
  /** 8×8 images of one bright horizontal or vertical bar. */
  function bars(n: number, seed: number): tf.Tensor4D {
    const s = seedStream(seed);
    const data = new Float32Array(n * 64);
    for (let i = 0; i < n; i++) {
      const k = s.uniformInt(0, 8);
      const vertical = s.uniform() < 0.5;
      for (let j = 0; j < 8; j++) data[i * 64 + (vertical ? j * 8 + k : k * 8 + j)] = 1;
    }
    return tf.tensor4d(data, [n, 8, 8, 1]);
  }

  it('learns to reduce the error of noisy inputs, leaving no tensors behind', async () => {
    const clean = bars(256, 1);
    const noisy = addNoise(clean, { noiseLevel: 0.3, seed: 2 }) as tf.Tensor4D;
    const { autoencoder } = denseAutoencoder({ inputShape: [8, 8, 1], latentDim: 16, seed: 3 });
    const history = await expectNoLeak(() => trainAutoencoder(autoencoder, noisy, clean, { epochs: 40, batchSize: 32, learningRate: 1e-2, seed: 4 }));
    expect(history.history.loss).toHaveLength(40);
    const testClean = bars(64, 9);
    const testNoisy = addNoise(testClean, { noiseLevel: 0.3, seed: 10 }) as tf.Tensor4D;
    const noisyMse = tf.tidy(() => testNoisy.sub(testClean).square().mean().dataSync()[0] as number);
    const denoisedMse = tf.tidy(() => (autoencoder.predict(testNoisy) as tf.Tensor).sub(testClean).square().mean().dataSync()[0] as number);
    expect(denoisedMse).toBeLessThan(noisyMse / 2);
    tf.dispose([clean, noisy, testClean, testNoisy]);
  });
});

describe('reconstructionError', () => {
  it('is the per-pixel BCE / MSE of the reconstructions, computed by hand', () => {
    // A "model" that outputs a constant 0.25 for every pixel.
    const m = tf.sequential();
    m.add(tf.layers.dense({ inputShape: [2, 2, 1], units: 1, kernelInitializer: 'zeros', biasInitializer: tf.initializers.constant({ value: Math.log(0.25 / 0.75) }), activation: 'sigmoid' }));
    const x = tf.tensor4d([1, 0, 0.5, 1, 0, 0, 1, 1], [2, 2, 2, 1]);
    const bce = (y: number) => -(y * Math.log(0.25) + (1 - y) * Math.log(0.75));
    const expectedBce = [1, 0, 0.5, 1, 0, 0, 1, 1].map(bce).reduce((a, b) => a + b) / 8;
    const expectedMse = [1, 0, 0.5, 1, 0, 0, 1, 1].map((y) => (y - 0.25) ** 2).reduce((a, b) => a + b) / 8;
    expect(reconstructionError(m, x, { batchSize: 1 })).toBeCloseTo(expectedBce, 5);
    expect(reconstructionError(m, x, { loss: 'mse' })).toBeCloseTo(expectedMse, 6);
    expect(() => reconstructionError(m, x, { loss: 'l1' as 'mse' })).toThrow(/loss/);
    x.dispose();
  });
});
