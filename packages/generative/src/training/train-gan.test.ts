import { beforeAll, describe, expect, it } from 'vitest';
import { tf, initBackend, seedStream, InvalidArgumentError, ShapeError } from '@deepcourse/backend';
import { conditionalDcgan, dcgan, type Gan } from '../models/dcgan.js';
import { GanTrainer, trainGan, type GanSamples } from './train-gan.js';
import { binaryCrossEntropyToConstant } from './losses.js';
import { expectNoLeak, maxAbsDifference, snapshot } from '../test-utils.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

const tiny = { latentDim: 4, imageSize: 8, generatorBaseFilters: 3, generatorConvFilters: 2, discriminatorFilters: [2, 2] as [number, number], kernelSize: 3, seed: 3 };

function realImages(n: number, seed: number): tf.Tensor4D {
  return tf.randomUniform([n, 8, 8, 1], -1, 1, 'float32', seed) as tf.Tensor4D;
}

describe('binaryCrossEntropyToConstant', () => {
  it('matches hand values, with Keras clipping', () => {
    const p = tf.tensor1d([0.9, 0.2]);
    expect(binaryCrossEntropyToConstant(p, 1).dataSync()[0]).toBeCloseTo(-(Math.log(0.9) + Math.log(0.2)) / 2, 5);
    expect(binaryCrossEntropyToConstant(p, 0.9).dataSync()[0]).toBeCloseTo(-(0.9 * Math.log(0.9) + 0.1 * Math.log(0.1) + 0.9 * Math.log(0.2) + 0.1 * Math.log(0.8)) / 2, 5);
    expect(binaryCrossEntropyToConstant(tf.tensor1d([0]), 1).dataSync()[0]).toBeCloseTo(-Math.log(1e-7), 3);
    p.dispose();
  });

  it('has the gradient of the unclipped loss: p − y through a sigmoid, even where Keras clips the value', () => {
    // Logits where the sigmoid is below ε = 1e-7 (or above 1 − ε): the clip's own gradient would be 0 there.
    // (Above a logit of about 17 the float32 sigmoid is exactly 1 and its own gradient 0, as in PyTorch.)
    const logits = tf.tensor1d([-30, -20, 0, 3, 15.5]);
    for (const y of [1, 0.9, 0]) {
      const grad = tf.grad((l: tf.Tensor) => binaryCrossEntropyToConstant(tf.sigmoid(l), y))(logits);
      const expected = logits.sigmoid().sub(y).div(5);
      expect(maxAbsDifference([grad.dataSync() as Float32Array], [expected.dataSync() as Float32Array])).toBeLessThan(1e-6);
      tf.dispose([grad, expected]);
    }
    // The generator's case: D(G(z)) ≈ 1e-13, target 1 → gradient −1 per element (mean over one).
    const g = tf.grad((l: tf.Tensor) => binaryCrossEntropyToConstant(tf.sigmoid(l), 1))(tf.tensor1d([-30]));
    expect(g.dataSync()[0]).toBeCloseTo(-1, 5);
    // A saturated probability of exactly 0 or 1 gives a finite gradient.
    const edge = tf.grad((q: tf.Tensor) => binaryCrossEntropyToConstant(q, 0.9))(tf.tensor1d([0, 1]));
    expect(Array.from(edge.dataSync()).every(Number.isFinite)).toBe(true);
    tf.dispose([logits, g, edge]);
  });
});

describe('GanTrainer', () => {
  it('changes only the discriminator in its step and only the generator in the other', () => {
    const gan = dcgan(tiny);
    const trainer = new GanTrainer(gan, { learningRate: 1e-2 });
    const real = realImages(6, 1);
    const z = tf.randomNormal([6, 4], 0, 1, 'float32', 2);
    const g0 = snapshot(gan.generator, 'trainable');
    const d0 = snapshot(gan.discriminator);
    const dLosses = trainer.discriminatorStep(real, z);
    const g1 = snapshot(gan.generator, 'trainable');
    const d1 = snapshot(gan.discriminator);
    expect(maxAbsDifference(g0, g1)).toBe(0);
    expect(maxAbsDifference(d0, d1)).toBeGreaterThan(1e-4);
    const gLoss = trainer.generatorStep(z);
    const g2 = snapshot(gan.generator, 'trainable');
    const d2 = snapshot(gan.discriminator);
    expect(maxAbsDifference(d1, d2)).toBe(0);
    expect(maxAbsDifference(g1, g2)).toBeGreaterThan(1e-4);
    for (const t of [dLosses.real, dLosses.fake, gLoss]) expect(Number.isFinite(t.dataSync()[0])).toBe(true);
    tf.dispose([dLosses.real, dLosses.fake, gLoss, real, z]);
    trainer.dispose();
  });

  it('uses the non-saturating generator loss −mean log D(G(z)) and the label-smoothed real target', () => {
    const gan = dcgan(tiny);
    const z = tf.randomNormal([5, 4], 0, 1, 'float32', 9);
    const real = realImages(5, 4);
    // The losses are computed before the update, so they can be checked against the networks' own outputs.
    // Dropout makes the discriminator stochastic in training mode, so compare with dropout off.
    const noDropout = dcgan({ ...tiny, dropout: 0 });
    const expected = tf.tidy(() => {
      const fake = noDropout.generator.apply(z, { training: true }) as tf.Tensor;
      const pFake = noDropout.discriminator.apply(fake, { training: true }) as tf.Tensor;
      const pReal = noDropout.discriminator.apply(real, { training: true }) as tf.Tensor;
      const g = pFake.log().neg().mean().dataSync()[0] as number;
      const r = pReal.log().mul(0.9).add(tf.scalar(1).sub(pReal).log().mul(0.1)).neg().mean().dataSync()[0] as number;
      return { g, r };
    });
    const trainer = new GanTrainer(noDropout, { labelSmoothing: 0.1 });
    const gLoss = trainer.generatorStep(z);
    expect(gLoss.dataSync()[0]).toBeCloseTo(expected.g, 5);
    const fresh = dcgan({ ...tiny, dropout: 0 });
    const trainer2 = new GanTrainer(fresh, { labelSmoothing: 0.1 });
    const d = trainer2.discriminatorStep(real, z);
    expect(d.real.dataSync()[0]).toBeCloseTo(expected.r, 5);
    tf.dispose([gLoss, d.real, d.fake, z, real]);
    trainer.dispose();
    trainer2.dispose();
    void gan;
  });
});

describe('trainGan', () => {
  it('runs seeded steps with finite losses, sample callbacks and no leaked tensors', async () => {
    const real = realImages(20, 5);
    const samples: { step: number; shape: number[] }[] = [];
    const run = async (gan: Gan) =>
      trainGan(gan, real, {
        steps: 4,
        batchSize: 4,
        seed: 1,
        sampleEvery: 3,
        sampleCount: 5,
        onSamples: (s: GanSamples) => {
          samples.push({ step: s.step, shape: s.images.shape });
        },
      });
    const gan = dcgan(tiny);
    const result = await expectNoLeak(() => run(gan));
    expect(result.history).toHaveLength(4);
    for (const l of result.history) {
      expect(Number.isFinite(l.discriminatorLoss) && Number.isFinite(l.generatorLoss)).toBe(true);
      expect(l.discriminatorLoss).toBeCloseTo((l.discriminatorRealLoss + l.discriminatorFakeLoss) / 2, 10);
    }
    expect(samples).toEqual([{ step: 2, shape: [5, 8, 8, 1] }, { step: 3, shape: [5, 8, 8, 1] }]);
    // Seeds of the networks (initialisers, dropout masks) and of the loop reproduce a run exactly.
    const a = await trainGan(dcgan(tiny), real, { steps: 3, batchSize: 4, seed: 1 });
    const b = await trainGan(dcgan(tiny), real, { steps: 3, batchSize: 4, seed: 1 });
    const c = await trainGan(dcgan(tiny), real, { steps: 3, batchSize: 4, seed: 2 });
    expect(a.history).toEqual(b.history);
    expect(a.history).not.toEqual(c.history);
    real.dispose();
  });

  it('trains a conditional GAN from class ids', async () => {
    const gan = conditionalDcgan({ ...tiny, numClasses: 3 });
    const real = realImages(9, 6);
    const labels = tf.tensor1d([0, 1, 2, 0, 1, 2, 0, 1, 2], 'int32');
    const result = await expectNoLeak(() => trainGan(gan, real, { steps: 2, batchSize: 3, labels }));
    expect(result.history.every((l) => Number.isFinite(l.generatorLoss))).toBe(true);
    await expect(trainGan(gan, real, { steps: 1 })).rejects.toThrow(/labels/);
    await expect(trainGan(gan, real, { steps: 1, labels: tf.tensor1d([0, 5, 1, 0, 0, 0, 0, 0, 0], 'int32') })).rejects.toThrow(InvalidArgumentError);
    tf.dispose([real, labels]);
  });

  it('ends with the averaged generator weights: 0.1 · initial + 0.9 · trained after one step', async () => {
    const real = realImages(8, 7);
    const plain = dcgan(tiny);
    const initial = snapshot(plain.generator, 'trainable');
    await trainGan(plain, real, { steps: 1, batchSize: 4, seed: 3 });
    const trained = snapshot(plain.generator, 'trainable');
    const averaged = dcgan(tiny);
    const grids: Float32Array[] = [];
    await expectNoLeak(() =>
      trainGan(averaged, real, {
        steps: 1,
        batchSize: 4,
        seed: 3,
        generatorAverageDecay: 0.999,
        sampleEvery: 1,
        onSamples: (s) => {
          grids.push(Float32Array.from(s.images.dataSync()));
        },
      }),
    );
    // First update: decay min(0.999, (1 + 0) / (10 + 0)) = 0.1.
    const expected = initial.map((w, i) => w.map((v, j) => 0.1 * v + 0.9 * (trained[i]?.[j] as number)));
    expect(maxAbsDifference(snapshot(averaged.generator, 'trainable'), expected)).toBeLessThan(1e-6);
    // The sample grid came from the averaged weights: trainGan's fixed noise is the first seed of its stream.
    const noise = tf.randomNormal([16, tiny.latentDim], 0, 1, 'float32', seedStream(3).next());
    const [fromAveraged, fromTrained] = [averaged, plain].map((g) => Float32Array.from((g.generator.predict(noise) as tf.Tensor).dataSync()));
    expect(grids).toHaveLength(1);
    expect(maxAbsDifference([grids[0] as Float32Array], [fromAveraged as Float32Array])).toBeLessThan(1e-6);
    expect(maxAbsDifference([grids[0] as Float32Array], [fromTrained as Float32Array])).toBeGreaterThan(1e-4);
    noise.dispose();
    await expect(trainGan(averaged, real, { steps: 1, generatorAverageDecay: 1 })).rejects.toThrow(/generatorAverageDecay/);
    real.dispose();
  });

  it('stops after the current step when its signal aborts, with a last sample grid', async () => {
    const real = realImages(8, 8);
    const controller = new AbortController();
    const sampled: number[] = [];
    const gan = dcgan(tiny);
    const result = await expectNoLeak(() =>
      trainGan(gan, real, {
        steps: 50,
        batchSize: 4,
        signal: controller.signal,
        sampleEvery: 10,
        onSamples: (s) => {
          sampled.push(s.step);
        },
        onStep: (l) => {
          if (l.step === 2) controller.abort();
        },
      }),
    );
    expect(result.steps).toBe(3);
    expect(result.history).toHaveLength(3);
    expect(sampled).toEqual([2]);
    real.dispose();
  });

  it('rejects images that do not fit the discriminator and bad options', async () => {
    const gan = dcgan(tiny);
    const wrong = tf.zeros([4, 28, 28, 1]) as tf.Tensor4D;
    await expect(trainGan(gan, wrong, { steps: 1 })).rejects.toThrow(ShapeError);
    const real = realImages(4, 1);
    await expect(trainGan(gan, real, { labelSmoothing: 0.7 })).rejects.toThrow(/labelSmoothing/);
    tf.dispose([wrong, real]);
  });
});
