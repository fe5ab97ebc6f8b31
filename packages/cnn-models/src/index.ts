export { mlp, type MlpOptions } from './models/mlp.js';
export { courseCnn, type CourseCnnOptions } from './models/course-cnn.js';
export { smallDataCnn, type SmallDataCnnOptions } from './models/small-data-cnn.js';
export { lenet5, type Lenet5Options } from './models/lenet5.js';
export { miniVgg, type MiniVggOptions } from './models/mini-vgg.js';
export { miniResnet, type MiniResnetOptions } from './models/mini-resnet.js';
export type { BuilderOptions } from './models/options.js';
export { LayerSeeds } from './layers/seeded-initializers.js';
export { Maxout, maxout, type MaxoutArgs } from './layers/maxout.js';
export {
  activationCurves,
  activationDerivatives,
  hiddenLayer,
  resolveActivation,
  sigmoid,
  tanh,
  relu,
  leakyRelu,
  elu,
  DEFAULT_LEAKY_SLOPE,
  DEFAULT_ELU_ALPHA,
  DEFAULT_MAXOUT_PIECES,
  type ActivationName,
  type ActivationSpec,
  type ActivationCurveRange,
  type ActivationCurves,
} from './activations.js';
export { type ClassificationData } from './data.js';
// Moved to the backend (the data-parallel optimizer needs them too); still exported here.
export { getLearningRate, setLearningRate } from '@deepcourse/backend';
export {
  trainClassifier,
  makeOptimizer,
  stepDecay,
  exponentialDecay,
  cosineDecay,
  type BatchAugmentation,
  type LearningRateSchedule,
  type TrainClassifierOptions,
  type TrainClassifierResult,
} from './train.js';
export {
  evaluateClassifier,
  classificationMetrics,
  formatClassificationReport,
  type ClassMetrics,
  type ConfusedPair,
  type ClassificationMetrics,
  type ClassifierEvaluation,
  type EvaluateClassifierOptions,
} from './evaluate.js';
export {
  featureMaps,
  featureMapGrid,
  featureMapLayers,
  convFilters,
  filterGrid,
  firstConvLayer,
  findLayer,
  normalizeEach,
  modelSummaryText,
  type LayerRef,
  type FeatureMapGridOptions,
  type FilterGridOptions,
} from './inspect.js';
export {
  linearRegression,
  logisticRegression,
  gradientDescent,
  manualGradientDescent,
  leastSquares,
  meanSquaredError,
  type RegressionOptions,
  type GradientDescentOptions,
  type GradientDescentResult,
  type RegressionStep,
  type LeastSquaresFit,
} from './models/regression.js';
export { gradientNormsByLayer, type LayerGradientNorm } from './gradient-norms.js';
export { decisionBoundaryImage, type DecisionBoundaryOptions } from './decision-boundary.js';
export {
  convolveSteps,
  maxPoolSteps,
  type ConvolveStepsOptions,
  type MaxPoolStepsOptions,
  type WorkedStep,
  type WorkedResult,
} from './worked-examples.js';
