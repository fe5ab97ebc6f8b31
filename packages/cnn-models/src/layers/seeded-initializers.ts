import { seedStream, tf, type SeedStream } from '@deepcourse/backend';

/** Standard deviation of a unit normal truncated at ±2 (Keras' correction constant). */
const TRUNCATED_NORMAL_STD = 0.87962566103423978;

/** A tfjs weight initialiser (the type tfjs does not export by name). */
export type Initializer = ReturnType<typeof tf.initializers.glorotUniform>;

/**
 * Hands out one seeded kernel initialiser per layer, so a builder called with
 * the same `seed` builds the same weights. Each layer gets its own seed drawn
 * from one stream (one seed for every layer would give equal kernels to
 * equal-shaped layers).
 */
export class LayerSeeds {
  private readonly stream: SeedStream;

  constructor(seed?: number) {
    this.stream = seedStream(seed);
  }

  /** A fresh seed for a layer that takes a seed rather than an initialiser. */
  nextSeed(): number {
    return this.stream.next();
  }

  /** Glorot (Xavier) uniform, the Keras default for Dense and Conv kernels. */
  glorotUniform(): Initializer {
    return tf.initializers.glorotUniform({ seed: this.stream.next() });
  }

  /**
   * Keras' `he_normal`, the usual choice before ReLU: a normal truncated at two
   * standard deviations whose spread after truncation is sqrt(2 / fan_in).
   * tfjs' `heNormal` truncates without Keras' 1/0.8796 correction, so its
   * kernels come out 12% smaller than the Keras networks this package mirrors.
   */
  heNormal(): Initializer {
    return tf.initializers.varianceScaling({
      scale: 2 / TRUNCATED_NORMAL_STD ** 2,
      mode: 'fanIn',
      distribution: 'normal',
      seed: this.stream.next(),
    });
  }
}
