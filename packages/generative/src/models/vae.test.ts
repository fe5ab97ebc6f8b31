import { beforeAll, describe, expect, it } from 'vitest';
import { tf, initBackend, seedStream } from '@deepcourse/backend';
import { vae } from './vae.js';
import { VaeSampling } from './vae-sampling.js';
import { gaussianKlDivergence, trainVae, vaeLossTerms } from '../training/train-vae.js';
import { negativeElbo } from '../metrics/reconstruction.js';
import { expectNoLeak } from '../test-utils.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe('gaussianKlDivergence', () => {
  it('matches the closed form ½Σ(σ² + μ² − 1 − log σ²)', () => {
    const mean = tf.tensor2d([[1, 2], [0, 0]]);
    const logVar = tf.tensor2d([[0, Math.log(4)], [0, 0]]);
    const kl = gaussianKlDivergence(mean, logVar).dataSync();
    expect(kl[0]).toBeCloseTo(0.5 * (1 + 1 - 1 - 0 + (4 + 4 - 1 - Math.log(4))), 5);
    expect(kl[1]).toBeCloseTo(0, 7);
    tf.dispose([mean, logVar]);
  });
});

describe('VaeSampling', () => {
  it('returns the mean at inference and mean + σ·ε with the right moments in training', () => {
    const layer = new VaeSampling({ seed: 5 });
    const mean = tf.fill([20000, 1], 2);
    const logVar = tf.fill([20000, 1], Math.log(9));
    const [inference, m, v] = tf.tidy(() => {
      const inf = layer.apply([mean, logVar]) as tf.Tensor;
      const z = layer.apply([mean, logVar], { training: true }) as tf.Tensor;
      const moments = tf.moments(z);
      return [inf.sub(mean).abs().max().dataSync()[0], moments.mean.dataSync()[0], moments.variance.dataSync()[0]];
    });
    expect(inference).toBe(0);
    expect(m).toBeCloseTo(2, 1);
    expect(v).toBeGreaterThan(8.6);
    expect(v).toBeLessThan(9.4);
    tf.dispose([mean, logVar]);
  });

  it('is registered for serialisation, so a VAE round-trips through model.json', async () => {
    const model = vae({ inputShape: [4, 4, 1], latentDim: 2, hiddenUnits: 8, seed: 1 });
    let artifacts: tf.io.ModelArtifacts | undefined;
    await model.vae.save(tf.io.withSaveHandler(async (a) => { artifacts = a; return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }; }));
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(artifacts!));
    expect(loaded.layers.some((l) => l.getClassName() === 'VaeSampling')).toBe(true);
    const diff = tf.tidy(() => {
      const x = tf.randomUniform([3, 4, 4, 1], 0, 1, 'float32', 2);
      return (loaded.predict(x) as tf.Tensor).sub(model.vae.predict(x) as tf.Tensor).abs().max().dataSync()[0];
    });
    expect(diff).toBeLessThan(1e-6);
  });
});

describe('vae training and −ELBO', () => {
  function blobs(n: number): tf.Tensor4D {
    const s = seedStream(3);
    const data = new Float32Array(n * 16);
    for (let i = 0; i < n; i++) {
      const c = s.uniformInt(0, 4);
      for (let p = 0; p < 16; p++) data[i * 16 + p] = (p % 4 === c ? 0.9 : 0.05);
    }
    return tf.tensor4d(data, [n, 4, 4, 1]);
  }

  it('lowers reconstruction + KL with its custom step and reports −ELBO = reconstruction + KL', async () => {
    const model = vae({ inputShape: [4, 4, 1], latentDim: 2, hiddenUnits: 16, seed: 2 });
    const x = blobs(128);
    const before = negativeElbo(model, x, { seed: 1 });
    const history = await expectNoLeak(() => trainVae(model, x, { epochs: 15, batchSize: 32, learningRate: 1e-2, seed: 4 }));
    expect(history).toHaveLength(15);
    expect(history.every((h) => Number.isFinite(h.loss) && h.kl >= 0)).toBe(true);
    const after = await expectNoLeak(() => negativeElbo(model, x, { seed: 1, samples: 2 }));
    expect(after.negativeElbo).toBeCloseTo(after.reconstruction + after.kl, 4);
    expect(after.negativeElbo).toBeLessThan(before.negativeElbo * 0.8);
    // With a seed the loss terms are reproducible.
    const [a, b] = [vaeLossTerms(model, x, 7), vaeLossTerms(model, x, 7)];
    expect(a.reconstruction.sub(b.reconstruction).abs().max().dataSync()[0]).toBe(0);
    tf.dispose([x, a.reconstruction, a.kl, b.reconstruction, b.kl]);
  });

  it('builds a conv VAE and rejects images of another shape', async () => {
    const model = vae({ architecture: 'conv', latentDim: 3, inputShape: [8, 8, 1] });
    const out = tf.tidy(() => (model.vae.predict(tf.zeros([2, 8, 8, 1])) as tf.Tensor).shape);
    expect(out).toEqual([2, 8, 8, 1]);
    const wrong = tf.zeros([2, 4, 4, 1]) as tf.Tensor4D;
    await expect(trainVae(model, wrong, { epochs: 1 })).rejects.toThrow(/images/);
    wrong.dispose();
  });
});
