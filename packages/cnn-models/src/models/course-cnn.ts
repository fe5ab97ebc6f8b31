import { tf } from '@deepcourse/backend';
import { LayerSeeds } from '../layers/seeded-initializers.js';
import { checkPositiveInteger, checkRate, checkShape, outputHead, type BuilderOptions } from './options.js';

export interface CourseCnnOptions extends BuilderOptions {
  /** Default [28, 28, 1] (MNIST). */
  inputShape?: number[];
  /** Filters of the two 3x3 convolutions (default 32 and 64). */
  filters?: [number, number];
  /** Units of the hidden dense layer (default 128). */
  denseUnits?: number;
  /** Dropout after the pooling and after the dense layer (default 0.25 and 0.5). */
  dropout?: [number, number];
  /** Default 10. */
  numClasses?: number;
}

/**
 * The course's MNIST CNN (the Keras mnist_cnn example): Conv 32 3x3 relu →
 * Conv 64 3x3 relu → MaxPool 2 → Dropout 0.25 → Flatten → Dense 128 relu →
 * Dropout 0.5 → Dense 10 softmax; 1,199,882 parameters on 28x28x1.
 */
export function courseCnn(options: CourseCnnOptions = {}): tf.Sequential {
  const inputShape = checkShape(options.inputShape ?? [28, 28, 1], 'inputShape', 3);
  const [f1, f2] = options.filters ?? [32, 64];
  checkPositiveInteger(f1, 'filters[0]');
  checkPositiveInteger(f2, 'filters[1]');
  const denseUnits = checkPositiveInteger(options.denseUnits ?? 128, 'denseUnits');
  const [d1, d2] = options.dropout ?? [0.25, 0.5];
  checkRate(d1, 'dropout[0]');
  checkRate(d2, 'dropout[1]');
  const head = outputHead(options.numClasses ?? 10);
  const seeds = new LayerSeeds(options.seed);
  return tf.sequential({
    ...(options.name ? { name: options.name } : {}),
    layers: [
      tf.layers.conv2d({ inputShape, filters: f1, kernelSize: 3, activation: 'relu', kernelInitializer: seeds.glorotUniform() }),
      tf.layers.conv2d({ filters: f2, kernelSize: 3, activation: 'relu', kernelInitializer: seeds.glorotUniform() }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.dropout({ rate: d1 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: denseUnits, activation: 'relu', kernelInitializer: seeds.glorotUniform() }),
      tf.layers.dropout({ rate: d2 }),
      tf.layers.dense({ units: head.units, activation: head.activation, kernelInitializer: seeds.glorotUniform() }),
    ],
  });
}
