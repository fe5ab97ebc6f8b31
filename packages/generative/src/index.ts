export { dcgan, dcganGenerator, dcganDiscriminator, conditionalDcgan, type Gan, type DcganOptions, type ConditionalDcganOptions } from './models/dcgan.js';
export { denseAutoencoder, convAutoencoder, type Autoencoder, type DenseAutoencoderOptions, type ConvAutoencoderOptions } from './models/autoencoders.js';
export { vae, type Vae, type VaeOptions } from './models/vae.js';
export { VaeSampling, type VaeSamplingArgs } from './models/vae-sampling.js';
export { SeededDropout, type SeededDropoutArgs } from './models/seeded-dropout.js';
export { seededInitializers, type SeededInitializers } from './models/initializers.js';
export {
  trainGan,
  GanTrainer,
  toOneHotLabels,
  type GanTrainerOptions,
  type TrainGanOptions,
  type GanStepLogs,
  type GanSamples,
  type GanTrainingResult,
} from './training/train-gan.js';
export { WeightAverage } from './training/weight-average.js';
export { addNoise, trainAutoencoder, type AddNoiseOptions, type TrainAutoencoderOptions } from './training/train-autoencoder.js';
export { trainVae, gaussianKlDivergence, vaeLossTerms, type TrainVaeOptions, type VaeEpochLogs } from './training/train-vae.js';
export { binaryCrossEntropy, binaryCrossEntropyToConstant } from './training/losses.js';
export {
  classifierScore,
  classifierFid,
  classHistogram,
  featureExtractor,
  type ClassifierMetricOptions,
  type ClassifierFidOptions,
  type ClassHistogram,
} from './metrics/classifier-metrics.js';
export { frechetDistance, frechetDistanceOfFeatures, featureMoments, type GaussianMoments } from './metrics/frechet-distance.js';
export { symmetricEigen, sqrtPsd, type SquareMatrix } from './metrics/linear-algebra.js';
export { reconstructionError, negativeElbo, type ReconstructionErrorOptions, type NegativeElboResult } from './metrics/reconstruction.js';
export {
  sampleGrid,
  interpolationStrip,
  interpolateLatents,
  reconstructionGrid,
  latentManifold,
  toUnitRange,
  type ImageRange,
  type SampleGridOptions,
  type InterpolationOptions,
} from './visual/images.js';
export { latentScatter, TAB10, type LatentScatter, type LatentScatterOptions } from './visual/latent-scatter.js';
