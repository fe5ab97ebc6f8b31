// @deepcourse/datasets/node: loaders that need Node (fs, http, sharp, the npm-shipped corpora).
export { readSource, gunzipIfNeeded, defaultCacheDir, cachePathFor, type SourceOptions } from './read-source.js';
export {
  loadIdx,
  fashionMnist,
  mnist,
  FASHION_MNIST_CLASS_NAMES,
  MNIST_CLASS_NAMES,
  DEBIAN_FASHION_MNIST_DIR,
  type LoadIdxOptions,
  type MnistFamilyOptions,
  type MnistSplit,
} from './idx-files.js';
export { mnistSample, mnistSampleBytes, type MnistSampleOptions } from './mnist-sample.js';
export {
  loadImageFolder,
  IMAGE_EXTENSIONS,
  type ColorMode,
  type ImageFolderDataset,
  type ImageFolderOptions,
  type SkippedImage,
} from './image-folder.js';
export { decodeBmp, isBmp, type DecodedBmp } from './bmp-decoder.js';
export { resizePixels, aspectRatioCropBox } from './resize.js';
export { readCsvTable, loadCsv } from './csv-file.js';
export {
  spamAssassin,
  parseEmail,
  stateOfTheUnion,
  usBirths,
  SPAM_ASSASSIN_GROUPS,
  type SpamAssassinGroup,
  type SpamAssassinMessage,
  type StateOfTheUnionSpeech,
  type UsBirths,
} from './text-corpora.js';
