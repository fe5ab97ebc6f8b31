import { tf } from '@deepcourse/backend';

/** Keras's clipping for probabilities before a log (1e-7). */
export const PROBABILITY_EPSILON = 1e-7;

/**
 * Mean binary cross-entropy of probabilities `p` against a constant target `y`.
 * The value follows Keras (p clipped to [ε, 1 − ε] before the log). The gradient
 * is that of the unclipped cross-entropy, (p − y) / (p(1 − p)) per element, so
 * through a sigmoid output it is p − y, as TensorFlow-Keras (which takes the
 * logits of a sigmoid output) and PyTorch give: with the gradient of the clip,
 * a generator would get no gradient at all from the samples the discriminator
 * rejects most confidently (D(G(z)) < ε), which is when it needs one most.
 */
export function binaryCrossEntropyToConstant(p: tf.Tensor, y: number): tf.Scalar {
  const loss = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const probabilities = args[0] as tf.Tensor;
    (args[1] as tf.GradSaveFunc)([probabilities]);
    const value = tf.tidy(() => {
      const clipped = probabilities.clipByValue(PROBABILITY_EPSILON, 1 - PROBABILITY_EPSILON);
      return clipped.log().mul(y).add(tf.scalar(1).sub(clipped).log().mul(1 - y)).neg().mean() as tf.Scalar;
    });
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        tf.tidy(() => {
          const q = saved[0] as tf.Tensor;
          // Floors only keep 0 · ∞ out where the probability is exactly 0 or 1 (a saturated sigmoid, whose own gradient is 0).
          const dq = tf.scalar(1 - y).div(tf.scalar(1).sub(q).maximum(GRADIENT_FLOOR)).sub(tf.scalar(y).div(q.maximum(GRADIENT_FLOOR)));
          return dq.mul(dy).div(q.size);
        }),
    };
  });
  return loss(p) as tf.Scalar;
}

/** Smallest probability (and 1 − probability) the cross-entropy gradient divides by. */
const GRADIENT_FLOOR = 1e-30;

/** Per-element binary cross-entropy of probabilities against targets in [0, 1] (clipped like Keras). */
export function binaryCrossEntropy(targets: tf.Tensor, probabilities: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const p = probabilities.clipByValue(PROBABILITY_EPSILON, 1 - PROBABILITY_EPSILON);
    return targets.mul(p.log()).add(tf.scalar(1).sub(targets).mul(tf.scalar(1).sub(p).log())).neg();
  });
}
