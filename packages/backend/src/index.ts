export { tf } from './tf.js';
export {
  initBackend,
  NATIVE_PACKAGES,
  type BackendName,
  type BackendRequest,
  type BackendSelection,
  type InitBackendOptions,
} from './init-backend.js';
export { seedStream, setGlobalSeed, getGlobalSeed, type SeedStream } from './seed.js';
export {
  DeepcourseError,
  InvalidArgumentError,
  ShapeError,
  BackendUnavailableError,
  ModelFileError,
  NonFiniteLossError,
  describe,
} from './errors.js';
export {
  ProgressBar,
  ProgressReporter,
  progressReporter,
  formatDuration,
  formatLogs,
  resolveLogs,
  type ProgressBarOptions,
  type ProgressOutput,
  type ProgressReporterOptions,
} from './progress.js';
export {
  EarlyStopping,
  earlyStopping,
  NanGuard,
  nanGuard,
  historyToJSON,
  type EarlyStoppingOptions,
  type HistoryJSON,
} from './callbacks.js';
export { getLearningRate, setLearningRate } from './learning-rate.js';
export { accuracy, confusionMatrix, toClassIds, type ClassValues } from './metrics.js';
export {
  applyColormap,
  colormapTable,
  COLORMAP_NAMES,
  type ColormapName,
  type ColormapOptions,
} from './image/colormap.js';
export { imageGrid, type ImageGridOptions } from './image/grid.js';
export { overlayHeatmap, type OverlayOptions } from './image/overlay.js';
export {
  registerWasmTrainingKernels,
  unregisterWasmTrainingKernels,
  wasmTrainingKernelsRegistered,
  WASM_TRAINING_KERNELS,
} from './wasm/register.js';
export {
  FusedLSTM,
  FusedGRU,
  fusedLstmLayer,
  fusedGruLayer,
  withFusedRecurrentLayers,
  withStockRecurrentLayers,
} from './recurrent/fused-layers.js';
export { fusedLstm, type RecurrentOptions } from './recurrent/fused-lstm.js';
export { fusedGru } from './recurrent/fused-gru.js';
