import { InvalidArgumentError, ShapeError, tf } from '@deepcourse/backend';

export interface MaxoutArgs {
  /** Output units. */
  units: number;
  /** Linear pieces per unit, k (default 2). Each unit outputs the largest of its k affine functions. */
  pieces?: number;
  /** Add a bias to every piece (default true). */
  useBias?: boolean;
  /** Seed of the Glorot-uniform kernel initialiser; kept in the config so a rebuilt layer gets the same start. */
  kernelSeed?: number;
  name?: string;
  inputShape?: number[];
  trainable?: boolean;
}

/**
 * Maxout (Goodfellow et al., 2013): `y_j = max_i (x · W_ij + b_ij)` over k
 * linear pieces. A dense layer with `units * pieces` outputs whose pieces
 * are reduced by max; it learns a convex piecewise-linear activation (ReLU
 * and |x| are special cases with k = 2). Registered with tfjs serialisation,
 * so models holding it save and load by class name `Maxout`.
 */
export class Maxout extends tf.layers.Layer {
  static readonly className = 'Maxout';
  readonly units: number;
  readonly pieces: number;
  readonly useBias: boolean;
  readonly kernelSeed: number | undefined;
  private kernel: tf.LayerVariable | undefined;
  private bias: tf.LayerVariable | undefined;

  constructor(args: MaxoutArgs) {
    super(args);
    if (!Number.isInteger(args.units) || args.units < 1) throw new InvalidArgumentError('maxout units', 'a positive integer', args.units);
    const pieces = args.pieces ?? 2;
    if (!Number.isInteger(pieces) || pieces < 1) throw new InvalidArgumentError('maxout pieces', 'a positive integer', args.pieces);
    this.units = args.units;
    this.pieces = pieces;
    this.useBias = args.useBias ?? true;
    this.kernelSeed = args.kernelSeed;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const inputDim = shape[shape.length - 1];
    if (typeof inputDim !== 'number') throw new ShapeError('maxout input', 'a known last dimension', `shape [${shape.join(', ')}]`);
    const initializer = tf.initializers.glorotUniform(this.kernelSeed === undefined ? {} : { seed: this.kernelSeed });
    this.kernel = this.addWeight('kernel', [inputDim, this.units * this.pieces], 'float32', initializer);
    if (this.useBias) this.bias = this.addWeight('bias', [this.units * this.pieces], 'float32', tf.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return [...shape.slice(0, -1), this.units];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? (inputs[0] as tf.Tensor) : inputs;
      const lead = x.shape.slice(0, -1);
      const flat = x.reshape([-1, x.shape[x.shape.length - 1] as number]);
      let z = tf.matMul(flat, this.kernel!.read());
      if (this.bias) z = z.add(this.bias.read());
      // Columns are laid out unit-major: unit j owns columns j*k .. j*k+k-1.
      return z.reshape([-1, this.units, this.pieces]).max(-1).reshape([...lead, this.units]);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      units: this.units,
      pieces: this.pieces,
      useBias: this.useBias,
      ...(this.kernelSeed === undefined ? {} : { kernelSeed: this.kernelSeed }),
    };
  }
}

tf.serialization.registerClass(Maxout);

/** A maxout layer (see `Maxout`). */
export function maxout(args: MaxoutArgs): Maxout {
  return new Maxout(args);
}
