import { seedStream, tf, type SeedStream } from '@deepcourse/backend';

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

  /** He normal (truncated, fan-in), the usual choice before ReLU in residual networks. */
  heNormal(): Initializer {
    return tf.initializers.heNormal({ seed: this.stream.next() });
  }
}
