import { tf } from '@deepcourse/backend';

/** The one tensor of a layer input that may arrive as a single-element list (tfjs passes lists in functional models). */
export function onlyTensor(inputs: tf.Tensor | tf.Tensor[], layer: string): tf.Tensor {
  if (!Array.isArray(inputs)) return inputs;
  if (inputs.length !== 1 || inputs[0] === undefined) {
    throw new Error(`${layer} expects one input tensor, got ${inputs.length}`);
  }
  return inputs[0];
}

/** `x · kernel + bias` over the last axis of a tensor of any rank (tfjs matMul wants rank 2). */
export function denseLastAxis(x: tf.Tensor, kernel: tf.Tensor, bias?: tf.Tensor): tf.Tensor {
  const inDim = x.shape[x.rank - 1] as number;
  const outDim = kernel.shape[1] as number;
  const flat = tf.matMul(tf.reshape(x, [-1, inDim]), kernel as tf.Tensor2D);
  const withBias = bias === undefined ? flat : tf.add(flat, bias);
  return tf.reshape(withBias, [...x.shape.slice(0, -1), outDim]);
}

/** Layer normalisation over the last axis: (x - mean) / sqrt(var + epsilon) * gamma + beta. */
export function layerNormLastAxis(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, epsilon: number): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  const normalised = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, epsilon)));
  return tf.add(tf.mul(normalised, gamma), beta);
}

/** A [B, T] padding mask as float32 (1 = real token, 0 = padding), from a bool/int/float mask tensor. */
export function maskAsFloat(mask: tf.Tensor): tf.Tensor {
  return mask.dtype === 'float32' ? mask : tf.cast(mask, 'float32');
}

/** Picks the mask tfjs passed for a single-input layer; ignores masks whose shape does not match [B, T]. */
export function sequenceMask(mask: tf.Tensor | tf.Tensor[] | null | undefined, x: tf.Tensor): tf.Tensor | undefined {
  const m = Array.isArray(mask) ? mask[0] : mask;
  if (m == null) return undefined;
  // tfjs's executor reuses one kwargs object across layers, so a mask from an earlier, differently shaped
  // part of the graph can arrive here; only a [batch, time] mask of this input's shape is ours.
  if (m.rank !== 2 || m.shape[0] !== x.shape[0] || m.shape[1] !== x.shape[1]) return undefined;
  return m;
}
