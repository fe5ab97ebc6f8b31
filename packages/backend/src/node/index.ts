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
