import { tf, InvalidArgumentError, ShapeError } from '@deepcourse/backend';
import { checkPositiveInteger, resolveLayerSeed, type BaseLayerArgs, type LayerKwargs, type LayerWeight } from './layer-support.js';
import { onlyTensor } from './tensor-ops.js';

/**
 * `tf.gather(table, ids)` with a gradient computed by a scatter-add over the ids: O(ids × dim).
 * tfjs's own gradient goes through UnsortedSegmentSum, which the cpu backend computes segment by segment
 * (O(vocabSize × ids × dim): minutes per batch for a 20,000-word vocabulary) and the stock wasm backend lacks.
 */
export function gatherRows(table: tf.Tensor2D, ids: tf.Tensor): tf.Tensor {
  const intIds = ids.dtype === 'int32' ? ids : tf.cast(ids, 'int32');
  const op = tf.customGrad(((t: tf.Tensor, i: tf.Tensor, save: (tensors: tf.Tensor[]) => void) => {
    save([i]);
    const value = tf.gather(t, i);
    return {
      value,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [vocab, dim] = t.shape as [number, number];
        const idValues = (saved[0] as tf.Tensor).dataSync();
        const dyValues = (Array.isArray(dy) ? (dy[0] as tf.Tensor) : dy).dataSync();
        const grad = new Float32Array(vocab * dim);
        for (let n = 0; n < idValues.length; n++) {
          const row = idValues[n] as number;
          if (row < 0 || row >= vocab) continue; // tf.gather yields zeros there, so no gradient
          const from = n * dim;
          const to = row * dim;
          for (let d = 0; d < dim; d++) grad[to + d] = (grad[to + d] as number) + (dyValues[from + d] as number);
        }
        return [tf.tensor2d(grad, [vocab, dim]), tf.zerosLike(saved[0] as tf.Tensor)];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return op(table, intIds);
}

export interface TokenEmbeddingArgs extends BaseLayerArgs {
  vocabSize: number;
  embeddingDim: number;
  /** Id 0 is padding: output a mask that hides it from masking-aware layers (LSTM, GRU, attention). */
  maskZero?: boolean;
  seed?: number;
}

/**
 * Token embedding like `tf.layers.embedding`, with a fast scatter-add gradient (see `gatherRows`), so it
 * trains with large vocabularies on the cpu backend and on the stock wasm backend.
 */
export class TokenEmbedding extends tf.layers.Layer {
  static className = 'DeepcourseTokenEmbedding';
  readonly vocabSize: number;
  readonly embeddingDim: number;
  readonly maskZero: boolean;
  readonly seed: number;
  private table: LayerWeight | undefined;

  constructor(args: TokenEmbeddingArgs) {
    super(args);
    this.vocabSize = checkPositiveInteger(args.vocabSize, 'vocabSize');
    this.embeddingDim = checkPositiveInteger(args.embeddingDim, 'embeddingDim');
    this.maskZero = args.maskZero ?? false;
    if (typeof this.maskZero !== 'boolean') throw new InvalidArgumentError('maskZero', 'a boolean', args.maskZero);
    this.seed = resolveLayerSeed(args.seed);
    this.supportsMasking = this.maskZero;
  }

  override build(): void {
    this.table = this.addWeight(
      'embeddings',
      [this.vocabSize, this.embeddingDim],
      'float32',
      tf.initializers.randomUniform({ minval: -0.05, maxval: 0.05, seed: this.seed }),
    );
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as (number | null)[];
    if (shape.length !== 2) throw new ShapeError(`${this.name} input`, 'token ids of shape [batch, time]', `[${shape.join(', ')}]`);
    return [shape[0] ?? null, shape[1] ?? null, this.embeddingDim];
  }

  override computeMask(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    if (!this.maskZero) return null as unknown as tf.Tensor;
    return tf.notEqual(onlyTensor(inputs, this.name), 0);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: LayerKwargs): tf.Tensor {
    return tf.tidy(() => {
      const ids = onlyTensor(inputs, this.name);
      if (ids.rank !== 2) throw new ShapeError(`${this.name} input`, 'token ids of shape [batch, time]', `[${ids.shape.join(', ')}]`);
      if (this.table === undefined) this.build();
      return gatherRows((this.table as LayerWeight).read() as tf.Tensor2D, ids);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), vocabSize: this.vocabSize, embeddingDim: this.embeddingDim, maskZero: this.maskZero, seed: this.seed };
  }
}

tf.serialization.registerClass(TokenEmbedding);
