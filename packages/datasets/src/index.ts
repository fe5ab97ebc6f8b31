// @deepcourse/datasets, isomorphic entry (no fs): runs in browsers too. Loaders that read files, folders,
// URLs with a cache, or the npm-shipped corpora live in '@deepcourse/datasets/node'.
export { DatasetFormatError, DatasetNotFoundError, type DataLocation } from './errors.js';
export { type LabeledImages, type TrainTest, type PixelScale, bytesToPixels } from './labeled-images.js';
export {
  decodeIdx,
  encodeIdx,
  decodeIdxDataset,
  labeledImagesFromIdx,
  gunzipBytes,
  isGzip,
  type IdxArray,
  type IdxData,
  type IdxDtype,
  type IdxImageOptions,
} from './idx.js';
export { oneHot } from './one-hot.js';
export { scalePixels } from './pixels.js';
export { splitIndices, trainTestSplit, gatherAll, type SplitOptions } from './split.js';
export { batches, toTfDataset, type BatchOptions } from './batching.js';
export {
  parseCsv,
  csvToTensors,
  type CsvTable,
  type CsvParseOptions,
  type CsvTensorOptions,
  type ColumnRef,
  type TabularData,
} from './csv.js';
export { fitStandardScaler, fitMinMaxScaler, scalerFromJSON, type FeatureScaler } from './scalers.js';
export { studentTable, smallTableTensors, STUDENT_TABLES, type SmallTable, type StudentTableName } from './student-tables.js';
export {
  playgroundDataset,
  playgroundTensors,
  PLAYGROUND_DATASETS,
  type PlaygroundDataset,
  type PlaygroundDatasetName,
  type PlaygroundOptions,
} from './playground.js';
export { koreanSentiment, KOREAN_SENTIMENT_TOPICS, type KoreanSentence } from './korean-sentiment.js';
export { syntheticStockPrice, windowed, type SyntheticStockOptions, type WindowOptions } from './time-series.js';
