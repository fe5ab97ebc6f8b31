import { tf, InvalidArgumentError, ShapeError } from '@deepcourse/backend';
import { checkPositiveInteger, resolveLayerSeed, type BaseLayerArgs, type LayerKwargs, type LayerWeight } from './layer-support.js';
import { onlyTensor } from './tensor-ops.js';
import { gatherRows } from './token-embedding.js';

export type PositionEncoding = 'learned' | 'sinusoidal';

export interface PositionalEmbeddingArgs extends BaseLayerArgs {
  /** Number of token ids (ids run from 0 to vocabSize - 1). */
  vocabSize: number;
  /** Longest sequence the layer accepts (the size of the position table). */
  sequenceLength: number;
  /** Size of each token vector. */
  embeddingDim: number;
  /** `'learned'` (a trained table, default) or `'sinusoidal'` (the fixed encoding of Vaswani et al.). */
  positionEncoding?: PositionEncoding;
  /** Token id 0 is padding: the layer outputs a mask that hides it from later layers (default false). */
  maskZero?: boolean;
  /** Multiply token vectors by sqrt(embeddingDim) before adding positions, as in the original Transformer (default false). */
  scaleEmbeddings?: boolean;
  seed?: number;
}

/**
 * The standard sinusoidal position encoding: row `p`, column `2i` holds sin(p / 10000^(2i/depth)),
 * column `2i+1` holds cos(p / 10000^(2i/depth)). Returns a [length, depth] tensor.
 */
export function sinusoidalPositionEncoding(length: number, depth: number): tf.Tensor2D {
  checkPositiveInteger(length, 'length');
  checkPositiveInteger(depth, 'depth');
  const values = new Float32Array(length * depth);
  for (let p = 0; p < length; p++) {
    for (let c = 0; c < depth; c++) {
      const angle = p / Math.pow(10000, (2 * Math.floor(c / 2)) / depth);
      values[p * depth + c] = c % 2 === 0 ? Math.sin(angle) : Math.cos(angle);
    }
  }
  return tf.tensor2d(values, [length, depth]);
}

/**
 * Token embedding plus position embedding: input [batch, time] token ids (time <= sequenceLength),
 * output [batch, time, embeddingDim]. With `maskZero`, padding ids (0) produce a mask that the
 * Transformer blocks and `MaskedGlobalAveragePooling1D` respect.
 */
export class PositionalEmbedding extends tf.layers.Layer {
  static className = 'DeepcoursePositionalEmbedding';
  readonly vocabSize: number;
  readonly sequenceLength: number;
  readonly embeddingDim: number;
  readonly positionEncoding: PositionEncoding;
  readonly maskZero: boolean;
  readonly scaleEmbeddings: boolean;
  readonly seed: number;
  private tokenTable: LayerWeight | undefined;
  private positionTable: LayerWeight | undefined;

  constructor(args: PositionalEmbeddingArgs) {
    super(args);
    this.vocabSize = checkPositiveInteger(args.vocabSize, 'vocabSize');
    this.sequenceLength = checkPositiveInteger(args.sequenceLength, 'sequenceLength');
    this.embeddingDim = checkPositiveInteger(args.embeddingDim, 'embeddingDim');
    this.positionEncoding = args.positionEncoding ?? 'learned';
    if (this.positionEncoding !== 'learned' && this.positionEncoding !== 'sinusoidal') {
      throw new InvalidArgumentError('positionEncoding', "'learned' or 'sinusoidal'", args.positionEncoding);
    }
    this.maskZero = args.maskZero ?? false;
    this.scaleEmbeddings = args.scaleEmbeddings ?? false;
    this.seed = resolveLayerSeed(args.seed);
    this.supportsMasking = this.maskZero;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as (number | null)[];
    this.checkShape(shape);
    this.tokenTable = this.addWeight(
      'token_embeddings',
      [this.vocabSize, this.embeddingDim],
      'float32',
      tf.initializers.randomUniform({ minval: -0.05, maxval: 0.05, seed: this.seed }),
    );
    if (this.positionEncoding === 'learned') {
      this.positionTable = this.addWeight(
        'position_embeddings',
        [this.sequenceLength, this.embeddingDim],
        'float32',
        tf.initializers.randomUniform({ minval: -0.05, maxval: 0.05, seed: (this.seed + 1) >>> 0 }),
      );
    }
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as (number | null)[];
    this.checkShape(shape);
    return [shape[0] ?? null, shape[1] ?? null, this.embeddingDim];
  }

  override computeMask(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor | tf.Tensor[] {
    if (!this.maskZero) return null as unknown as tf.Tensor;
    const ids = onlyTensor(inputs, this.name);
    return tf.notEqual(ids, 0);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: LayerKwargs): tf.Tensor {
    return tf.tidy(() => {
      const ids = onlyTensor(inputs, this.name);
      this.checkShape(ids.shape);
      if (this.tokenTable === undefined) this.build(ids.shape);
      const time = ids.shape[1] as number;
      let tokens = gatherRows((this.tokenTable as LayerWeight).read() as tf.Tensor2D, ids); // [B, T, D]
      if (this.scaleEmbeddings) tokens = tf.mul(tokens, Math.sqrt(this.embeddingDim));
      const positions =
        this.positionEncoding === 'learned'
          ? tf.slice((this.positionTable as LayerWeight).read(), [0, 0], [time, this.embeddingDim])
          : sinusoidalPositionEncoding(time, this.embeddingDim);
      return tf.add(tokens, positions);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      vocabSize: this.vocabSize,
      sequenceLength: this.sequenceLength,
      embeddingDim: this.embeddingDim,
      positionEncoding: this.positionEncoding,
      maskZero: this.maskZero,
      scaleEmbeddings: this.scaleEmbeddings,
      seed: this.seed,
    };
  }

  private checkShape(shape: readonly (number | null)[]): void {
    if (shape.length !== 2) {
      throw new ShapeError(`${this.name} input`, 'token ids of shape [batch, time]', `[${shape.join(', ')}]`);
    }
    const time = shape[1];
    if (time != null && time > this.sequenceLength) {
      throw new ShapeError(`${this.name} input`, `at most sequenceLength=${this.sequenceLength} time steps`, `${time}`);
    }
  }
}

tf.serialization.registerClass(PositionalEmbedding);
