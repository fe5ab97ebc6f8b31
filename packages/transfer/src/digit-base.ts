import { InvalidArgumentError, seedStream, tf } from '@deepcourse/backend';

export interface DigitBaseCnnOptions {
  /** Default 5 (digits 0-4, the shipped base). */
  numClasses?: number;
  /** Seed of the kernel initialisers (default: the backend's global seed). */
  seed?: number;
  /** Default [28, 28, 1]. */
  inputShape?: readonly number[];
}

/**
 * The architecture of the shipped pretrained base (`loadDigitBase` in
 * '@deepcourse/transfer/node'): Conv 16 3x3 relu → MaxPool 2 → Conv 32 3x3
 * relu → MaxPool 2 → Conv 64 3x3 relu → Flatten (576 features) → Dense 64 relu
 * → Dropout 0.3 → Dense numClasses softmax; 60,549 parameters on 28x28x1. Built
 * untrained here, e.g. as the from-scratch baseline of the same architecture.
 */
export function digitBaseCnn(options: DigitBaseCnnOptions = {}): tf.Sequential {
  const numClasses = options.numClasses ?? 5;
  if (!Number.isInteger(numClasses) || numClasses < 2) throw new InvalidArgumentError('numClasses', 'an integer >= 2', numClasses);
  const inputShape = [...(options.inputShape ?? [28, 28, 1])];
  if (inputShape.length !== 3 || !inputShape.every((d) => Number.isInteger(d) && d > 0)) {
    throw new InvalidArgumentError('inputShape', '[height, width, channels] of positive integers', options.inputShape);
  }
  const seeds = seedStream(options.seed);
  const init = () => tf.initializers.glorotUniform({ seed: seeds.next() });
  return tf.sequential({
    name: 'digit_base',
    layers: [
      tf.layers.conv2d({ inputShape, filters: 16, kernelSize: 3, activation: 'relu', kernelInitializer: init(), name: 'conv1' }),
      tf.layers.maxPooling2d({ poolSize: 2, name: 'pool1' }),
      tf.layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu', kernelInitializer: init(), name: 'conv2' }),
      tf.layers.maxPooling2d({ poolSize: 2, name: 'pool2' }),
      tf.layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu', kernelInitializer: init(), name: 'conv3' }),
      tf.layers.flatten({ name: 'flatten' }),
      tf.layers.dense({ units: 64, activation: 'relu', kernelInitializer: init(), name: 'fc1' }),
      // No seed: a seeded tfjs Dropout repeats one mask at every step; trainClassifier seeds the masks.
      tf.layers.dropout({ rate: 0.3, name: 'fc1_dropout' }),
      tf.layers.dense({ units: numClasses, activation: 'softmax', kernelInitializer: init(), name: 'classifier' }),
    ],
  });
}
