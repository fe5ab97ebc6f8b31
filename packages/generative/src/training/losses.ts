import { tf } from '@deepcourse/backend';

/** Keras's clipping for probabilities before a log (1e-7). */
export const PROBABILITY_EPSILON = 1e-7;

/**
 * Mean binary cross-entropy of probabilities `p` against a constant target `y`
 * (Keras semantics: p is clipped to [ε, 1 − ε] before the log).
 */
export function binaryCrossEntropyToConstant(p: tf.Tensor, y: number): tf.Scalar {
  return tf.tidy(() => {
    const clipped = p.clipByValue(PROBABILITY_EPSILON, 1 - PROBABILITY_EPSILON);
    const loss = clipped.log().mul(y).add(tf.scalar(1).sub(clipped).log().mul(1 - y)).neg();
    return loss.mean() as tf.Scalar;
  });
}

/** Per-element binary cross-entropy of probabilities against targets in [0, 1] (clipped like Keras). */
export function binaryCrossEntropy(targets: tf.Tensor, probabilities: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const p = probabilities.clipByValue(PROBABILITY_EPSILON, 1 - PROBABILITY_EPSILON);
    return targets.mul(p.log()).add(tf.scalar(1).sub(targets).mul(tf.scalar(1).sub(p).log())).neg();
  });
}
