import { tf, InvalidArgumentError } from '@deepcourse/backend';
import { seededInitializers } from './initializers.js';
import { VaeSampling } from './vae-sampling.js';

export interface VaeOptions {
  /** Image shape (default [28, 28, 1]); pixels in [0, 1]. */
  inputShape?: [number, number, number];
  /** Latent dimension (default 2: the course-style 2-D latent space that can be plotted). */
  latentDim?: number;
  /** 'dense' (default: 512-unit hidden layer, as in the Keras VAE example) or 'conv' (Conv 32, 64 stride 2). */
  architecture?: 'dense' | 'conv';
  /** Hidden width of the dense encoder/decoder (default 512). */
  hiddenUnits?: number;
  seed?: number;
}

export interface Vae {
  /** images → [zMean, zLogVar, z]. */
  encoder: tf.LayersModel;
  /** z → images in [0, 1] (Bernoulli means). */
  decoder: tf.LayersModel;
  /** images → reconstructions through a sampled z (the mean z when not training). */
  vae: tf.LayersModel;
  latentDim: number;
}

/**
 * A variational autoencoder (Kingma & Welling 2014) with a Bernoulli decoder
 * and a standard normal prior. Train it with `trainVae` (a custom step on
 * reconstruction + KL loss); `negativeElbo` measures it.
 */
export function vae(options: VaeOptions = {}): Vae {
  const inputShape = options.inputShape ?? [28, 28, 1];
  if (!Array.isArray(inputShape) || inputShape.length !== 3 || inputShape.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new InvalidArgumentError('inputShape', 'an image shape [H, W, C] of positive integers', options.inputShape);
  }
  const latentDim = options.latentDim ?? 2;
  if (!Number.isInteger(latentDim) || latentDim < 1) throw new InvalidArgumentError('latentDim', 'a positive integer', options.latentDim);
  const architecture = options.architecture ?? 'dense';
  if (architecture !== 'dense' && architecture !== 'conv') throw new InvalidArgumentError('architecture', "'dense' or 'conv'", options.architecture);
  const hiddenUnits = options.hiddenUnits ?? 512;
  if (!Number.isInteger(hiddenUnits) || hiddenUnits < 1) throw new InvalidArgumentError('hiddenUnits', 'a positive integer', options.hiddenUnits);
  const seed = options.seed ?? 42;
  const init = seededInitializers(seed);
  const [h, w, c] = inputShape;
  const convOk = h % 4 === 0 && w % 4 === 0;
  if (architecture === 'conv' && !convOk) throw new InvalidArgumentError('inputShape', 'sides divisible by 4 for the conv VAE', inputShape);

  const image = tf.input({ shape: inputShape, name: 'image' });
  let x: tf.SymbolicTensor = image;
  if (architecture === 'conv') {
    x = tf.layers.conv2d({ filters: 32, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', kernelInitializer: init.glorotUniform(), name: 'enc_conv1' }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.conv2d({ filters: 64, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', kernelInitializer: init.glorotUniform(), name: 'enc_conv2' }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.flatten({ name: 'enc_flatten' }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.dense({ units: 16, activation: 'relu', kernelInitializer: init.glorotUniform(), name: 'enc_dense' }).apply(x) as tf.SymbolicTensor;
  } else {
    x = tf.layers.flatten({ name: 'enc_flatten' }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.dense({ units: hiddenUnits, activation: 'relu', kernelInitializer: init.glorotUniform(), name: 'enc_dense' }).apply(x) as tf.SymbolicTensor;
  }
  const zMean = tf.layers.dense({ units: latentDim, kernelInitializer: init.glorotUniform(), name: 'z_mean' }).apply(x) as tf.SymbolicTensor;
  // Zero-initialised log-variance starts the posterior at unit variance.
  const zLogVar = tf.layers.dense({ units: latentDim, kernelInitializer: 'zeros', name: 'z_log_var' }).apply(x) as tf.SymbolicTensor;
  const z = new VaeSampling({ seed: init.stream.next(), name: 'z' }).apply([zMean, zLogVar]) as tf.SymbolicTensor;
  const encoder = tf.model({ inputs: image, outputs: [zMean, zLogVar, z], name: 'vae_encoder' });

  const latent = tf.input({ shape: [latentDim], name: 'z_input' });
  let y: tf.SymbolicTensor;
  if (architecture === 'conv') {
    y = tf.layers.dense({ units: (h / 4) * (w / 4) * 64, activation: 'relu', kernelInitializer: init.glorotUniform(), name: 'dec_dense' }).apply(latent) as tf.SymbolicTensor;
    y = tf.layers.reshape({ targetShape: [h / 4, w / 4, 64], name: 'dec_reshape' }).apply(y) as tf.SymbolicTensor;
    y = tf.layers.conv2dTranspose({ filters: 64, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', kernelInitializer: init.glorotUniform(), name: 'dec_deconv1' }).apply(y) as tf.SymbolicTensor;
    y = tf.layers.conv2dTranspose({ filters: 32, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', kernelInitializer: init.glorotUniform(), name: 'dec_deconv2' }).apply(y) as tf.SymbolicTensor;
    y = tf.layers.conv2d({ filters: c, kernelSize: 3, padding: 'same', activation: 'sigmoid', kernelInitializer: init.glorotUniform(), name: 'dec_pixels' }).apply(y) as tf.SymbolicTensor;
  } else {
    y = tf.layers.dense({ units: hiddenUnits, activation: 'relu', kernelInitializer: init.glorotUniform(), name: 'dec_dense' }).apply(latent) as tf.SymbolicTensor;
    y = tf.layers.dense({ units: h * w * c, activation: 'sigmoid', kernelInitializer: init.glorotUniform(), name: 'dec_pixels' }).apply(y) as tf.SymbolicTensor;
    y = tf.layers.reshape({ targetShape: inputShape, name: 'dec_reshape' }).apply(y) as tf.SymbolicTensor;
  }
  const decoder = tf.model({ inputs: latent, outputs: y, name: 'vae_decoder' });
  const reconstruction = decoder.apply(z) as tf.SymbolicTensor;
  const model = tf.model({ inputs: image, outputs: reconstruction, name: 'vae' });
  return { encoder, decoder, vae: model, latentDim };
}
