import { tf } from '../tf.js';

/** An activation with its derivative written in terms of its output, which the fused backward pass keeps. */
export interface InvertibleActivation {
  apply(x: tf.Tensor): tf.Tensor;
  /** d activation / dx, from y = activation(x). */
  derivativeFromOutput(y: tf.Tensor): tf.Tensor;
}

const ACTIVATIONS: Record<string, InvertibleActivation> = {
  tanh: { apply: (x) => tf.tanh(x), derivativeFromOutput: (y) => tf.sub(1, tf.square(y)) },
  sigmoid: { apply: (x) => tf.sigmoid(x), derivativeFromOutput: (y) => tf.mul(y, tf.sub(1, y)) },
  // tfjs-layers' hardSigmoid: clip(0.2 x + 0.5, 0, 1).
  hardSigmoid: {
    apply: (x) => tf.clipByValue(tf.add(tf.mul(x, 0.2), 0.5), 0, 1),
    derivativeFromOutput: (y) => tf.mul(tf.logicalAnd(tf.greater(y, 0), tf.less(y, 1)).toFloat(), 0.2),
  },
  relu: { apply: (x) => tf.relu(x), derivativeFromOutput: (y) => tf.greater(y, 0).toFloat() },
  linear: { apply: (x) => x, derivativeFromOutput: (y) => tf.onesLike(y) },
};

/** The activation of a tfjs-layers Activation object, if the fused path supports it. */
export function invertibleActivation(activation: unknown): InvertibleActivation | undefined {
  const name = (activation as { constructor?: { className?: string } } | undefined)?.constructor?.className;
  return name === undefined ? undefined : ACTIVATIONS[name];
}
