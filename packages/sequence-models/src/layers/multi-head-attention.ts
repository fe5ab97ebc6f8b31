import { tf, seedStream, ShapeError, InvalidArgumentError, type SeedStream } from '@deepcourse/backend';
import { createAttentionWeights, multiHeadAttention, type AttentionSizes, type AttentionWeights } from './attention-core.js';
import {
  checkPositiveInteger,
  checkRate,
  resolveLayerSeed,
  shapeList,
  type BaseLayerArgs,
  type LayerKwargs,
  type LayerShape,
  type LayerWeight,
} from './layer-support.js';
import { maskAsFloat } from './tensor-ops.js';

export interface MultiHeadAttentionArgs extends BaseLayerArgs {
  /** Number of attention heads. */
  numHeads: number;
  /** Size of each head's query and key projection. */
  keyDim: number;
  /** Size of each head's value projection (default `keyDim`). */
  valueDim?: number;
  /** Size of the output (default: the query's last dimension, so the layer can sit in a residual branch). */
  outputDim?: number;
  /** Dropout rate on the attention weights during training (default 0). */
  dropout?: number;
  /** Add biases to the projections (default true). */
  useBias?: boolean;
  /** Each query position attends only to key positions at or before it (default false). */
  causal?: boolean;
  /** Output `[output, attentionWeights]` instead of `output` (default false). */
  returnAttentionWeights?: boolean;
  /** Seed of the weight initialisers and the dropout masks. */
  seed?: number;
}

/**
 * Multi-head scaled dot-product attention (Vaswani et al. 2017), built from matMul and softmax.
 *
 * Inputs: one tensor `x` [batch, time, features] for self-attention, `[query, value]`, or
 * `[query, value, key]`. Padding masks arrive the tfjs way (from an `embedding`/`PositionalEmbedding`
 * with `maskZero`, through `kwargs.mask`): the mask of the key (or value, or for self-attention the
 * input) hides padded key positions. `kwargs.attentionMask` ([B, Tq, Tk] or [Tq, Tk], 1 = may attend)
 * adds an explicit mask when calling the layer directly. With `causal`, position i sees keys 0..i.
 *
 * Output: [batch, queryTime, outputDim]; with `returnAttentionWeights`, also [batch, heads, queryTime, keyTime].
 */
export class MultiHeadAttention extends tf.layers.Layer {
  static className = 'DeepcourseMultiHeadAttention';
  readonly numHeads: number;
  readonly keyDim: number;
  readonly valueDim: number;
  readonly outputDim: number | undefined;
  readonly dropout: number;
  readonly useBias: boolean;
  readonly causal: boolean;
  readonly returnAttentionWeights: boolean;
  readonly seed: number;
  private attentionWeights: AttentionWeights | undefined;
  private sizes: AttentionSizes | undefined;
  private dropoutSeeds: SeedStream;

  constructor(args: MultiHeadAttentionArgs) {
    super(args);
    this.numHeads = checkPositiveInteger(args.numHeads, 'numHeads');
    this.keyDim = checkPositiveInteger(args.keyDim, 'keyDim');
    this.valueDim = args.valueDim === undefined ? this.keyDim : checkPositiveInteger(args.valueDim, 'valueDim');
    this.outputDim = args.outputDim === undefined ? undefined : checkPositiveInteger(args.outputDim, 'outputDim');
    this.dropout = checkRate(args.dropout ?? 0, 'dropout');
    this.useBias = args.useBias ?? true;
    this.causal = args.causal ?? false;
    this.returnAttentionWeights = args.returnAttentionWeights ?? false;
    this.seed = resolveLayerSeed(args.seed);
    this.dropoutSeeds = seedStream(this.seed).fork();
    this.supportsMasking = true;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const [query, value, key] = this.checkShapes(inputShape);
    const queryDim = query[2] as number;
    this.sizes = {
      numHeads: this.numHeads,
      keyDim: this.keyDim,
      valueDim: this.valueDim,
      outputDim: this.outputDim ?? queryDim,
      useBias: this.useBias,
    };
    const seeds = seedStream(this.seed);
    this.attentionWeights = createAttentionWeights(
      (name, shape, init) => this.addWeight(name, shape, 'float32', init === 'zeros' ? tf.initializers.zeros() : init),
      '',
      this.sizes,
      { query: queryDim, key: key[2] as number, value: value[2] as number },
      seeds,
    );
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    const [query, value] = this.checkShapes(inputShape);
    const output = [query[0] ?? null, query[1] ?? null, this.outputDim ?? (query[2] as number)];
    if (!this.returnAttentionWeights) return output;
    return [output, [query[0] ?? null, this.numHeads, query[1] ?? null, value[1] ?? null]];
  }

  override computeMask(inputs: tf.Tensor | tf.Tensor[], mask?: tf.Tensor | tf.Tensor[]): tf.Tensor | tf.Tensor[] {
    // The output has the query's positions, so it carries the query's padding mask.
    const queryMask = (Array.isArray(mask) ? mask[0] : mask) ?? null;
    return (this.returnAttentionWeights ? [queryMask, null] : queryMask) as tf.Tensor | tf.Tensor[];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: LayerKwargs): tf.Tensor | tf.Tensor[] {
    return tf.tidy(() => {
      const list = Array.isArray(inputs) ? inputs : [inputs];
      const query = list[0] as tf.Tensor;
      const value = list[1] ?? query;
      const key = list[2] ?? value;
      checkRank3(query, 'query');
      checkRank3(value, 'value');
      checkRank3(key, 'key');
      if (this.attentionWeights === undefined || this.sizes === undefined) this.build(list.map((t) => t.shape));
      const keyMask = pickKeyMask(kwargs['mask'] as tf.Tensor | tf.Tensor[] | undefined, list.length, key);
      const attentionMask = kwargs['attentionMask'] as tf.Tensor | undefined;
      if (attentionMask !== undefined) checkAttentionMask(attentionMask, query, key);
      const { output, attention } = multiHeadAttention(this.attentionWeights as AttentionWeights, this.sizes as AttentionSizes, {
        query,
        key,
        value,
        ...(keyMask ? { keyMask } : {}),
        ...(attentionMask ? { attentionMask } : {}),
        causal: this.causal,
        dropout: this.dropout,
        training: kwargs['training'] === true,
        seeds: this.dropoutSeeds,
      });
      return this.returnAttentionWeights ? [output, attention] : output;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      numHeads: this.numHeads,
      keyDim: this.keyDim,
      valueDim: this.valueDim,
      ...(this.outputDim !== undefined ? { outputDim: this.outputDim } : {}),
      dropout: this.dropout,
      useBias: this.useBias,
      causal: this.causal,
      returnAttentionWeights: this.returnAttentionWeights,
      seed: this.seed,
    };
  }

  private checkShapes(inputShape: tf.Shape | tf.Shape[]): [LayerShape, LayerShape, LayerShape] {
    const shapes = shapeList(inputShape);
    if (shapes.length < 1 || shapes.length > 3) {
      throw new InvalidArgumentError(`${this.name} inputs`, 'x, [query, value] or [query, value, key]', `${shapes.length} inputs`);
    }
    const query = shapes[0] as LayerShape;
    const value = shapes[1] ?? query;
    const key = shapes[2] ?? value;
    for (const [shape, name] of [[query, 'query'], [value, 'value'], [key, 'key']] as const) {
      if (shape.length !== 3 || shape[2] == null) {
        throw new ShapeError(`${this.name} ${name}`, '[batch, time, features] with known features', `[${shape.join(', ')}]`);
      }
    }
    return [query, value, key];
  }
}

function checkRank3(x: tf.Tensor, name: string): void {
  if (x.rank !== 3) throw new ShapeError(name, 'a rank-3 tensor [batch, time, features]', `shape [${x.shape.join(', ')}]`);
}

function checkAttentionMask(mask: tf.Tensor, query: tf.Tensor, key: tf.Tensor): void {
  const tq = query.shape[1];
  const tk = key.shape[1];
  const ok =
    (mask.rank === 2 && mask.shape[0] === tq && mask.shape[1] === tk) ||
    (mask.rank === 3 && mask.shape[0] === query.shape[0] && mask.shape[1] === tq && mask.shape[2] === tk);
  if (!ok) throw new ShapeError('attentionMask', `[${tq}, ${tk}] or [${query.shape[0]}, ${tq}, ${tk}]`, `[${mask.shape.join(', ')}]`);
}

/**
 * The padding mask of the keys from what tfjs passes: a list [queryMask, valueMask, keyMask] when the layer
 * is called in a functional model, or a single tensor (the first input's mask). A single mask belongs to
 * the query, so it hides keys only in self-attention.
 */
function pickKeyMask(mask: tf.Tensor | tf.Tensor[] | undefined | null, numInputs: number, key: tf.Tensor): tf.Tensor | undefined {
  if (mask == null) return undefined;
  let candidate: tf.Tensor | undefined | null;
  if (Array.isArray(mask)) candidate = mask[Math.min(2, numInputs - 1)] ?? (numInputs >= 2 ? mask[1] : mask[0]);
  else candidate = numInputs === 1 ? mask : undefined;
  if (candidate == null) return undefined;
  if (candidate.rank !== 2 || candidate.shape[0] !== key.shape[0] || candidate.shape[1] !== key.shape[1]) return undefined;
  return maskAsFloat(candidate);
}

tf.serialization.registerClass(MultiHeadAttention);
