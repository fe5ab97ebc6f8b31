export { TextFormatError, NotFittedError, OutOfVocabularyError } from './errors.js';
export { pythonJsonDumps } from './python-json.js';
export {
  WordTokenizer,
  textToWordSequence,
  KERAS_DEFAULT_FILTERS,
  type WordTokenizerOptions,
  type TextToWordSequenceOptions,
  type TextsToMatrixMode,
} from './keras/word-tokenizer.js';
export { padSequences, type PadSequencesOptions } from './keras/pad-sequences.js';
export { TextVectorizer, type TextVectorizerOptions, type Standardize } from './keras/text-vectorizer.js';
export {
  decomposeHangul,
  composeHangul,
  jamoTokenize,
  jamoDetokenize,
  syllableToJamo,
  toCompatibilityJamo,
  choseong,
  isHangulSyllable,
  isConjoiningJamo,
  isCompatibilityJamo,
  JAMO_ESCAPE,
} from './korean/hangul.js';
export {
  graphemes,
  characterTokenize,
  syllableTokenize,
  wordTokenize,
  splitSentences,
  normalizeText,
  type CharacterTokenizeOptions,
  type SplitSentencesOptions,
  type NormalizeOptions,
} from './korean/text.js';
export { trainBpe, BpeTokenizer, type BpeModel, type TrainBpeOptions } from './subword/bpe.js';
export { trainWordPiece, WordPieceTokenizer, type WordPieceModel, type TrainWordPieceOptions } from './subword/wordpiece.js';
export {
  byteLevelPreTokenize,
  byteLevelDecode,
  bertPreTokenize,
  whitespacePreTokenize,
  type SubwordNormalizerOptions,
} from './subword/pre-tokenizers.js';
export type { SubwordEncoding, TokenizerJson, AddedTokenJson } from './subword/tokenizer-json.js';
export { WordVectors, type SimilarWord, type MostSimilarOptions } from './word2vec/word-vectors.js';
export { trainWord2Vec, type Word2VecOptions, type Word2VecResult, type Word2VecEpochStats } from './word2vec/train.js';
export { buildWord2VecVocabulary, noiseDistribution, keepProbabilities, type Word2VecVocabulary } from './word2vec/vocabulary.js';
export { toWord2VecText, parseWord2VecText } from './word2vec/text-format.js';
export { pca2d, type Projection2D } from './word2vec/pca.js';
export { embeddingMatrix, pretrainedEmbeddingLayer, type EmbeddingMatrix, type EmbeddingMatrixOptions } from './word2vec/embedding.js';
export {
  evaluateAnalogies,
  parseAnalogyQuestions,
  type AnalogyQuestion,
  type AnalogyEvaluation,
  type AnalogySectionResult,
  type EvaluateAnalogiesOptions,
} from './word2vec/analogies.js';
