import { tf, seedStream, ShapeError, InvalidArgumentError, type SeedStream } from '@deepcourse/backend';
import { checkPositiveInteger, glorotUniform, resolveLayerSeed, type BaseLayerArgs, type LayerKwargs, type LayerWeight } from './layer-support.js';
import { denseLastAxis, maskAsFloat, onlyTensor, sequenceMask } from './tensor-ops.js';

function checkSequence(shape: readonly (number | null)[], layer: string): number {
  const features = shape[2];
  if (shape.length !== 3 || features == null) {
    throw new ShapeError(`${layer} input`, '[batch, time, features] with known features', `[${shape.join(', ')}]`);
  }
  return features;
}

function firstShape(inputShape: tf.Shape | tf.Shape[]): (number | null)[] {
  return (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as (number | null)[];
}

/**
 * Mean over time of the non-padded steps: input [batch, time, features] with an optional padding
 * mask, output [batch, features]. (tfjs's `globalAveragePooling1d` ignores masks and averages padding in.)
 */
export class MaskedGlobalAveragePooling1D extends tf.layers.Layer {
  static className = 'DeepcourseMaskedGlobalAveragePooling1D';

  constructor(args: BaseLayerArgs = {}) {
    super(args);
    this.supportsMasking = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = firstShape(inputShape);
    return [shape[0] ?? null, checkSequence(shape, this.name)];
  }

  override computeMask(): tf.Tensor {
    return null as unknown as tf.Tensor; // time is pooled away
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: LayerKwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = onlyTensor(inputs, this.name);
      checkSequence(x.shape, this.name);
      const mask = sequenceMask(kwargs['mask'], x);
      if (mask === undefined) return tf.mean(x, 1);
      const weights = tf.expandDims(maskAsFloat(mask), 2); // [B, T, 1]
      const total = tf.sum(tf.mul(x, weights), 1);
      // A sequence that is all padding averages to zeros rather than NaN.
      return tf.div(total, tf.maximum(tf.sum(weights, 1), 1));
    });
  }
}

export interface AttentionPooling1DArgs extends BaseLayerArgs {
  /** Size of the hidden scoring layer (default 64). */
  units?: number;
  /** Output `[pooled, weights]` with weights [batch, time] (default false). */
  returnAttentionWeights?: boolean;
  seed?: number;
}

/**
 * Additive attention pooling (Bahdanau-style, as in Yang et al. 2016 "Hierarchical Attention Networks"):
 * score_t = vᵀ tanh(W h_t + b), α = softmax over the unmasked steps, output Σ α_t h_t.
 * Input [batch, time, features] (e.g. an LSTM with `returnSequences: true`), output [batch, features].
 */
export class AttentionPooling1D extends tf.layers.Layer {
  static className = 'DeepcourseAttentionPooling1D';
  readonly units: number;
  readonly returnAttentionWeights: boolean;
  readonly seed: number;
  private kernel: LayerWeight | undefined;
  private bias: LayerWeight | undefined;
  private context: LayerWeight | undefined;

  constructor(args: AttentionPooling1DArgs = {}) {
    super(args);
    this.units = checkPositiveInteger(args.units ?? 64, 'units');
    this.returnAttentionWeights = args.returnAttentionWeights ?? false;
    this.seed = resolveLayerSeed(args.seed);
    this.supportsMasking = true;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const features = checkSequence(firstShape(inputShape), this.name);
    const seeds = seedStream(this.seed);
    this.kernel = this.addWeight('kernel', [features, this.units], 'float32', glorotUniform(seeds.next()));
    this.bias = this.addWeight('bias', [this.units], 'float32', tf.initializers.zeros());
    this.context = this.addWeight('context', [this.units, 1], 'float32', glorotUniform(seeds.next()));
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    const shape = firstShape(inputShape);
    const pooled = [shape[0] ?? null, checkSequence(shape, this.name)];
    return this.returnAttentionWeights ? [pooled, [shape[0] ?? null, shape[1] ?? null]] : pooled;
  }

  override computeMask(): tf.Tensor | tf.Tensor[] {
    return (this.returnAttentionWeights ? [null, null] : null) as unknown as tf.Tensor;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: LayerKwargs): tf.Tensor | tf.Tensor[] {
    return tf.tidy(() => {
      const x = onlyTensor(inputs, this.name);
      checkSequence(x.shape, this.name);
      if (this.kernel === undefined) this.build(x.shape);
      const hidden = tf.tanh(denseLastAxis(x, (this.kernel as LayerWeight).read(), (this.bias as LayerWeight).read()));
      let scores = tf.squeeze(denseLastAxis(hidden, (this.context as LayerWeight).read()), [2]); // [B, T]
      const mask = sequenceMask(kwargs['mask'], x);
      if (mask !== undefined) scores = tf.add(scores, tf.mul(tf.sub(1, maskAsFloat(mask)), -1e9));
      const weights = tf.softmax(scores, -1);
      const pooled = tf.sum(tf.mul(x, tf.expandDims(weights, 2)), 1);
      return this.returnAttentionWeights ? [pooled, weights] : pooled;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), units: this.units, returnAttentionWeights: this.returnAttentionWeights, seed: this.seed };
  }
}

export interface SeededDropoutArgs extends BaseLayerArgs {
  rate: number;
  seed?: number;
}

/**
 * Dropout whose masks come from a seed stream: a new mask at every training step, and the same
 * sequence of masks for the same seed. (tfjs's `dropout({ seed })` reuses one mask at every step.)
 */
export class SeededDropout extends tf.layers.Layer {
  static className = 'DeepcourseSeededDropout';
  readonly rate: number;
  readonly seed: number;
  private readonly stream: SeedStream;

  constructor(args: SeededDropoutArgs) {
    super(args);
    if (typeof args.rate !== 'number' || !(args.rate >= 0 && args.rate < 1)) {
      throw new InvalidArgumentError('rate', 'a number in [0, 1)', args.rate);
    }
    this.rate = args.rate;
    this.seed = resolveLayerSeed(args.seed);
    this.stream = seedStream(this.seed);
    this.supportsMasking = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: LayerKwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = onlyTensor(inputs, this.name);
      if (kwargs['training'] !== true || this.rate === 0) return tf.clone(x);
      return tf.dropout(x, this.rate, undefined, this.stream.next());
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate, seed: this.seed };
  }
}

tf.serialization.registerClass(MaskedGlobalAveragePooling1D);
tf.serialization.registerClass(AttentionPooling1D);
tf.serialization.registerClass(SeededDropout);
