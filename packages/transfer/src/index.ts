export { BaseInputShapeError } from './errors.js';
export { listLayers, trainableMap, isNestedModel, type LayerEntry } from './layer-paths.js';
export { freezeLayers, unfreezeLayers, selectLayers, type LayerSelector } from './freeze.js';
export { findFeatureLayer, featureModel, checkFitsBase } from './feature-layer.js';
export { replaceHead, disposeWithBase, HEAD_PREFIX, type ReplaceHeadOptions } from './replace-head.js';
export { fineTune, type FineTuneOptions, type FineTunePhase, type FineTunePhaseResult, type FineTuneResult } from './fine-tune.js';
export { extractFeatures, type ExtractFeaturesOptions } from './extract-features.js';
export { digitBaseCnn, type DigitBaseCnnOptions } from './digit-base.js';
