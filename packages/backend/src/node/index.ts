import { registerFileRouter } from './model-files.js';

// `model.save('file://dir')` and `tf.loadLayersModel('file://dir/model.json')` work without tfjs-node.
registerFileRouter();

export {
  saveModel,
  loadModel,
  loadModelMetadata,
  readModelArtifacts,
  fileSaveHandler,
  type ModelMetadata,
  type SaveModelOptions,
} from './model-files.js';
export { encodePng, decodePng, writePng, readPng, type DecodePngOptions } from './png.js';
export {
  runDataParallel,
  dataParallelWorker,
  isDataParallelWorker,
  shardOf,
  AllReduceOptimizer,
  DataParallelError,
  type RunDataParallelOptions,
  type DataParallelWorker,
  type AllReduceOptimizerOptions,
  type SynchronisedVariable,
} from './data-parallel.js';
