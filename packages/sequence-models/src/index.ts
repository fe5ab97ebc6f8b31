// Importing this entry registers the custom layers with tfjs serialization, so models that use them load.

// Transformer and attention layers (registered, serialisable)
export { MultiHeadAttention, type MultiHeadAttentionArgs } from './layers/multi-head-attention.js';
export { causalMask } from './layers/attention-core.js';
export { PositionalEmbedding, sinusoidalPositionEncoding, type PositionalEmbeddingArgs, type PositionEncoding } from './layers/positional-embedding.js';
export { TransformerEncoderBlock, type TransformerEncoderBlockArgs } from './layers/transformer-encoder-block.js';
export { TransformerDecoderBlock, type TransformerDecoderBlockArgs } from './layers/transformer-decoder-block.js';
export {
  AttentionPooling1D,
  MaskedGlobalAveragePooling1D,
  SeededDropout,
  type AttentionPooling1DArgs,
  type SeededDropoutArgs,
} from './layers/pooling.js';
export { gelu, type FeedForwardActivation } from './layers/block-parts.js';
export { TokenEmbedding, gatherRows, type TokenEmbeddingArgs } from './layers/token-embedding.js';

// Text classifiers
export {
  recurrentTextClassifier,
  convLstmTextClassifier,
  lstmAttentionTextClassifier,
  attentionWeightsModel,
  recurrentLayer,
  RECURRENT_CELLS,
  type RecurrentCell,
  type RecurrentTextClassifierOptions,
  type ConvLstmTextClassifierOptions,
  type LstmAttentionTextClassifierOptions,
} from './models/text-classifiers.js';
export { transformerClassifier, type TransformerClassifierOptions } from './models/transformer-classifier.js';
export type { TextClassifierBaseOptions } from './models/classifier-parts.js';
export { tokenIdTensor, type TokenIdTensorOptions } from './models/token-sequences.js';

// Forecasting
export { makeWindows, windowsToTensors, type SeriesWindows, type WindowOptions } from './forecasting/windows.js';
export type { SeriesInput } from './forecasting/series.js';
export { fitStandardScaler, fitMinMaxScaler, scalerFromJSON, type Scaler, type ScalerJSON } from './forecasting/scaling.js';
export { meanAbsoluteError, rootMeanSquaredError, meanAbsolutePercentageError } from './forecasting/metrics.js';
export { naiveForecast, seasonalNaiveForecast, baselineForWindows } from './forecasting/baselines.js';
export { recurrentForecaster, forecastWindows, forecastNext, type RecurrentForecasterOptions } from './forecasting/forecaster.js';

// Character-level generation
export { CharVocabulary, type CharVocabularyJSON } from './generation/char-vocabulary.js';
export {
  charExamples,
  charExamplesToTensors,
  charLstmModel,
  applyTemperature,
  sampleWithTemperature,
  generateText,
  type CharExamples,
  type CharLstmOptions,
  type GenerateTextOptions,
} from './generation/char-lstm.js';
