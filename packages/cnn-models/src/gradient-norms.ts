import { InvalidArgumentError, tf } from '@deepcourse/backend';
import { modelClassCount, readClassificationData, targetsFor, type ClassificationData } from './data.js';

export interface LayerGradientNorm {
  /** Layer name and its index in `model.layers`. */
  layer: string;
  index: number;
  /** L2 norm of the loss gradient with respect to the layer's kernel (its first weight). */
  kernelNorm: number;
  /** L2 norm with respect to all of the layer's trainable weights together. */
  norm: number;
}

/**
 * The size of the loss gradient reaching each layer with weights, first layer
 * first: the vanishing-gradient picture. A deep sigmoid MLP's first layers get
 * gradients orders of magnitude smaller than its last; with ReLU they do not.
 * Computed in inference mode (no dropout) with the classifier loss
 * (categorical or binary cross-entropy) on `data`.
 */
export function gradientNormsByLayer(model: tf.LayersModel, data: ClassificationData): LayerGradientNorm[];
/** The same with inputs `x` and class labels `y` given apart. */
export function gradientNormsByLayer(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor | ArrayLike<number>): LayerGradientNorm[];
export function gradientNormsByLayer(
  model: tf.LayersModel,
  dataOrX: ClassificationData | tf.Tensor,
  y?: tf.Tensor | ArrayLike<number>,
): LayerGradientNorm[] {
  const data: ClassificationData = dataOrX instanceof tf.Tensor ? { inputs: dataOrX, labels: y as tf.Tensor | ArrayLike<number> } : dataOrX;
  const { inputs, ids } = readClassificationData(data, 'data');
  const { classes, binary } = modelClassCount(model);
  const owners: { layer: tf.layers.Layer; index: number; variables: tf.Variable[] }[] = [];
  model.layers.forEach((layer, index) => {
    const variables = layer.trainableWeights.map((w) => (w as unknown as { read(): tf.Variable }).read());
    if (variables.length > 0) owners.push({ layer, index, variables });
  });
  if (owners.length === 0) throw new InvalidArgumentError('model', 'a model with trainable weights', model.name);
  return tf.tidy(() => {
    const targets = targetsFor(ids, classes, binary, 'data');
    const { grads } = tf.variableGrads(() => {
      const predictions = model.apply(inputs, { training: false }) as tf.Tensor;
      return (binary ? tf.metrics.binaryCrossentropy(targets, predictions) : tf.metrics.categoricalCrossentropy(targets, predictions)).mean() as tf.Scalar;
    }, owners.flatMap((o) => o.variables));
    return owners.map(({ layer, index, variables }) => {
      const squares = variables.map((v) => (grads[v.name] as tf.Tensor).square().sum().dataSync()[0] as number);
      return { layer: layer.name, index, kernelNorm: Math.sqrt(squares[0] as number), norm: Math.sqrt(squares.reduce((a, b) => a + b, 0)) };
    });
  });
}
