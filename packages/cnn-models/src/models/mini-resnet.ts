import { tf } from '@deepcourse/backend';
import { LayerSeeds } from '../layers/seeded-initializers.js';
import { checkIntegerList, checkNonNegative, checkPositiveInteger, checkRate, checkShape, outputHead, type BuilderOptions } from './options.js';

export interface MiniResnetOptions extends BuilderOptions {
  /** Default [28, 28, 1]. */
  inputShape?: number[];
  /** Filters of each stage (default [16, 32, 64]); every stage after the first halves the size. */
  stageFilters?: number[];
  /** Residual blocks per stage (default 2). */
  blocksPerStage?: number;
  /** Dropout between global average pooling and the output (default 0). */
  dropout?: number;
  /**
   * Weight decay as Keras' `l2(r)`: r·Σw² of every convolution and classifier kernel is added to the
   * training loss (default 0: none). Batch-norm parameters are not decayed. Keras' CIFAR ResNet uses 1e-4.
   */
  l2?: number;
  numClasses?: number;
}

/**
 * A small ResNet (He et al., 2016, the CIFAR variant) built with the
 * functional API: a 3x3 stem, stages of basic residual blocks
 * (Conv 3x3 → BN → ReLU → Conv 3x3 → BN, plus the shortcut, → ReLU; a
 * strided 1x1 Conv + BN projects the shortcut when the shape changes),
 * global average pooling and a softmax. Convolutions before batch norm
 * have no bias (BN's beta replaces it). Strided 3x3 convolutions pad one
 * pixel on every side, so they stay aligned with the strided shortcut.
 */
export function miniResnet(options: MiniResnetOptions = {}): tf.LayersModel {
  const inputShape = checkShape(options.inputShape ?? [28, 28, 1], 'inputShape', 3);
  const stageFilters = checkIntegerList(options.stageFilters ?? [16, 32, 64], 'stageFilters');
  const blocksPerStage = checkPositiveInteger(options.blocksPerStage ?? 2, 'blocksPerStage');
  const dropout = checkRate(options.dropout ?? 0, 'dropout');
  const l2 = checkNonNegative(options.l2 ?? 0, 'l2');
  const regularizer = () => (l2 > 0 ? { kernelRegularizer: tf.regularizers.l2({ l2 }) } : {});
  const head = outputHead(options.numClasses ?? 10);
  const seeds = new LayerSeeds(options.seed);

  // A strided 3x3 'same' convolution in TensorFlow pads only the bottom and right of an even-sized input, so
  // its outputs centre on odd pixels while the strided 1x1 shortcut samples even ones: the two branches of
  // the block are one pixel apart. Padding 1 on every side and convolving 'valid' centres both on the same
  // pixels, as in He et al. and in PyTorch's ResNets (and keras.applications' ZeroPadding2D + 'valid').
  const conv = (x: tf.SymbolicTensor, filters: number, kernelSize: number, strides: number, name: string) => {
    const centred = strides > 1 && kernelSize > 1;
    const input = centred ? (tf.layers.zeroPadding2d({ padding: (kernelSize - 1) / 2, name: `${name}_pad` }).apply(x) as tf.SymbolicTensor) : x;
    return tf.layers
      .conv2d({ filters, kernelSize, strides, padding: centred ? 'valid' : 'same', useBias: false, kernelInitializer: seeds.heNormal(), ...regularizer(), name })
      .apply(input) as tf.SymbolicTensor;
  };
  const bn = (x: tf.SymbolicTensor, name: string) => tf.layers.batchNormalization({ name }).apply(x) as tf.SymbolicTensor;
  const relu = (x: tf.SymbolicTensor, name: string) => tf.layers.activation({ activation: 'relu', name }).apply(x) as tf.SymbolicTensor;

  const input = tf.input({ shape: inputShape, name: 'image' });
  let x = relu(bn(conv(input, stageFilters[0] as number, 3, 1, 'stem_conv'), 'stem_bn'), 'stem_relu');
  let channels = stageFilters[0] as number;
  stageFilters.forEach((filters, s) => {
    for (let b = 0; b < blocksPerStage; b++) {
      const name = `stage${s + 1}_block${b + 1}`;
      const strides = s > 0 && b === 0 ? 2 : 1;
      let y = relu(bn(conv(x, filters, 3, strides, `${name}_conv1`), `${name}_bn1`), `${name}_relu1`);
      y = bn(conv(y, filters, 3, 1, `${name}_conv2`), `${name}_bn2`);
      const shortcut = strides !== 1 || channels !== filters ? bn(conv(x, filters, 1, strides, `${name}_proj`), `${name}_proj_bn`) : x;
      x = relu(tf.layers.add({ name: `${name}_add` }).apply([y, shortcut]) as tf.SymbolicTensor, `${name}_out`);
      channels = filters;
    }
  });
  x = tf.layers.globalAveragePooling2d({ name: 'global_avg_pool' }).apply(x) as tf.SymbolicTensor;
  if (dropout > 0) x = tf.layers.dropout({ rate: dropout, name: 'dropout' }).apply(x) as tf.SymbolicTensor;
  const output = tf.layers
    .dense({ units: head.units, activation: head.activation, kernelInitializer: seeds.glorotUniform(), ...regularizer(), name: 'classifier' })
    .apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: output, name: options.name ?? 'mini_resnet' });
}
