import { tf, InvalidArgumentError } from '@deepcourse/backend';
import { seededInitializers } from './initializers.js';

/** An autoencoder and its two halves (they share weights with it). */
export interface Autoencoder {
  /** images → reconstructions, compiled-ready (not compiled). */
  autoencoder: tf.LayersModel;
  /** images → codes. */
  encoder: tf.LayersModel;
  /** codes → images. */
  decoder: tf.LayersModel;
}

export interface DenseAutoencoderOptions {
  /** Image shape (default [28, 28, 1]). */
  inputShape?: [number, number, number];
  /** Length of the code (default 32, as in Chollet's Keras tutorial). */
  latentDim?: number;
  /** Hidden layer widths of the encoder; the decoder mirrors them (default [] : one Dense each way). */
  hiddenUnits?: number[];
  seed?: number;
}

function checkShape(name: string, shape: unknown): [number, number, number] {
  if (!Array.isArray(shape) || shape.length !== 3 || shape.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new InvalidArgumentError(name, 'an image shape [H, W, C] of positive integers', shape);
  }
  return shape as [number, number, number];
}

/**
 * A dense autoencoder: Flatten → Dense(hidden…, relu) → Dense(latentDim, relu)
 * → Dense(…hidden reversed, relu) → Dense(H·W·C, sigmoid) → Reshape. Inputs and
 * outputs are images in [0, 1]; train with binary cross-entropy.
 */
export function denseAutoencoder(options: DenseAutoencoderOptions = {}): Autoencoder {
  const inputShape = checkShape('inputShape', options.inputShape ?? [28, 28, 1]);
  const latentDim = options.latentDim ?? 32;
  if (!Number.isInteger(latentDim) || latentDim < 1) throw new InvalidArgumentError('latentDim', 'a positive integer', options.latentDim);
  const hidden = options.hiddenUnits ?? [];
  if (!Array.isArray(hidden) || hidden.some((u) => !Number.isInteger(u) || u < 1)) throw new InvalidArgumentError('hiddenUnits', 'an array of positive integers', options.hiddenUnits);
  const init = seededInitializers(options.seed ?? 42);
  const pixels = inputShape[0] * inputShape[1] * inputShape[2];

  const encoderLayers: tf.layers.Layer[] = [tf.layers.flatten({ name: 'enc_flatten' })];
  hidden.forEach((units, i) => encoderLayers.push(tf.layers.dense({ units, activation: 'relu', kernelInitializer: init.glorotUniform(), name: `enc_dense${i + 1}` })));
  encoderLayers.push(tf.layers.dense({ units: latentDim, activation: 'relu', kernelInitializer: init.glorotUniform(), name: 'code' }));
  const decoderLayers: tf.layers.Layer[] = [];
  [...hidden].reverse().forEach((units, i) => decoderLayers.push(tf.layers.dense({ units, activation: 'relu', kernelInitializer: init.glorotUniform(), name: `dec_dense${i + 1}` })));
  decoderLayers.push(tf.layers.dense({ units: pixels, activation: 'sigmoid', kernelInitializer: init.glorotUniform(), name: 'dec_pixels' }));
  decoderLayers.push(tf.layers.reshape({ targetShape: inputShape, name: 'dec_reshape' }));
  return assemble(inputShape, encoderLayers, decoderLayers, 'dense_autoencoder');
}

export interface ConvAutoencoderOptions {
  seed?: number;
}

/**
 * The course's convolutional autoencoder for 28×28×1 images, 4,385 parameters:
 * encoder Conv(16, 3, same, relu) → MaxPool(2, same) → Conv(8, 3, same, relu) →
 * MaxPool(2, same) → Conv(8, 3, stride 2, same, relu) (code 4×4×8);
 * decoder Conv(8, 3, same, relu) → UpSampling → Conv(8, 3, same, relu) →
 * UpSampling → Conv(16, 3, valid, relu) → UpSampling → Conv(1, 3, same, sigmoid).
 * The course trains it with Adam and binary cross-entropy, 50 epochs of batch 128.
 */
export function convAutoencoder(options: ConvAutoencoderOptions = {}): Autoencoder {
  const init = seededInitializers(options.seed ?? 42);
  const conv = (filters: number, name: string, extra: { strides?: number; padding?: 'same' | 'valid'; activation?: 'relu' | 'sigmoid' } = {}) =>
    tf.layers.conv2d({
      filters,
      kernelSize: 3,
      strides: extra.strides ?? 1,
      padding: extra.padding ?? 'same',
      activation: extra.activation ?? 'relu',
      kernelInitializer: init.glorotUniform(),
      name,
    });
  const encoderLayers = [
    conv(16, 'enc_conv1'),
    tf.layers.maxPooling2d({ poolSize: 2, padding: 'same', name: 'enc_pool1' }),
    conv(8, 'enc_conv2'),
    tf.layers.maxPooling2d({ poolSize: 2, padding: 'same', name: 'enc_pool2' }),
    conv(8, 'code', { strides: 2 }),
  ];
  const decoderLayers = [
    conv(8, 'dec_conv1'),
    tf.layers.upSampling2d({ size: [2, 2], name: 'dec_up1' }),
    conv(8, 'dec_conv2'),
    tf.layers.upSampling2d({ size: [2, 2], name: 'dec_up2' }),
    conv(16, 'dec_conv3', { padding: 'valid' }),
    tf.layers.upSampling2d({ size: [2, 2], name: 'dec_up3' }),
    conv(1, 'dec_pixels', { activation: 'sigmoid' }),
  ];
  return assemble([28, 28, 1], encoderLayers, decoderLayers, 'conv_autoencoder');
}

/** Wires layer lists into autoencoder, encoder and decoder models that share the layers. */
function assemble(inputShape: number[], encoderLayers: tf.layers.Layer[], decoderLayers: tf.layers.Layer[], name: string): Autoencoder {
  const input = tf.input({ shape: inputShape, name: 'image' });
  let code = input;
  for (const layer of encoderLayers) code = layer.apply(code) as tf.SymbolicTensor;
  let output = code;
  for (const layer of decoderLayers) output = layer.apply(output) as tf.SymbolicTensor;
  const codeInput = tf.input({ shape: code.shape.slice(1) as number[], name: 'code_input' });
  let decoded = codeInput;
  for (const layer of decoderLayers) decoded = layer.apply(decoded) as tf.SymbolicTensor;
  return {
    autoencoder: tf.model({ inputs: input, outputs: output, name }),
    encoder: tf.model({ inputs: input, outputs: code, name: `${name}_encoder` }),
    decoder: tf.model({ inputs: codeInput, outputs: decoded, name: `${name}_decoder` }),
  };
}
