import { tf, seedStream, type SeedStream } from '@deepcourse/backend';

export interface VaeSamplingArgs {
  /** Seed of the ε draws (default 42); each call draws fresh noise from the stream. */
  seed?: number;
  /** Sample also when not training (default false: returns the mean, so inference is deterministic). */
  sampleAtInference?: boolean;
  name?: string;
}

/**
 * The reparameterisation trick of Kingma & Welling: inputs `[zMean, zLogVar]`,
 * output z = zMean + exp(zLogVar / 2) · ε with ε ~ N(0, I) drawn from a seeded
 * stream. Registered for serialisation as `VaeSampling`, so a saved VAE loads
 * back with `loadModel` once this module is imported.
 */
export class VaeSampling extends tf.layers.Layer {
  static readonly className = 'VaeSampling';
  readonly seed: number;
  readonly sampleAtInference: boolean;
  private stream: SeedStream;

  constructor(args: VaeSamplingArgs = {}) {
    super(args.name ? { name: args.name } : {});
    this.seed = args.seed ?? 42;
    this.sampleAtInference = args.sampleAtInference ?? false;
    this.stream = seedStream(this.seed);
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return (inputShape as tf.Shape[])[0] as tf.Shape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    return tf.tidy(() => {
      const [mean, logVar] = inputs as [tf.Tensor, tf.Tensor];
      if (!(kwargs.training || this.sampleAtInference)) return mean.clone();
      const epsilon = tf.randomNormal(mean.shape, 0, 1, 'float32', this.stream.next());
      return mean.add(logVar.mul(0.5).exp().mul(epsilon));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), seed: this.seed, sampleAtInference: this.sampleAtInference };
  }
}

tf.serialization.registerClass(VaeSampling);
