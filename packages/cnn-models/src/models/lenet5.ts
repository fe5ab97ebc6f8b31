import { InvalidArgumentError, tf } from '@deepcourse/backend';
import { LayerSeeds } from '../layers/seeded-initializers.js';
import { checkShape, outputHead, type BuilderOptions } from './options.js';

export interface Lenet5Options extends BuilderOptions {
  /** Default [28, 28, 1]; LeCun's original took 32x32 (use `padFirstConv: false` there). */
  inputShape?: number[];
  /** Activation of the hidden layers (default 'tanh', as in 1998). */
  activation?: 'tanh' | 'relu' | 'sigmoid';
  /** Subsampling: 'avg' (original) or 'max'. */
  pooling?: 'avg' | 'max';
  /** 'same' padding on C1 so 28x28 inputs reach C5 as 5x5, like 32x32 ones (default true). */
  padFirstConv?: boolean;
  numClasses?: number;
}

/**
 * LeNet-5 (LeCun et al., 1998): C1 Conv 6 5x5 → S2 pool → C3 Conv 16 5x5 →
 * S4 pool → Dense 120 → Dense 84 → Dense 10; 61,706 parameters on 28x28x1.
 */
export function lenet5(options: Lenet5Options = {}): tf.Sequential {
  const inputShape = checkShape(options.inputShape ?? [28, 28, 1], 'inputShape', 3);
  const activation = options.activation ?? 'tanh';
  if (!['tanh', 'relu', 'sigmoid'].includes(activation)) throw new InvalidArgumentError('activation', "'tanh', 'relu' or 'sigmoid'", activation);
  const pooling = options.pooling ?? 'avg';
  if (pooling !== 'avg' && pooling !== 'max') throw new InvalidArgumentError('pooling', "'avg' or 'max'", pooling);
  const head = outputHead(options.numClasses ?? 10);
  const seeds = new LayerSeeds(options.seed);
  const pool = () => (pooling === 'avg' ? tf.layers.averagePooling2d({ poolSize: 2 }) : tf.layers.maxPooling2d({ poolSize: 2 }));
  return tf.sequential({
    name: options.name ?? 'lenet5',
    layers: [
      tf.layers.conv2d({
        inputShape,
        filters: 6,
        kernelSize: 5,
        padding: options.padFirstConv === false ? 'valid' : 'same',
        activation,
        kernelInitializer: seeds.glorotUniform(),
      }),
      pool(),
      tf.layers.conv2d({ filters: 16, kernelSize: 5, activation, kernelInitializer: seeds.glorotUniform() }),
      pool(),
      tf.layers.flatten(),
      tf.layers.dense({ units: 120, activation, kernelInitializer: seeds.glorotUniform() }),
      tf.layers.dense({ units: 84, activation, kernelInitializer: seeds.glorotUniform() }),
      tf.layers.dense({ units: head.units, activation: head.activation, kernelInitializer: seeds.glorotUniform() }),
    ],
  });
}
