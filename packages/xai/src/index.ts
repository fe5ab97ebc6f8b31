export { UnsupportedModelError } from './errors.js';
export { ExplainedModel, type ExplainOptions, type ExplainedOutput, type TargetClasses } from './explained-model.js';
export { findFeatureLayer, findLogitsPlan, type LayerTap, type LogitsPlan } from './model-graph.js';
export {
  gradCam,
  gradCamPlusPlus,
  type GradCamOptions,
  type GradCamExplanation,
  type HeatmapExplanation,
} from './grad-cam.js';
export { occlusion, patchStarts, type OcclusionOptions } from './occlusion.js';
export {
  saliency,
  smoothGrad,
  integratedGradients,
  integrationPoints,
  type AttributionOptions,
  type AttributionExplanation,
  type SaliencyOptions,
  type SmoothGradOptions,
  type IntegratedGradientsOptions,
  type IntegratedGradientsExplanation,
  type IntegrationRule,
} from './gradients.js';
export { upsampleBilinear, reduceChannels, normalizeHeatmaps, randomHeatmaps, type ChannelReduction } from './heatmaps.js';
export {
  deletionAuc,
  insertionAuc,
  gaussianBlur,
  trapezoid,
  type CausalMetricOptions,
  type CausalMetricResult,
} from './metrics/deletion-insertion.js';
export { pointingGame, type PointingGameOptions, type PointingGameResult } from './metrics/pointing-game.js';
export { spearmanRankCorrelation, averageRanks } from './metrics/rank-correlation.js';
export {
  modelRandomisationCheck,
  reinitialiseWeights,
  type ExplainFunction,
  type RandomisationCheckOptions,
  type RandomisationCheckResult,
} from './metrics/randomisation.js';
