import { tf, historyToJSON, imageGrid, progressReporter } from '@deepcourse/backend';
import { mnistSample } from '@deepcourse/datasets/node';
import { convAutoencoder, dcgan, reconstructionError, reconstructionGrid, sampleGrid, trainAutoencoder, trainGan } from '@deepcourse/generative';
import { lineChart } from '../charts.js';
import type { Stage } from '../stage.js';

/** A convolutional autoencoder reconstructs digits; a (small, briefly trained) DCGAN starts to draw. */
export const generativeStage: Stage = {
  id: 'generative',
  title: 'Generative models: a conv autoencoder and a DCGAN',
  summary: "The course's 4,385-parameter convolutional autoencoder learns to reconstruct MNIST digits; a reduced-width DCGAN learns to draw digits, shown at checkpoints over its training.",
  async run({ options, seeds, image, chart, log }) {
    const metrics: Record<string, number | string> = {};
    const notes: string[] = [];
    const { train, test } = await mnistSample({ seed: seeds.next() });
    const nTrain = options.quick ? 2000 : 4000;
    const nTest = options.quick ? 200 : 1000;
    // The generative benchmark's recipe (Adam 2e-3, batch 32), which reaches a test BCE of 0.092 in 15 epochs of 8,000 digits.
    const epochs = options.quick ? 1 : 5;
    const aeBatch = 32;
    const aeRate = 2e-3;
    const trainImages = train.images.slice([0, 0, 0, 0], [nTrain, 28, 28, 1]) as tf.Tensor4D;
    const testImages = test.images.slice([0, 0, 0, 0], [nTest, 28, 28, 1]) as tf.Tensor4D;
    tf.dispose([train, test] as unknown as tf.Tensor[]);

    // Autoencoder.
    const { autoencoder } = convAutoencoder({ seed: seeds.next() });
    metrics['autoencoder parameters'] = autoencoder.countParams();
    const before = reconstructionError(autoencoder, testImages);
    log(`autoencoder: ${nTrain} digits, ${epochs} epoch(s)`);
    const batchLosses: number[] = [];
    const t0 = performance.now();
    const history = await trainAutoencoder(autoencoder, trainImages, trainImages, {
      epochs,
      batchSize: aeBatch,
      learningRate: aeRate,
      seed: seeds.next(),
      callbacks: [progressReporter({ label: 'autoencoder' }), new tf.CustomCallback({ onBatchEnd: async (_b, logs) => void batchLosses.push(logs?.loss ?? NaN) })],
    });
    metrics['autoencoder seconds'] = Number(((performance.now() - t0) / 1000).toFixed(1));
    const epochLoss = historyToJSON(history).metrics.loss ?? [];
    const after = reconstructionError(autoencoder, testImages);
    metrics['test BCE per pixel before training'] = Number(before.toFixed(4));
    metrics['test BCE per pixel'] = Number(after.toFixed(4));
    metrics['training BCE per epoch'] = epochLoss.map((l) => l.toFixed(4)).join(' → ');
    const diverged = batchLosses.some((l) => !Number.isFinite(l)) || (epochLoss.length > 1 && epochLoss[epochLoss.length - 1]! > epochLoss[0]! * 1.05);
    notes.push(
      `Autoencoder (Adam ${aeRate}, batch ${aeBatch}, ${epochs} epoch(s) on ${nTrain} digits): test BCE per pixel ${before.toFixed(3)} untrained → ${after.toFixed(3)}; ` +
        (diverged ? 'the training loss went up — the divergence another run reported — so read these numbers with care.' : 'the batch loss fell steadily, with no sign of divergence at this learning rate and length.'),
    );
    await chart('autoencoder-loss', lineChart({ 'batch BCE': batchLosses }, { x: 'batch', y: 'training BCE per pixel' }), 'Autoencoder training loss per batch');
    const originals = testImages.slice([0, 0, 0, 0], [10, 28, 28, 1]) as tf.Tensor4D;
    const reconstructed = autoencoder.predict(originals) as tf.Tensor4D;
    const grid = reconstructionGrid(originals, reconstructed);
    await image('reconstructions', grid, 'Autoencoder: originals and reconstructions', 'top row: 10 test digits; bottom row: what the 4,385-parameter conv autoencoder gives back');
    tf.dispose([originals, reconstructed, grid]);
    autoencoder.dispose();

    // DCGAN, reduced width.
    // About 0.2 s per step on 2 wasm cores: the default run can afford a few hundred, the course trains 2,000.
    const steps = options.quick ? 30 : 600;
    const snapshots: { step: number; images: tf.Tensor4D }[] = [];
    const gan = dcgan({ generatorBaseFilters: 32, generatorConvFilters: 16, discriminatorFilters: [16, 32], seed: seeds.next() });
    metrics['generator parameters'] = gan.generator.countParams();
    metrics['discriminator parameters'] = gan.discriminator.countParams();
    const real = tf.tidy(() => trainImages.mul(2).sub(1)) as tf.Tensor4D;
    const dLoss: number[] = [];
    const gLoss: number[] = [];
    const result = await trainGan(gan, real, {
      steps,
      batchSize: 32,
      seed: seeds.next(),
      labelSmoothing: 0.1,
      onStep: ({ discriminatorLoss, generatorLoss }) => {
        dLoss.push(discriminatorLoss);
        gLoss.push(generatorLoss);
      },
      // The same 8 noise vectors every time, so each row shows the same samples maturing.
      sampleEvery: steps / 6,
      sampleCount: 8,
      onSamples: ({ step, images }) => void snapshots.push({ step: step + 1, images: tf.tidy(() => images.add(1).div(2)) as tf.Tensor4D }),
    });
    const overTraining = tf.tidy(() => imageGrid(tf.concat(snapshots.map((s) => s.images)) as tf.Tensor4D, { columns: 8, padValue: 1 }));
    await image('dcgan-over-training', overTraining, 'DCGAN samples over training', `one row per checkpoint (after steps ${snapshots.map((s) => s.step).join(', ')}), the same 8 latent vectors in every row`);
    tf.dispose([overTraining, ...snapshots.map((s) => s.images)]);
    metrics['dcgan steps'] = result.steps;
    metrics['dcgan seconds'] = Number(result.seconds.toFixed(1));
    metrics['dcgan final discriminator loss'] = Number((dLoss[dLoss.length - 1] ?? NaN).toFixed(3));
    metrics['dcgan final generator loss'] = Number((gLoss[gLoss.length - 1] ?? NaN).toFixed(3));
    await chart('dcgan-loss', lineChart({ discriminator: dLoss, generator: gLoss }, { x: 'step', y: 'loss' }), 'DCGAN losses per step');
    const samples = sampleGrid(gan, { count: 16, seed: seeds.next(), columns: 8 });
    await image('dcgan-samples', samples, `DCGAN samples after ${result.steps} steps`, `16 samples from a reduced-width DCGAN after ${result.steps} steps of 32 images (the course trains 2,000 steps)`);
    notes.push(`The DCGAN (generator ${gan.generator.countParams().toLocaleString('en')} and discriminator ${gan.discriminator.countParams().toLocaleString('en')} parameters, a reduced width) ran ${result.steps} of the course's 2,000 steps${options.quick ? ': early samples, not yet digits' : ''}.`);
    samples.dispose();
    gan.generator.dispose();
    gan.discriminator.dispose();
    tf.dispose([real, trainImages, testImages]);
    return { metrics, figures: [], notes };
  },
};
