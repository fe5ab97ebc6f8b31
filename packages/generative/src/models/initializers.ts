import { tf, seedStream, type SeedStream } from '@deepcourse/backend';

/**
 * Seeded initialisers for one network: each call hands out a fresh seed, so
 * every kernel of the network differs but the whole network is reproduced by
 * the one seed it was built from.
 */
export interface SeededInitializers {
  glorotUniform(): tf.serialization.Serializable & ReturnType<typeof tf.initializers.glorotUniform>;
  /** N(0, 0.02), the DCGAN paper's initialisation. */
  normal(stddev?: number): ReturnType<typeof tf.initializers.randomNormal>;
  readonly stream: SeedStream;
}

export function seededInitializers(seed: number): SeededInitializers {
  const stream = seedStream(seed);
  return {
    stream,
    glorotUniform: () => tf.initializers.glorotUniform({ seed: stream.next() }),
    normal: (stddev = 0.02) => tf.initializers.randomNormal({ mean: 0, stddev, seed: stream.next() }),
  };
}
