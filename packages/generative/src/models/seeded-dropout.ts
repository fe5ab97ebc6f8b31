import { tf, seedStream, InvalidArgumentError, type SeedStream } from '@deepcourse/backend';

export interface SeededDropoutArgs {
  rate: number;
  seed?: number;
  name?: string;
}

/**
 * Dropout whose masks come from a seed stream: a fresh mask at every training
 * call, the same sequence of masks for the same seed. (tfjs's own Dropout with
 * a `seed` reuses one mask for ever; without one it is not reproducible.)
 * Identity at inference. Registered for serialisation as `SeededDropout`.
 */
export class SeededDropout extends tf.layers.Layer {
  static readonly className = 'SeededDropout';
  readonly rate: number;
  readonly seed: number;
  private readonly stream: SeedStream;

  constructor(args: SeededDropoutArgs) {
    super(args.name ? { name: args.name } : {});
    if (!(args.rate >= 0 && args.rate < 1)) throw new InvalidArgumentError('rate', 'a dropout rate in [0, 1)', args.rate);
    this.rate = args.rate;
    this.seed = args.seed ?? 42;
    this.stream = seedStream(this.seed);
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    const x = Array.isArray(inputs) ? (inputs[0] as tf.Tensor) : inputs;
    if (!kwargs.training || this.rate === 0) return tf.tidy(() => x.clone());
    return tf.dropout(x, this.rate, undefined, this.stream.next());
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate, seed: this.seed };
  }
}

tf.serialization.registerClass(SeededDropout);
