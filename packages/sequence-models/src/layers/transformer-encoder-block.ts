import { tf, seedStream, ShapeError, type SeedStream } from '@deepcourse/backend';
import { createAttentionWeights, multiHeadAttention, type AttentionSizes, type AttentionWeights } from './attention-core.js';
import {
  applyFeedForward,
  applyLayerNorm,
  checkActivation,
  createFeedForward,
  createLayerNorm,
  weightFactory,
  type FeedForwardActivation,
  type FeedForwardWeights,
  type LayerNormWeights,
} from './block-parts.js';
import { checkPositiveInteger, checkRate, resolveLayerSeed, seededDropout, type BaseLayerArgs, type LayerKwargs } from './layer-support.js';
import { onlyTensor, sequenceMask } from './tensor-ops.js';

export interface TransformerEncoderBlockArgs extends BaseLayerArgs {
  numHeads: number;
  /** Hidden size of the position-wise feed-forward network. */
  feedForwardDim: number;
  /** Size of each attention head (default: model size / numHeads). */
  keyDim?: number;
  /** Dropout after attention and after the feed-forward network (default 0.1). */
  dropout?: number;
  /** Dropout on the attention weights (default 0). */
  attentionDropout?: number;
  /** `'relu'` (default) or `'gelu'`. */
  activation?: FeedForwardActivation;
  /** Layer norm before each sub-block (pre-norm, as in GPT-2) instead of after the residual sum (default false). */
  normFirst?: boolean;
  layerNormEpsilon?: number;
  seed?: number;
}

/**
 * One Transformer encoder block: self-attention + residual + layer norm, then a position-wise
 * feed-forward network + residual + layer norm. Input and output [batch, time, modelDim]; a padding
 * mask from `PositionalEmbedding({ maskZero: true })` hides padded keys and passes through.
 */
export class TransformerEncoderBlock extends tf.layers.Layer {
  static className = 'DeepcourseTransformerEncoderBlock';
  readonly numHeads: number;
  readonly feedForwardDim: number;
  readonly keyDim: number | undefined;
  readonly dropout: number;
  readonly attentionDropout: number;
  readonly activation: FeedForwardActivation;
  readonly normFirst: boolean;
  readonly layerNormEpsilon: number;
  readonly seed: number;
  private parts: { attention: AttentionWeights; sizes: AttentionSizes; norm1: LayerNormWeights; norm2: LayerNormWeights; feedForward: FeedForwardWeights } | undefined;
  private dropoutSeeds: SeedStream;

  constructor(args: TransformerEncoderBlockArgs) {
    super(args);
    this.numHeads = checkPositiveInteger(args.numHeads, 'numHeads');
    this.feedForwardDim = checkPositiveInteger(args.feedForwardDim, 'feedForwardDim');
    this.keyDim = args.keyDim === undefined ? undefined : checkPositiveInteger(args.keyDim, 'keyDim');
    this.dropout = checkRate(args.dropout ?? 0.1, 'dropout');
    this.attentionDropout = checkRate(args.attentionDropout ?? 0, 'attentionDropout');
    this.activation = checkActivation(args.activation ?? 'relu');
    this.normFirst = args.normFirst ?? false;
    this.layerNormEpsilon = args.layerNormEpsilon ?? 1e-5;
    this.seed = resolveLayerSeed(args.seed);
    this.dropoutSeeds = seedStream(this.seed).fork();
    this.supportsMasking = true;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const modelDim = this.modelDim(inputShape);
    const keyDim = this.keyDim ?? Math.max(1, Math.floor(modelDim / this.numHeads));
    const sizes: AttentionSizes = { numHeads: this.numHeads, keyDim, valueDim: keyDim, outputDim: modelDim, useBias: true };
    const add = weightFactory((name, shape, dtype, init) => this.addWeight(name, shape, dtype, init));
    const seeds = seedStream(this.seed);
    this.parts = {
      sizes,
      attention: createAttentionWeights(add, 'attention_', sizes, { query: modelDim, key: modelDim, value: modelDim }, seeds),
      norm1: createLayerNorm(add, 'norm1_', modelDim),
      feedForward: createFeedForward(add, 'ffn_', modelDim, this.feedForwardDim, seeds),
      norm2: createLayerNorm(add, 'norm2_', modelDim),
    };
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    this.modelDim(inputShape);
    return (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
  }

  override computeMask(_inputs: tf.Tensor | tf.Tensor[], mask?: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return ((Array.isArray(mask) ? mask[0] : mask) ?? null) as tf.Tensor;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: LayerKwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = onlyTensor(inputs, this.name);
      this.modelDim(x.shape);
      if (this.parts === undefined) this.build(x.shape);
      const p = this.parts as NonNullable<typeof this.parts>;
      const training = kwargs['training'] === true;
      const keyMask = sequenceMask(kwargs['mask'], x);
      const drop = (t: tf.Tensor) => (training ? seededDropout(t, this.dropout, this.dropoutSeeds) : t);
      const attend = (t: tf.Tensor) =>
        multiHeadAttention(p.attention, p.sizes, {
          query: t,
          key: t,
          value: t,
          ...(keyMask ? { keyMask } : {}),
          causal: false,
          dropout: this.attentionDropout,
          training,
          seeds: this.dropoutSeeds,
        }).output;
      const eps = this.layerNormEpsilon;
      if (this.normFirst) {
        const h = tf.add(x, drop(attend(applyLayerNorm(x, p.norm1, eps))));
        return tf.add(h, drop(applyFeedForward(applyLayerNorm(h, p.norm2, eps), p.feedForward, this.activation)));
      }
      const h = applyLayerNorm(tf.add(x, drop(attend(x))), p.norm1, eps);
      return applyLayerNorm(tf.add(h, drop(applyFeedForward(h, p.feedForward, this.activation))), p.norm2, eps);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      numHeads: this.numHeads,
      feedForwardDim: this.feedForwardDim,
      ...(this.keyDim !== undefined ? { keyDim: this.keyDim } : {}),
      dropout: this.dropout,
      attentionDropout: this.attentionDropout,
      activation: this.activation,
      normFirst: this.normFirst,
      layerNormEpsilon: this.layerNormEpsilon,
      seed: this.seed,
    };
  }

  private modelDim(inputShape: tf.Shape | tf.Shape[] | readonly number[]): number {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as (number | null)[];
    const dim = shape[2];
    if (shape.length !== 3 || dim == null) {
      throw new ShapeError(`${this.name} input`, '[batch, time, modelDim] with known modelDim', `[${shape.join(', ')}]`);
    }
    return dim;
  }
}

tf.serialization.registerClass(TransformerEncoderBlock);
