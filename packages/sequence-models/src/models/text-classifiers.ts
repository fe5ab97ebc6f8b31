import { tf, fusedGruLayer, fusedLstmLayer, InvalidArgumentError } from '@deepcourse/backend';
import { AttentionPooling1D, SeededDropout } from '../layers/pooling.js';
import { checkPositiveInteger } from '../layers/layer-support.js';
import {
  checkRateOption,
  classificationHead,
  compileClassifier,
  resolveBase,
  tokenEmbedding,
  type ResolvedBase,
  type TextClassifierBaseOptions,
} from './classifier-parts.js';

export type RecurrentCell = 'simple-rnn' | 'lstm' | 'gru' | 'bidirectional-lstm' | 'bidirectional-gru';
export const RECURRENT_CELLS: readonly RecurrentCell[] = ['simple-rnn', 'lstm', 'gru', 'bidirectional-lstm', 'bidirectional-gru'];

export interface RecurrentTextClassifierOptions extends TextClassifierBaseOptions {
  /** Recurrent layer (default `'lstm'`). */
  cell?: RecurrentCell;
  /** Units of the recurrent layer (per direction for bidirectional; default 64). */
  units?: number;
  /** Dropout before the output layer (default 0). */
  dropout?: number;
  /** Skip padding (id 0) in the recurrence (default true). */
  maskZero?: boolean;
  /**
   * LSTM and GRU on @deepcourse/backend's fused path (default true): the same layers, weights and outputs as
   * tfjs-layers', with far fewer kernel calls per step. `false` uses tf.layers.lstm / gru.
   */
  fused?: boolean;
}

/** A recurrent layer of the given kind with seeded initialisers. */
export function recurrentLayer(cell: RecurrentCell, units: number, seeds: ResolvedBase['seeds'], returnSequences = false, fused = true): tf.layers.Layer {
  const make = (kind: 'simple-rnn' | 'lstm' | 'gru') => {
    const args = {
      units,
      returnSequences,
      kernelInitializer: tf.initializers.glorotUniform({ seed: seeds.next() }),
      recurrentInitializer: tf.initializers.orthogonal({ gain: 1, seed: seeds.next() }),
    };
    if (kind === 'simple-rnn') return tf.layers.simpleRNN(args);
    if (kind === 'lstm') return fused ? fusedLstmLayer(args) : tf.layers.lstm(args);
    return fused ? fusedGruLayer(args) : tf.layers.gru(args);
  };
  switch (cell) {
    case 'simple-rnn':
    case 'lstm':
    case 'gru':
      return make(cell);
    case 'bidirectional-lstm':
      return tf.layers.bidirectional({ layer: make('lstm') as never, mergeMode: 'concat' });
    case 'bidirectional-gru':
      return tf.layers.bidirectional({ layer: make('gru') as never, mergeMode: 'concat' });
    default:
      throw new InvalidArgumentError('cell', RECURRENT_CELLS.map((c) => `'${c}'`).join(', '), cell);
  }
}

/**
 * Embedding → SimpleRNN / LSTM / GRU / bidirectional LSTM or GRU → Dense: the course's recurrent text
 * classifiers. Input: [batch, sequenceLength] token ids (0 = padding); output: class probabilities.
 *
 * @example
 * const model = recurrentTextClassifier({ vocabSize: 10000, sequenceLength: 200, cell: 'lstm', seed: 1 });
 * await model.fit(ids, labels, { epochs: 3, batchSize: 64 });
 */
export function recurrentTextClassifier(options: RecurrentTextClassifierOptions): tf.LayersModel {
  const base = resolveBase(options);
  const cell = options.cell ?? 'lstm';
  if (!RECURRENT_CELLS.includes(cell)) throw new InvalidArgumentError('cell', RECURRENT_CELLS.map((c) => `'${c}'`).join(', '), cell);
  const units = checkPositiveInteger(options.units ?? 64, 'units');
  const dropout = checkRateOption(options.dropout ?? 0, 'dropout');
  const ids = tf.input({ shape: [base.sequenceLength], name: 'token_ids' });
  let x = tokenEmbedding(base, options.maskZero ?? true).apply(ids) as tf.SymbolicTensor;
  x = recurrentLayer(cell, units, base.seeds, false, options.fused ?? true).apply(x) as tf.SymbolicTensor;
  if (dropout > 0) x = new SeededDropout({ rate: dropout, seed: base.seeds.next() }).apply(x) as tf.SymbolicTensor;
  const model = tf.model({ inputs: ids, outputs: classificationHead(x, base.numClasses, base.seeds), name: `${cell.replace(/-/g, '_')}_text_classifier` });
  return compileClassifier(model, base);
}

export interface ConvLstmTextClassifierOptions extends TextClassifierBaseOptions {
  /** Conv1D filters (default 64). */
  filters?: number;
  /** Conv1D kernel size (default 5). */
  kernelSize?: number;
  /** MaxPool1D pool size (default 4). */
  poolSize?: number;
  /** LSTM units (default 64). */
  units?: number;
  /** Dropout after the embedding (default 0). */
  dropout?: number;
}

/**
 * The course's Conv1D + MaxPool1D + LSTM network: Embedding → Dropout → Conv1D(relu) → MaxPool1D → LSTM → Dense.
 * The convolution finds local n-gram features and pooling shortens the sequence the LSTM reads.
 * (Conv1D does not support masks, so padding is read as a token here.)
 */
export function convLstmTextClassifier(options: ConvLstmTextClassifierOptions): tf.LayersModel {
  const base = resolveBase(options);
  const filters = checkPositiveInteger(options.filters ?? 64, 'filters');
  const kernelSize = checkPositiveInteger(options.kernelSize ?? 5, 'kernelSize');
  const poolSize = checkPositiveInteger(options.poolSize ?? 4, 'poolSize');
  const units = checkPositiveInteger(options.units ?? 64, 'units');
  const dropout = checkRateOption(options.dropout ?? 0, 'dropout');
  if (base.sequenceLength - kernelSize + 1 < poolSize) {
    throw new InvalidArgumentError('sequenceLength', `at least kernelSize + poolSize - 1 = ${kernelSize + poolSize - 1}`, base.sequenceLength);
  }
  const ids = tf.input({ shape: [base.sequenceLength], name: 'token_ids' });
  let x = tokenEmbedding(base, false).apply(ids) as tf.SymbolicTensor;
  if (dropout > 0) x = new SeededDropout({ rate: dropout, seed: base.seeds.next() }).apply(x) as tf.SymbolicTensor;
  x = tf.layers
    .conv1d({ filters, kernelSize, activation: 'relu', padding: 'valid', kernelInitializer: tf.initializers.glorotUniform({ seed: base.seeds.next() }) })
    .apply(x) as tf.SymbolicTensor;
  x = tf.layers.maxPooling1d({ poolSize }).apply(x) as tf.SymbolicTensor;
  x = recurrentLayer('lstm', units, base.seeds).apply(x) as tf.SymbolicTensor;
  const model = tf.model({ inputs: ids, outputs: classificationHead(x, base.numClasses, base.seeds), name: 'conv_lstm_text_classifier' });
  return compileClassifier(model, base);
}

export interface LstmAttentionTextClassifierOptions extends TextClassifierBaseOptions {
  /** LSTM units (default 64). */
  units?: number;
  /** Hidden size of the attention scorer (default 64). */
  attentionUnits?: number;
  /** Run the LSTM in both directions (default false). */
  bidirectional?: boolean;
  /** Dropout before the output layer (default 0). */
  dropout?: number;
}

/**
 * Embedding → LSTM (all steps) → additive attention pooling → Dense. Padding is masked in both the
 * recurrence and the attention. `attentionWeightsModel(model)` gives the per-token weights for inspection.
 */
export function lstmAttentionTextClassifier(options: LstmAttentionTextClassifierOptions): tf.LayersModel {
  const base = resolveBase(options);
  const units = checkPositiveInteger(options.units ?? 64, 'units');
  const attentionUnits = checkPositiveInteger(options.attentionUnits ?? 64, 'attentionUnits');
  const dropout = checkRateOption(options.dropout ?? 0, 'dropout');
  const ids = tf.input({ shape: [base.sequenceLength], name: 'token_ids' });
  let x = tokenEmbedding(base, true).apply(ids) as tf.SymbolicTensor;
  x = recurrentLayer(options.bidirectional ? 'bidirectional-lstm' : 'lstm', units, base.seeds, true).apply(x) as tf.SymbolicTensor;
  x = new AttentionPooling1D({ units: attentionUnits, seed: base.seeds.next(), name: 'attention_pooling' }).apply(x) as tf.SymbolicTensor;
  if (dropout > 0) x = new SeededDropout({ rate: dropout, seed: base.seeds.next() }).apply(x) as tf.SymbolicTensor;
  const model = tf.model({ inputs: ids, outputs: classificationHead(x, base.numClasses, base.seeds), name: 'lstm_attention_text_classifier' });
  return compileClassifier(model, base);
}

/**
 * A model sharing the weights of an `lstmAttentionTextClassifier` that outputs the attention weights
 * [batch, sequenceLength] over the tokens (0 on padding).
 */
export function attentionWeightsModel(model: tf.LayersModel): tf.LayersModel {
  const pooling = model.layers.find((l) => l instanceof AttentionPooling1D) as AttentionPooling1D | undefined;
  if (pooling === undefined) throw new InvalidArgumentError('model', 'a model with an AttentionPooling1D layer (from lstmAttentionTextClassifier)', model.name);
  const probe = new AttentionPooling1D({ units: pooling.units, returnAttentionWeights: true, seed: pooling.seed });
  const sequence = pooling.input as tf.SymbolicTensor;
  const [, weights] = probe.apply(sequence) as tf.SymbolicTensor[];
  probe.setWeights(pooling.getWeights());
  return tf.model({ inputs: model.inputs, outputs: weights as tf.SymbolicTensor });
}
