import { tf, InvalidArgumentError } from '@deepcourse/backend';
import { seededInitializers } from './initializers.js';
import { SeededDropout } from './seeded-dropout.js';

/** Sizes of the course DCGAN (defaults are the course's network for 28×28 MNIST). */
export interface DcganOptions {
  /** Length of the noise vector z (default 100). */
  latentDim?: number;
  /** Output image side (default 28); must be divisible by 4. */
  imageSize?: number;
  /** Image channels (default 1). */
  channels?: number;
  /** Channels of the generator's first feature map, 7×7 for 28×28 (default 128). */
  generatorBaseFilters?: number;
  /** Filters of the generator's middle convolution (default 64). */
  generatorConvFilters?: number;
  /** Filters of the discriminator's two strided convolutions (default [64, 128]). */
  discriminatorFilters?: [number, number];
  /** Convolution kernel size of both networks (default 5). */
  kernelSize?: number;
  /** Dropout rate of the discriminator (default 0.3). */
  dropout?: number;
  /** Slope of the LeakyReLUs (default 0.2). */
  leakyAlpha?: number;
  /** Seed of every initialiser of both networks (default 42). */
  seed?: number;
}

/** Conditioning of the class-conditioned variant. */
export interface ConditionalDcganOptions extends DcganOptions {
  /** Number of classes; labels are passed to both networks as one-hot vectors (default 10). */
  numClasses?: number;
}

export interface Gan {
  generator: tf.LayersModel;
  discriminator: tf.LayersModel;
  latentDim: number;
  /** Set for a conditional GAN: both networks take `[input, oneHotLabels]`. */
  numClasses?: number;
}

interface ResolvedDcgan {
  latentDim: number;
  imageSize: number;
  channels: number;
  generatorBaseFilters: number;
  generatorConvFilters: number;
  discriminatorFilters: [number, number];
  kernelSize: number;
  dropout: number;
  leakyAlpha: number;
  seed: number;
}

function positiveInteger(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw new InvalidArgumentError(name, 'a positive integer', value);
  return value;
}

function resolveDcgan(options: DcganOptions): ResolvedDcgan {
  const imageSize = positiveInteger('imageSize', options.imageSize ?? 28);
  if (imageSize % 4 !== 0) throw new InvalidArgumentError('imageSize', 'a multiple of 4 (two 2× upsamplings)', imageSize);
  const discriminatorFilters = options.discriminatorFilters ?? [64, 128];
  if (!Array.isArray(discriminatorFilters) || discriminatorFilters.length !== 2) {
    throw new InvalidArgumentError('discriminatorFilters', 'two positive integers', discriminatorFilters);
  }
  discriminatorFilters.forEach((f, i) => positiveInteger(`discriminatorFilters[${i}]`, f));
  const dropout = options.dropout ?? 0.3;
  if (!(dropout >= 0 && dropout < 1)) throw new InvalidArgumentError('dropout', 'a rate in [0, 1)', dropout);
  const leakyAlpha = options.leakyAlpha ?? 0.2;
  if (!(leakyAlpha >= 0 && leakyAlpha < 1)) throw new InvalidArgumentError('leakyAlpha', 'a slope in [0, 1)', leakyAlpha);
  const seed = options.seed ?? 42;
  if (!Number.isSafeInteger(seed)) throw new InvalidArgumentError('seed', 'a safe integer', seed);
  return {
    latentDim: positiveInteger('latentDim', options.latentDim ?? 100),
    imageSize,
    channels: positiveInteger('channels', options.channels ?? 1),
    generatorBaseFilters: positiveInteger('generatorBaseFilters', options.generatorBaseFilters ?? 128),
    generatorConvFilters: positiveInteger('generatorConvFilters', options.generatorConvFilters ?? 64),
    discriminatorFilters,
    kernelSize: positiveInteger('kernelSize', options.kernelSize ?? 5),
    dropout,
    leakyAlpha,
    seed,
  };
}

/**
 * The course generator applied to a symbolic input of length `inputDim`:
 * Dense(s·s·base, LeakyReLU) → BatchNorm → Reshape(s, s, base) → UpSampling →
 * Conv(convFilters, k, same) → BatchNorm → LeakyReLU → UpSampling →
 * Conv(channels, k, same, tanh), with s = imageSize / 4. Output in [-1, 1].
 */
function generatorBody(input: tf.SymbolicTensor, o: ResolvedDcgan, seed: number): tf.SymbolicTensor {
  const init = seededInitializers(seed);
  const s = o.imageSize / 4;
  let x = tf.layers
    .dense({ units: s * s * o.generatorBaseFilters, kernelInitializer: init.glorotUniform(), name: 'g_dense' })
    .apply(input) as tf.SymbolicTensor;
  x = tf.layers.leakyReLU({ alpha: o.leakyAlpha, name: 'g_dense_leaky' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.batchNormalization({ name: 'g_bn1' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.reshape({ targetShape: [s, s, o.generatorBaseFilters], name: 'g_reshape' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.upSampling2d({ size: [2, 2], name: 'g_up1' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers
    .conv2d({ filters: o.generatorConvFilters, kernelSize: o.kernelSize, padding: 'same', kernelInitializer: init.glorotUniform(), name: 'g_conv1' })
    .apply(x) as tf.SymbolicTensor;
  x = tf.layers.batchNormalization({ name: 'g_bn2' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.leakyReLU({ alpha: o.leakyAlpha, name: 'g_conv1_leaky' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.upSampling2d({ size: [2, 2], name: 'g_up2' }).apply(x) as tf.SymbolicTensor;
  return tf.layers
    .conv2d({ filters: o.channels, kernelSize: o.kernelSize, padding: 'same', activation: 'tanh', kernelInitializer: init.glorotUniform(), name: 'g_out' })
    .apply(x) as tf.SymbolicTensor;
}

/**
 * The course discriminator applied to an image input: Conv(f1, k, stride 2) →
 * LeakyReLU → Dropout → Conv(f2, k, stride 2) → LeakyReLU → Dropout → Flatten →
 * Dense(1, sigmoid): the probability that the image is real. Dropout is
 * `SeededDropout`, so training is reproduced by the seed.
 */
function discriminatorBody(input: tf.SymbolicTensor, o: ResolvedDcgan, seed: number): tf.SymbolicTensor {
  const init = seededInitializers(seed);
  let x = input;
  o.discriminatorFilters.forEach((filters, i) => {
    x = tf.layers
      .conv2d({ filters, kernelSize: o.kernelSize, strides: 2, padding: 'same', kernelInitializer: init.glorotUniform(), name: `d_conv${i + 1}` })
      .apply(x) as tf.SymbolicTensor;
    x = tf.layers.leakyReLU({ alpha: o.leakyAlpha, name: `d_conv${i + 1}_leaky` }).apply(x) as tf.SymbolicTensor;
    x = new SeededDropout({ rate: o.dropout, seed: init.stream.next(), name: `d_dropout${i + 1}` }).apply(x) as tf.SymbolicTensor;
  });
  x = tf.layers.flatten({ name: 'd_flatten' }).apply(x) as tf.SymbolicTensor;
  return tf.layers
    .dense({ units: 1, activation: 'sigmoid', kernelInitializer: init.glorotUniform(), name: 'd_out' })
    .apply(x) as tf.SymbolicTensor;
}

/** The course DCGAN generator: noise `[batch, latentDim]` → images `[batch, H, W, C]` in [-1, 1]. */
export function dcganGenerator(options: DcganOptions = {}): tf.LayersModel {
  const o = resolveDcgan(options);
  const z = tf.input({ shape: [o.latentDim], name: 'z' });
  return tf.model({ inputs: z, outputs: generatorBody(z, o, o.seed), name: 'dcgan_generator' });
}

/** The course DCGAN discriminator: images `[batch, H, W, C]` in [-1, 1] → P(real) `[batch, 1]`. */
export function dcganDiscriminator(options: DcganOptions = {}): tf.LayersModel {
  const o = resolveDcgan(options);
  const image = tf.input({ shape: [o.imageSize, o.imageSize, o.channels], name: 'image' });
  return tf.model({ inputs: image, outputs: discriminatorBody(image, o, o.seed + 1), name: 'dcgan_discriminator' });
}

/**
 * The course's DCGAN for MNIST: generator and discriminator, seeded. With the
 * defaults the generator has 865,281 parameters and the discriminator 212,865,
 * as in the course's Keras summary. Train it with `trainGan`.
 */
export function dcgan(options: DcganOptions = {}): Gan {
  const o = resolveDcgan(options);
  return { generator: dcganGenerator(o), discriminator: dcganDiscriminator(o), latentDim: o.latentDim };
}

/**
 * A class-conditioned DCGAN: the generator takes `[z, oneHotLabel]` (concatenated
 * before the course generator), the discriminator takes `[image, oneHotLabel]`
 * (the label is mapped by a Dense layer to one extra image channel, as in Mirza
 * & Osindero's cGAN). `sampleGrid` and `trainGan` pass the labels.
 */
export function conditionalDcgan(options: ConditionalDcganOptions = {}): Gan {
  const o = resolveDcgan(options);
  const numClasses = positiveInteger('numClasses', options.numClasses ?? 10);
  if (numClasses < 2) throw new InvalidArgumentError('numClasses', 'at least 2', numClasses);

  const z = tf.input({ shape: [o.latentDim], name: 'z' });
  const gLabel = tf.input({ shape: [numClasses], name: 'label' });
  const gInput = tf.layers.concatenate({ name: 'g_condition' }).apply([z, gLabel]) as tf.SymbolicTensor;
  const generator = tf.model({ inputs: [z, gLabel], outputs: generatorBody(gInput, o, o.seed), name: 'cdcgan_generator' });

  const image = tf.input({ shape: [o.imageSize, o.imageSize, o.channels], name: 'image' });
  const dLabel = tf.input({ shape: [numClasses], name: 'label' });
  const init = seededInitializers(o.seed + 2);
  let labelMap = tf.layers
    .dense({ units: o.imageSize * o.imageSize, kernelInitializer: init.glorotUniform(), name: 'd_label_map' })
    .apply(dLabel) as tf.SymbolicTensor;
  labelMap = tf.layers.reshape({ targetShape: [o.imageSize, o.imageSize, 1], name: 'd_label_reshape' }).apply(labelMap) as tf.SymbolicTensor;
  const dInput = tf.layers.concatenate({ name: 'd_condition' }).apply([image, labelMap]) as tf.SymbolicTensor;
  const discriminator = tf.model({ inputs: [image, dLabel], outputs: discriminatorBody(dInput, o, o.seed + 1), name: 'cdcgan_discriminator' });
  return { generator, discriminator, latentDim: o.latentDim, numClasses };
}
