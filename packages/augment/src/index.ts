export { Augmentation, ParametricAugmentation, AffineAugmentation, Pipeline, type ApplyOptions } from './augmentation.js';
export { compose, augment } from './compose.js';
export {
  flip,
  rotate,
  translate,
  zoom,
  shear,
  affine,
  Flip,
  Rotate,
  Translate,
  Zoom,
  Shear,
  type FlipOptions,
  type FlipParameters,
  type RotateOptions,
  type AngleParameters,
  type TranslateOptions,
  type ShiftParameters,
  type ZoomOptions,
  type ZoomParameters,
  type ShearOptions,
  type AffineOptions,
} from './geometric.js';
export {
  brightness,
  contrast,
  gaussianNoise,
  Brightness,
  Contrast,
  GaussianNoise,
  type BrightnessOptions,
  type BrightnessParameters,
  type ContrastOptions,
  type ContrastParameters,
  type GaussianNoiseOptions,
  type NoiseParameters,
} from './photometric.js';
export { cutout, Cutout, type CutoutOptions, type CutoutParameters } from './cutout.js';
export { randomCrop, RandomCrop, type RandomCropOptions, type CropParameters } from './crop.js';
export {
  transformImages,
  transformsWholeBatch,
  FILL_MODES,
  INTERPOLATIONS,
  type FillMode,
  type Interpolation,
  type SamplingOptions,
} from './image-transform.js';
export {
  rotationMatrix,
  translationMatrix,
  zoomMatrix,
  shearXMatrix,
  shearYMatrix,
  flipMatrix,
  multiply as multiplyMatrices,
  IDENTITY as IDENTITY_MATRIX,
  type Matrix3,
} from './matrix.js';
export { augmentDataset, type AugmentDatasetOptions } from './dataset.js';
export {
  imageDataGenerator,
  ImageDataGenerator,
  type ImageDataGeneratorOptions,
  type KerasTransformParameters,
  type FlowOptions,
  type FlowElement,
} from './image-data-generator.js';
export {
  randomFlip,
  randomRotation,
  randomTranslation,
  randomZoom,
  randomContrast,
  RandomImageLayer,
  RandomFlip,
  RandomRotation,
  RandomTranslation,
  RandomZoom,
  RandomContrast,
  type RandomLayerArgs,
  type GeometricLayerArgs,
  type FlipMode,
  type RandomFlipArgs,
  type RandomRotationArgs,
  type RandomTranslationArgs,
  type RandomZoomArgs,
  type RandomContrastArgs,
} from './layers/random-layers.js';
export { augmentationGrid, type AugmentationGridOptions } from './preview.js';
export type { Seed, Range, BatchShape } from './validate.js';
