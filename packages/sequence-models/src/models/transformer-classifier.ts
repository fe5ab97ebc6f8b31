import { tf } from '@deepcourse/backend';
import { PositionalEmbedding, type PositionEncoding } from '../layers/positional-embedding.js';
import { TransformerEncoderBlock } from '../layers/transformer-encoder-block.js';
import { MaskedGlobalAveragePooling1D, SeededDropout } from '../layers/pooling.js';
import { checkActivationOption, checkPositiveInteger } from '../layers/layer-support.js';
import type { FeedForwardActivation } from '../layers/block-parts.js';
import { checkRateOption, classificationHead, compileClassifier, resolveBase, type TextClassifierBaseOptions } from './classifier-parts.js';

export interface TransformerClassifierOptions extends TextClassifierBaseOptions {
  /** Attention heads per block (default 2). */
  numHeads?: number;
  /** Number of encoder blocks (default 1). */
  numBlocks?: number;
  /** Hidden size of each block's feed-forward network (default 2 × embeddingDim). */
  feedForwardDim?: number;
  /** Dropout inside the blocks and before the output layer (default 0.1). */
  dropout?: number;
  /** `'learned'` (default) or `'sinusoidal'` positions. */
  positionEncoding?: PositionEncoding;
  /** Feed-forward activation (default `'relu'`). */
  activation?: FeedForwardActivation;
  /** Pre-norm blocks (default false: post-norm, as in the original Transformer and the course). */
  normFirst?: boolean;
}

/**
 * Token ids → PositionalEmbedding (padding masked) → N TransformerEncoderBlocks → masked mean over
 * time → dropout → Dense. The course's Transformer text classifier, as a plain tfjs LayersModel that
 * saves and loads like any other (its layers are registered).
 *
 * @example
 * const model = transformerClassifier({ vocabSize: 20000, sequenceLength: 200, embeddingDim: 32, numHeads: 2, seed: 1 });
 * await model.fit(ids, labels, { epochs: 2, batchSize: 32, validationSplit: 0.1 });
 */
export function transformerClassifier(options: TransformerClassifierOptions): tf.LayersModel {
  const base = resolveBase({ embeddingDim: 32, ...options });
  const numHeads = checkPositiveInteger(options.numHeads ?? 2, 'numHeads');
  const numBlocks = checkPositiveInteger(options.numBlocks ?? 1, 'numBlocks');
  const feedForwardDim = checkPositiveInteger(options.feedForwardDim ?? 2 * base.embeddingDim, 'feedForwardDim');
  const dropout = checkRateOption(options.dropout ?? 0.1, 'dropout');
  const activation = checkActivationOption(options.activation ?? 'relu');
  const ids = tf.input({ shape: [base.sequenceLength], name: 'token_ids' });
  let x = new PositionalEmbedding({
    vocabSize: base.vocabSize,
    sequenceLength: base.sequenceLength,
    embeddingDim: base.embeddingDim,
    positionEncoding: options.positionEncoding ?? 'learned',
    maskZero: true,
    seed: base.seeds.next(),
    name: 'positional_embedding',
  }).apply(ids) as tf.SymbolicTensor;
  for (let i = 0; i < numBlocks; i++) {
    x = new TransformerEncoderBlock({
      numHeads,
      feedForwardDim,
      dropout,
      activation,
      normFirst: options.normFirst ?? false,
      seed: base.seeds.next(),
      name: `encoder_block_${i + 1}`,
    }).apply(x) as tf.SymbolicTensor;
  }
  x = new MaskedGlobalAveragePooling1D({ name: 'masked_mean' }).apply(x) as tf.SymbolicTensor;
  if (dropout > 0) x = new SeededDropout({ rate: dropout, seed: base.seeds.next() }).apply(x) as tf.SymbolicTensor;
  const model = tf.model({ inputs: ids, outputs: classificationHead(x, base.numClasses, base.seeds), name: 'transformer_classifier' });
  return compileClassifier(model, base);
}
