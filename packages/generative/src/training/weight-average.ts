import { tf, InvalidArgumentError } from '@deepcourse/backend';

/**
 * An exponential moving average of a model's trainable weights (Polyak
 * averaging). GAN generators sampled from averaged weights give clearly better
 * samples than the last iterate, which oscillates around the equilibrium
 * (Yazici et al. 2019, "The Unusual Effectiveness of Averaging in GAN
 * Training"; Karras et al. use it in ProGAN and StyleGAN).
 *
 * The decay after `t` updates is min(decay, (1 + t) / (10 + t)), as in
 * TensorFlow's `ExponentialMovingAverage` with `num_updates`: early updates
 * move the average quickly, so the random initial weights do not linger in it.
 * Non-trainable weights (BatchNorm's moving statistics) are not averaged.
 */
export class WeightAverage {
  private readonly averages: tf.Variable[];
  private readonly weights: tf.Variable[];
  private updates = 0;

  constructor(
    model: tf.LayersModel,
    readonly decay: number,
  ) {
    if (!(decay > 0 && decay < 1)) throw new InvalidArgumentError('decay', 'a moving-average decay in (0, 1), e.g. 0.999', decay);
    this.weights = model.trainableWeights.map((w) => w.read() as tf.Variable);
    this.averages = this.weights.map((w) => {
      const copy = w.clone();
      const average = tf.variable(copy, false); // holds its own reference to the copy's data
      copy.dispose();
      return average;
    });
  }

  /** Number of `update()` calls so far. */
  get count(): number {
    return this.updates;
  }

  /** Moves the average towards the model's current weights. */
  update(): void {
    const d = Math.min(this.decay, (1 + this.updates) / (10 + this.updates));
    tf.tidy(() => {
      this.weights.forEach((w, i) => {
        const a = this.averages[i] as tf.Variable;
        a.assign(a.mul(d).add(w.mul(1 - d)));
      });
    });
    this.updates++;
  }

  /** Runs `fn` with the averaged weights in the model, then puts the model's own weights back. */
  withAverage<T>(fn: () => T): T {
    const own = this.weights.map((w) => w.clone());
    try {
      this.copyInto();
      return fn();
    } finally {
      this.weights.forEach((w, i) => w.assign(own[i] as tf.Tensor));
      tf.dispose(own);
    }
  }

  /** Writes the averaged weights into the model for good. */
  copyInto(): void {
    this.weights.forEach((w, i) => w.assign(this.averages[i] as tf.Variable));
  }

  dispose(): void {
    tf.dispose(this.averages);
  }
}
