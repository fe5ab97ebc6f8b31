import { tf, seedStream, InvalidArgumentError, type SeedStream } from '@deepcourse/backend';
import { checkPositiveInteger, compileWithOwnOptimizer, resolveLayerSeed } from '../layers/layer-support.js';
import { TokenEmbedding } from '../layers/token-embedding.js';

/** Options every text classifier builder takes. */
export interface TextClassifierBaseOptions {
  /** Number of token ids; ids run from 0 (padding) to vocabSize - 1. */
  vocabSize: number;
  /** Length of the padded id sequences the model reads. */
  sequenceLength: number;
  /** 2 (default) gives one sigmoid unit and binary cross-entropy; more gives softmax and sparse categorical cross-entropy. */
  numClasses?: number;
  /** Size of the token vectors (default 64). */
  embeddingDim?: number;
  /** Seed of every initialiser and dropout mask (default: from the global seed). */
  seed?: number;
  /** Adam learning rate when compiling (default 1e-3). */
  learningRate?: number;
  /** Compile with Adam, the matching loss and accuracy (default true). */
  compile?: boolean;
}

export interface ResolvedBase {
  vocabSize: number;
  sequenceLength: number;
  numClasses: number;
  embeddingDim: number;
  learningRate: number;
  compile: boolean;
  seeds: SeedStream;
}

export function resolveBase(options: TextClassifierBaseOptions): ResolvedBase {
  if (typeof options !== 'object' || options === null) throw new InvalidArgumentError('options', 'an options object', options);
  const numClasses = options.numClasses ?? 2;
  if (!Number.isInteger(numClasses) || numClasses < 2) throw new InvalidArgumentError('numClasses', 'an integer >= 2', numClasses);
  const learningRate = options.learningRate ?? 1e-3;
  if (!(learningRate > 0)) throw new InvalidArgumentError('learningRate', 'a positive number', learningRate);
  return {
    vocabSize: checkPositiveInteger(options.vocabSize, 'vocabSize'),
    sequenceLength: checkPositiveInteger(options.sequenceLength, 'sequenceLength'),
    numClasses,
    embeddingDim: checkPositiveInteger(options.embeddingDim ?? 64, 'embeddingDim'),
    learningRate,
    compile: options.compile ?? true,
    seeds: seedStream(resolveLayerSeed(options.seed)),
  };
}

/** Dense output layer: 1 sigmoid unit for two classes, softmax otherwise. */
export function classificationHead(x: tf.SymbolicTensor, numClasses: number, seeds: SeedStream): tf.SymbolicTensor {
  return tf.layers
    .dense({
      units: numClasses === 2 ? 1 : numClasses,
      activation: numClasses === 2 ? 'sigmoid' : 'softmax',
      kernelInitializer: tf.initializers.glorotUniform({ seed: seeds.next() }),
      name: 'classifier_output',
    })
    .apply(x) as tf.SymbolicTensor;
}

export function compileClassifier(model: tf.LayersModel, base: ResolvedBase): tf.LayersModel {
  if (!base.compile) return model;
  compileWithOwnOptimizer(model, {
    optimizer: tf.train.adam(base.learningRate),
    loss: base.numClasses === 2 ? 'binaryCrossentropy' : 'sparseCategoricalCrossentropy',
    metrics: ['accuracy'],
  });
  return model;
}

export function tokenEmbedding(base: ResolvedBase, maskZero: boolean): tf.layers.Layer {
  return new TokenEmbedding({ vocabSize: base.vocabSize, embeddingDim: base.embeddingDim, maskZero, seed: base.seeds.next(), name: 'token_embedding' });
}

export function checkRateOption(value: number, argument: string): number {
  if (typeof value !== 'number' || !(value >= 0 && value < 1)) throw new InvalidArgumentError(argument, 'a number in [0, 1)', value);
  return value;
}
