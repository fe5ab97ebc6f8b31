import { tf, seedStream, InvalidArgumentError, ShapeError, NonFiniteLossError } from '@deepcourse/backend';
import type { Gan } from '../models/dcgan.js';
import { binaryCrossEntropyToConstant } from './losses.js';
import { WeightAverage } from './weight-average.js';

/** Losses of one training step (both averaged over the batch). */
export interface GanStepLogs {
  /** Zero-based step. */
  step: number;
  /** Discriminator loss: the mean of its losses on the real and on the generated batch (the course's d_loss). */
  discriminatorLoss: number;
  /** Discriminator loss on the real batch alone. */
  discriminatorRealLoss: number;
  /** Discriminator loss on the generated batch alone. */
  discriminatorFakeLoss: number;
  /** Non-saturating generator loss, −mean log D(G(z)). */
  generatorLoss: number;
}

export interface GanSamples {
  step: number;
  /** Generated images `[sampleCount, H, W, C]` in [-1, 1]; disposed after the callback returns. */
  images: tf.Tensor4D;
  /** One-hot labels used for a conditional GAN's samples. */
  labels?: tf.Tensor2D;
}

export interface TrainGanOptions {
  /** Gradient steps (each: one discriminator update, then one generator update). Default 2000. */
  steps?: number;
  /** Real and generated images per step (default 32, as in the course). */
  batchSize?: number;
  /** Adam learning rate of both networks (default 2e-4, Radford et al.). */
  learningRate?: number;
  /** Adam β1 of both networks (default 0.5). */
  beta1?: number;
  /** Discriminator learning rate, when it should differ from `learningRate`. */
  discriminatorLearningRate?: number;
  /** One-sided label smoothing: real images get target 1 − s (default 0, e.g. 0.1). Fakes keep target 0. */
  labelSmoothing?: number;
  /** Seed of batch choice and noise (default 42). */
  seed?: number;
  /** Labels of `images` for a conditional GAN: class ids `[N]` (int32) or one-hot `[N, numClasses]`. */
  labels?: tf.Tensor1D | tf.Tensor2D;
  /** Called after every step with its losses. */
  onStep?: (logs: GanStepLogs) => void | Promise<void>;
  /** Every `sampleEvery` steps (and after the last), generate `sampleCount` images from fixed noise. 0 = never (default). */
  sampleEvery?: number;
  /** Number of images per sample call (default 16; conditional GANs cycle through the classes). */
  sampleCount?: number;
  onSamples?: (samples: GanSamples) => void | Promise<void>;
  /**
   * Decay of an exponential moving average of the generator's weights, e.g. 0.999 (default 0: off, as the
   * course). When on, sample grids come from the averaged weights and, when training ends, the generator
   * holds them: averaged generators give better samples than the last, oscillating iterate (Yazici et al. 2019).
   */
  generatorAverageDecay?: number;
  /** Stops training after the current step when aborted (e.g. `AbortSignal.timeout(ms)`); the result counts the steps done. */
  signal?: AbortSignal;
  /** Throw NonFiniteLossError when a loss becomes NaN or infinite (default true). */
  stopOnNonFinite?: boolean;
}

export interface GanTrainingResult {
  /** Losses of every step. */
  history: GanStepLogs[];
  /** Steps done (fewer than asked when `signal` stopped training). */
  steps: number;
  /** Wall time in seconds. */
  seconds: number;
}

function asVariables(model: tf.LayersModel): tf.Variable[] {
  return model.trainableWeights.map((w) => w.read() as tf.Variable);
}

/** One-hot `[N, numClasses]` float32 labels from ids or one-hot input. */
export function toOneHotLabels(labels: tf.Tensor1D | tf.Tensor2D, numClasses: number, argument = 'labels'): tf.Tensor2D {
  return tf.tidy(() => {
    if (labels.rank === 1) {
      const ids = labels.toInt();
      const values = ids.dataSync();
      for (let i = 0; i < values.length; i++) {
        const v = values[i] as number;
        if (!(v >= 0 && v < numClasses)) throw new InvalidArgumentError(argument, `class ids in [0, ${numClasses})`, `${v} at index ${i}`);
      }
      return tf.oneHot(ids as tf.Tensor1D, numClasses).toFloat() as tf.Tensor2D;
    }
    if (labels.rank !== 2 || labels.shape[1] !== numClasses) {
      throw new ShapeError(argument, `class ids [N] or one-hot [N, ${numClasses}]`, `shape [${labels.shape.join(', ')}]`);
    }
    return labels.toFloat() as tf.Tensor2D;
  });
}

/**
 * Trains a GAN with explicit gradient steps, as Goodfellow et al. (2014)
 * describe and the course's Keras loop does with a frozen-discriminator model:
 * each step draws a real batch and seeded noise, updates the discriminator
 * alone (Adam on its variables only) on real → 1 (or 1 − labelSmoothing) and
 * generated → 0, then updates the generator alone on the non-saturating loss
 * −log D(G(z)). Both networks run in training mode (BatchNorm batch statistics,
 * dropout on), so the generator's BatchNorm moving averages advance whenever it
 * runs; its weights change only in the generator update.
 *
 * `images` are `[N, H, W, C]` in [-1, 1] (the generator ends in tanh).
 */
export async function trainGan(gan: Gan, images: tf.Tensor4D, options: TrainGanOptions = {}): Promise<GanTrainingResult> {
  const steps = options.steps ?? 2000;
  if (!Number.isInteger(steps) || steps < 1) throw new InvalidArgumentError('steps', 'a positive integer', options.steps);
  const batchSize = options.batchSize ?? 32;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new InvalidArgumentError('batchSize', 'a positive integer', options.batchSize);
  const smoothing = options.labelSmoothing ?? 0;
  if (!(smoothing >= 0 && smoothing < 0.5)) throw new InvalidArgumentError('labelSmoothing', 'a value in [0, 0.5)', options.labelSmoothing);
  const learningRate = options.learningRate ?? 2e-4;
  if (!(learningRate > 0)) throw new InvalidArgumentError('learningRate', 'a positive number', options.learningRate);
  const dLearningRate = options.discriminatorLearningRate ?? learningRate;
  if (!(dLearningRate > 0)) throw new InvalidArgumentError('discriminatorLearningRate', 'a positive number', options.discriminatorLearningRate);
  const beta1 = options.beta1 ?? 0.5;
  if (!(beta1 >= 0 && beta1 < 1)) throw new InvalidArgumentError('beta1', 'a value in [0, 1)', options.beta1);
  const sampleEvery = options.sampleEvery ?? 0;
  if (!Number.isInteger(sampleEvery) || sampleEvery < 0) throw new InvalidArgumentError('sampleEvery', 'a non-negative integer', options.sampleEvery);
  const averageDecay = options.generatorAverageDecay ?? 0;
  if (!(averageDecay >= 0 && averageDecay < 1)) throw new InvalidArgumentError('generatorAverageDecay', 'a decay in [0, 1) (0: no averaging)', options.generatorAverageDecay);
  const sampleCount = options.sampleCount ?? 16;
  if (!Number.isInteger(sampleCount) || sampleCount < 1) throw new InvalidArgumentError('sampleCount', 'a positive integer', options.sampleCount);

  const imageShape = gan.discriminator.inputs[0]?.shape.slice(1) ?? [];
  if (images.rank !== 4 || images.shape.slice(1).some((d, i) => d !== imageShape[i])) {
    throw new ShapeError('images', `a batch [N, ${imageShape.join(', ')}] matching the discriminator`, `shape [${images.shape.join(', ')}]`);
  }
  const n = images.shape[0];
  if (n < 1) throw new ShapeError('images', 'at least one image', 'an empty batch');
  const conditional = gan.numClasses !== undefined;
  if (conditional && !options.labels) throw new InvalidArgumentError('labels', 'the labels of the images (this GAN is conditional)', undefined);
  if (!conditional && options.labels) throw new InvalidArgumentError('labels', 'no labels (this GAN is not conditional)', options.labels);
  if (options.labels && options.labels.shape[0] !== n) {
    throw new ShapeError('labels', `${n} labels, one per image`, `shape [${options.labels.shape.join(', ')}]`);
  }
  const numClasses = gan.numClasses ?? 0;
  const oneHot = conditional ? toOneHotLabels(options.labels as tf.Tensor1D | tf.Tensor2D, numClasses) : undefined;

  const stream = seedStream(options.seed ?? 42);
  const trainer = new GanTrainer(gan, { learningRate, discriminatorLearningRate: dLearningRate, beta1, labelSmoothing: smoothing });
  const stopOnNonFinite = options.stopOnNonFinite ?? true;
  const average = averageDecay > 0 ? new WeightAverage(gan.generator, averageDecay) : undefined;

  // Fixed noise (and labels) for the sample grids, so they show one run's progress.
  const fixedNoise = tf.randomNormal([sampleCount, gan.latentDim], 0, 1, 'float32', stream.next());
  const fixedLabels = conditional
    ? tf.tidy(() => tf.oneHot(tf.tensor1d(Array.from({ length: sampleCount }, (_, i) => i % numClasses), 'int32'), numClasses).toFloat() as tf.Tensor2D)
    : undefined;
  const generatorInputs = (z: tf.Tensor, labels: tf.Tensor | undefined): tf.Tensor | tf.Tensor[] => (labels ? [z, labels] : z);
  const history: GanStepLogs[] = [];
  const started = Date.now();
  try {
    for (let step = 0; step < steps && !options.signal?.aborted; step++) {
      const indices = Int32Array.from({ length: batchSize }, () => stream.uniformInt(0, n));
      const noiseSeedD = stream.next();
      const noiseSeedG = stream.next();
      const fakeLabelSeed = stream.next();

      const { dReal, dFake } = tf.tidy(() => {
        const idx = tf.tensor1d(indices, 'int32');
        const real = tf.gather(images, idx);
        const realLabels = oneHot ? tf.gather(oneHot, idx) : undefined;
        const z = tf.randomNormal([batchSize, gan.latentDim], 0, 1, 'float32', noiseSeedD);
        const losses = trainer.discriminatorStep(real, z, realLabels);
        return { dReal: losses.real, dFake: losses.fake };
      });
      const gLoss = tf.tidy(() => {
        const z = tf.randomNormal([batchSize, gan.latentDim], 0, 1, 'float32', noiseSeedG);
        // Labels for the generator's fakes are drawn uniformly (seeded), as in cGAN training.
        const labels = conditional
          ? tf.oneHot(tf.randomUniform([batchSize], 0, numClasses, 'int32', fakeLabelSeed) as tf.Tensor1D, numClasses).toFloat()
          : undefined;
        return trainer.generatorStep(z, labels);
      });
      average?.update();

      const [realValue, fakeValue, gValue] = await Promise.all([dReal.data(), dFake.data(), gLoss.data()]);
      dReal.dispose();
      dFake.dispose();
      gLoss.dispose();
      const logs: GanStepLogs = {
        step,
        discriminatorLoss: ((realValue[0] as number) + (fakeValue[0] as number)) / 2,
        discriminatorRealLoss: realValue[0] as number,
        discriminatorFakeLoss: fakeValue[0] as number,
        generatorLoss: gValue[0] as number,
      };
      if (stopOnNonFinite) {
        const bad = [logs.discriminatorLoss, logs.generatorLoss].find((v) => !Number.isFinite(v));
        if (bad !== undefined) throw new NonFiniteLossError(0, step, bad);
      }
      history.push(logs);
      await options.onStep?.(logs);

      if (options.onSamples && sampleEvery > 0 && ((step + 1) % sampleEvery === 0 || step === steps - 1 || options.signal?.aborted)) {
        const generate = () => tf.tidy(() => gan.generator.predict(generatorInputs(fixedNoise, fixedLabels)) as tf.Tensor4D);
        const samples = average ? average.withAverage(generate) : generate();
        try {
          await options.onSamples({ step, images: samples, ...(fixedLabels ? { labels: fixedLabels } : {}) });
        } finally {
          samples.dispose();
        }
      }
    }
    average?.copyInto();
  } finally {
    average?.dispose();
    fixedNoise.dispose();
    fixedLabels?.dispose();
    oneHot?.dispose();
    trainer.dispose();
  }
  return { history, steps: history.length, seconds: (Date.now() - started) / 1000 };
}

export interface GanTrainerOptions {
  learningRate?: number;
  discriminatorLearningRate?: number;
  beta1?: number;
  labelSmoothing?: number;
}

/**
 * The two gradient steps of GAN training, each restricted to one network's
 * variables (Adam's `varList`), for loops of your own; `trainGan` uses it.
 * Call `dispose()` to free the optimizers' slots.
 */
export class GanTrainer {
  readonly discriminatorOptimizer: tf.AdamOptimizer;
  readonly generatorOptimizer: tf.AdamOptimizer;
  private readonly realTarget: number;

  constructor(
    readonly gan: Gan,
    options: GanTrainerOptions = {},
  ) {
    const learningRate = options.learningRate ?? 2e-4;
    const beta1 = options.beta1 ?? 0.5;
    this.discriminatorOptimizer = tf.train.adam(options.discriminatorLearningRate ?? learningRate, beta1) as tf.AdamOptimizer;
    this.generatorOptimizer = tf.train.adam(learningRate, beta1) as tf.AdamOptimizer;
    this.realTarget = 1 - (options.labelSmoothing ?? 0);
  }

  /**
   * One discriminator update on a real batch and G(z): loss
   * ½[BCE(D(real), 1 − s) + BCE(D(G(z)), 0)]. Only the discriminator's
   * trainable variables change. Returns the two halves (caller disposes).
   */
  discriminatorStep(real: tf.Tensor, z: tf.Tensor, labels?: tf.Tensor): { real: tf.Scalar; fake: tf.Scalar } {
    const { generator, discriminator } = this.gan;
    let realLoss: tf.Scalar | undefined;
    let fakeLoss: tf.Scalar | undefined;
    tf.tidy(() => {
      // Fakes are made outside the discriminator's gradient: no gradient can reach the generator.
      const fake = generator.apply(labels ? [z, labels] : z, { training: true }) as tf.Tensor;
      const total = this.discriminatorOptimizer.minimize(
        () => {
          const pReal = discriminator.apply(labels ? [real, labels] : real, { training: true }) as tf.Tensor;
          const pFake = discriminator.apply(labels ? [fake, labels] : fake, { training: true }) as tf.Tensor;
          // Kept, because minimize() disposes everything but its result.
          realLoss = tf.keep(binaryCrossEntropyToConstant(pReal, this.realTarget));
          fakeLoss = tf.keep(binaryCrossEntropyToConstant(pFake, 0));
          return realLoss.add(fakeLoss).div(2) as tf.Scalar;
        },
        true,
        asVariables(discriminator),
      );
      total?.dispose();
    });
    return { real: realLoss as tf.Scalar, fake: fakeLoss as tf.Scalar };
  }

  /**
   * One generator update with the non-saturating loss −mean log D(G(z))
   * (Goodfellow et al. 2014, §3). Only the generator's trainable variables
   * change. Returns the loss (caller disposes).
   */
  generatorStep(z: tf.Tensor, labels?: tf.Tensor): tf.Scalar {
    const { generator, discriminator } = this.gan;
    return tf.tidy(
      () =>
        this.generatorOptimizer.minimize(
          () => {
            const fake = generator.apply(labels ? [z, labels] : z, { training: true }) as tf.Tensor;
            const p = discriminator.apply(labels ? [fake, labels] : fake, { training: true }) as tf.Tensor;
            return binaryCrossEntropyToConstant(p, 1);
          },
          true,
          asVariables(generator),
        ) as tf.Scalar,
    );
  }

  dispose(): void {
    this.discriminatorOptimizer.dispose();
    this.generatorOptimizer.dispose();
  }
}
