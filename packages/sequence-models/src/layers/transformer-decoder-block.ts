import { tf, seedStream, ShapeError, InvalidArgumentError, type SeedStream } from '@deepcourse/backend';
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
import { checkPositiveInteger, checkRate, resolveLayerSeed, seededDropout, shapeList, type BaseLayerArgs, type LayerKwargs, type LayerShape } from './layer-support.js';
import { maskAsFloat } from './tensor-ops.js';

export interface TransformerDecoderBlockArgs extends BaseLayerArgs {
  numHeads: number;
  feedForwardDim: number;
  /** Size of each attention head (default: model size / numHeads). */
  keyDim?: number;
  /** Dropout after each sub-block (default 0.1). */
  dropout?: number;
  /** Dropout on the attention weights (default 0). */
  attentionDropout?: number;
  activation?: FeedForwardActivation;
  /** Pre-norm instead of post-norm (default false). */
  normFirst?: boolean;
  layerNormEpsilon?: number;
  seed?: number;
}

interface DecoderParts {
  sizes: AttentionSizes;
  selfAttention: AttentionWeights;
  norm1: LayerNormWeights;
  cross?: { attention: AttentionWeights; sizes: AttentionSizes; norm: LayerNormWeights };
  feedForward: FeedForwardWeights;
  norm3: LayerNormWeights;
}

/**
 * One Transformer decoder block: causal self-attention, then (given an encoder output) cross-attention
 * over the encoder sequence, then a feed-forward network, each with residual + layer norm.
 *
 * Inputs: `decoderSequence` [batch, targetTime, modelDim] alone (a decoder-only, GPT-style block), or
 * `[decoderSequence, encoderOutput]`. Padding masks: the decoder sequence's mask hides padded keys in
 * self-attention; the encoder output's mask hides padded encoder positions in cross-attention. tfjs's
 * `model.predict`/`fit` hand a layer only its first input's mask, so inside a LayersModel pass the encoder
 * padding mask explicitly as a third input `[decoderSequence, encoderOutput, encoderMask]` ([batch, sourceTime], 1 = real).
 */
export class TransformerDecoderBlock extends tf.layers.Layer {
  static className = 'DeepcourseTransformerDecoderBlock';
  readonly numHeads: number;
  readonly feedForwardDim: number;
  readonly keyDim: number | undefined;
  readonly dropout: number;
  readonly attentionDropout: number;
  readonly activation: FeedForwardActivation;
  readonly normFirst: boolean;
  readonly layerNormEpsilon: number;
  readonly seed: number;
  private parts: DecoderParts | undefined;
  private dropoutSeeds: SeedStream;

  constructor(args: TransformerDecoderBlockArgs) {
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
    const [decoder, encoder] = this.checkShapes(inputShape);
    const modelDim = decoder[2] as number;
    const keyDim = this.keyDim ?? Math.max(1, Math.floor(modelDim / this.numHeads));
    const sizes: AttentionSizes = { numHeads: this.numHeads, keyDim, valueDim: keyDim, outputDim: modelDim, useBias: true };
    const add = weightFactory((name, shape, dtype, init) => this.addWeight(name, shape, dtype, init));
    const seeds = seedStream(this.seed);
    const parts: DecoderParts = {
      sizes,
      selfAttention: createAttentionWeights(add, 'self_attention_', sizes, { query: modelDim, key: modelDim, value: modelDim }, seeds),
      norm1: createLayerNorm(add, 'norm1_', modelDim),
      feedForward: undefined as unknown as FeedForwardWeights,
      norm3: undefined as unknown as LayerNormWeights,
    };
    if (encoder !== undefined) {
      const encoderDim = encoder[2] as number;
      parts.cross = {
        sizes,
        attention: createAttentionWeights(add, 'cross_attention_', sizes, { query: modelDim, key: encoderDim, value: encoderDim }, seeds),
        norm: createLayerNorm(add, 'norm2_', modelDim),
      };
    }
    parts.feedForward = createFeedForward(add, 'ffn_', modelDim, this.feedForwardDim, seeds);
    parts.norm3 = createLayerNorm(add, 'norm3_', modelDim);
    this.parts = parts;
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return this.checkShapes(inputShape)[0];
  }

  override computeMask(_inputs: tf.Tensor | tf.Tensor[], mask?: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return ((Array.isArray(mask) ? mask[0] : mask) ?? null) as tf.Tensor;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: LayerKwargs): tf.Tensor {
    return tf.tidy(() => {
      const list = Array.isArray(inputs) ? inputs : [inputs];
      this.checkShapes(list.map((t) => t.shape));
      const x = list[0] as tf.Tensor;
      const encoder = list[1];
      if (this.parts === undefined) this.build(list.map((t) => t.shape));
      const p = this.parts as DecoderParts;
      if ((encoder === undefined) !== (p.cross === undefined)) {
        throw new InvalidArgumentError(`${this.name} inputs`, p.cross ? '[decoderSequence, encoderOutput]' : 'decoderSequence alone', `${list.length} inputs`);
      }
      const training = kwargs['training'] === true;
      const masks = kwargs['mask'] as tf.Tensor | (tf.Tensor | null)[] | undefined | null;
      const decoderMask = matchingMask(Array.isArray(masks) ? masks[0] : masks, x);
      const encoderMask =
        list[2] !== undefined ? maskAsFloat(list[2]) : encoder !== undefined && Array.isArray(masks) ? matchingMask(masks[1], encoder) : undefined;
      const drop = (t: tf.Tensor) => (training ? seededDropout(t, this.dropout, this.dropoutSeeds) : t);
      const common = { causal: false, dropout: this.attentionDropout, training, seeds: this.dropoutSeeds };
      const selfAttend = (t: tf.Tensor) =>
        multiHeadAttention(p.selfAttention, p.sizes, { query: t, key: t, value: t, ...(decoderMask ? { keyMask: decoderMask } : {}), ...common, causal: true }).output;
      const crossAttend = (t: tf.Tensor) => {
        const cross = p.cross as NonNullable<DecoderParts['cross']>;
        const enc = encoder as tf.Tensor;
        return multiHeadAttention(cross.attention, cross.sizes, { query: t, key: enc, value: enc, ...(encoderMask ? { keyMask: encoderMask } : {}), ...common }).output;
      };
      const eps = this.layerNormEpsilon;
      const ffn = (t: tf.Tensor) => applyFeedForward(t, p.feedForward, this.activation);
      if (this.normFirst) {
        let h = tf.add(x, drop(selfAttend(applyLayerNorm(x, p.norm1, eps))));
        if (p.cross) h = tf.add(h, drop(crossAttend(applyLayerNorm(h, p.cross.norm, eps))));
        return tf.add(h, drop(ffn(applyLayerNorm(h, p.norm3, eps))));
      }
      let h = applyLayerNorm(tf.add(x, drop(selfAttend(x))), p.norm1, eps);
      if (p.cross) h = applyLayerNorm(tf.add(h, drop(crossAttend(h))), p.cross.norm, eps);
      return applyLayerNorm(tf.add(h, drop(ffn(h))), p.norm3, eps);
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

  private checkShapes(inputShape: tf.Shape | tf.Shape[] | number[][]): [LayerShape, LayerShape | undefined] {
    const shapes = shapeList(inputShape as tf.Shape | tf.Shape[]);
    if (shapes.length < 1 || shapes.length > 3) {
      throw new InvalidArgumentError(`${this.name} inputs`, 'decoderSequence, [decoderSequence, encoderOutput] or [decoderSequence, encoderOutput, encoderMask]', `${shapes.length} inputs`);
    }
    const decoder = shapes[0] as LayerShape;
    const encoder = shapes[1];
    if (decoder.length !== 3 || decoder[2] == null) {
      throw new ShapeError(`${this.name} decoderSequence`, '[batch, time, modelDim] with known modelDim', `[${decoder.join(', ')}]`);
    }
    if (encoder !== undefined && (encoder.length !== 3 || encoder[2] == null)) {
      throw new ShapeError(`${this.name} encoderOutput`, '[batch, time, features] with known features', `[${encoder.join(', ')}]`);
    }
    const encoderMask = shapes[2];
    if (encoderMask !== undefined && (encoderMask.length !== 2 || (encoder?.[1] != null && encoderMask[1] != null && encoderMask[1] !== encoder[1]))) {
      throw new ShapeError(`${this.name} encoderMask`, `[batch, ${encoder?.[1] ?? 'sourceTime'}]`, `[${encoderMask.join(', ')}]`);
    }
    return [decoder, encoder];
  }
}

function matchingMask(mask: tf.Tensor | null | undefined, x: tf.Tensor): tf.Tensor | undefined {
  if (mask == null || mask.rank !== 2 || mask.shape[0] !== x.shape[0] || mask.shape[1] !== x.shape[1]) return undefined;
  return maskAsFloat(mask);
}

tf.serialization.registerClass(TransformerDecoderBlock);
