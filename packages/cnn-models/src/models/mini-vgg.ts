import { tf } from '@deepcourse/backend';
import { LayerSeeds } from '../layers/seeded-initializers.js';
import { checkIntegerList, checkPositiveInteger, checkRate, checkShape, outputHead, type BuilderOptions } from './options.js';

export interface MiniVggOptions extends BuilderOptions {
  /** Default [28, 28, 1]. */
  inputShape?: number[];
  /** Filters of each block (default [32, 64]); each block halves the size. */
  blockFilters?: number[];
  /** 3x3 'same' convolutions per block (default 2). */
  convsPerBlock?: number;
  /** Batch normalisation after each convolution (default true). */
  batchNorm?: boolean;
  /** Dropout after each block (default 0.25). */
  blockDropout?: number;
  /** Units of the dense layer before the output (default 512). */
  denseUnits?: number;
  /** Dropout before the output (default 0.5). */
  dropout?: number;
  numClasses?: number;
}

/**
 * A small VGG-style network: blocks of [Conv 3x3 same → BatchNorm → ReLU] x 2 →
 * MaxPool 2 → Dropout, then Flatten → Dense 512 relu → Dropout 0.5 → softmax.
 * 1,677,034 parameters with the defaults on 28x28x1.
 */
export function miniVgg(options: MiniVggOptions = {}): tf.Sequential {
  const inputShape = checkShape(options.inputShape ?? [28, 28, 1], 'inputShape', 3);
  const blockFilters = checkIntegerList(options.blockFilters ?? [32, 64], 'blockFilters');
  const convsPerBlock = checkPositiveInteger(options.convsPerBlock ?? 2, 'convsPerBlock');
  const batchNorm = options.batchNorm ?? true;
  const blockDropout = checkRate(options.blockDropout ?? 0.25, 'blockDropout');
  const denseUnits = checkPositiveInteger(options.denseUnits ?? 512, 'denseUnits');
  const dropout = checkRate(options.dropout ?? 0.5, 'dropout');
  const head = outputHead(options.numClasses ?? 10);
  const seeds = new LayerSeeds(options.seed);
  const model = tf.sequential({ name: options.name ?? 'mini_vgg' });
  blockFilters.forEach((filters, b) => {
    for (let c = 0; c < convsPerBlock; c++) {
      model.add(
        tf.layers.conv2d({
          ...(b === 0 && c === 0 ? { inputShape } : {}),
          filters,
          kernelSize: 3,
          padding: 'same',
          activation: batchNorm ? 'linear' : 'relu',
          kernelInitializer: seeds.heNormal(),
        }),
      );
      if (batchNorm) {
        model.add(tf.layers.batchNormalization());
        model.add(tf.layers.activation({ activation: 'relu' }));
      }
    }
    model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
    if (blockDropout > 0) model.add(tf.layers.dropout({ rate: blockDropout }));
  });
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: denseUnits, activation: 'relu', kernelInitializer: seeds.heNormal() }));
  if (dropout > 0) model.add(tf.layers.dropout({ rate: dropout }));
  model.add(tf.layers.dense({ units: head.units, activation: head.activation, kernelInitializer: seeds.glorotUniform() }));
  return model;
}
