import { fileURLToPath } from 'node:url';
import { loadModel, loadModelMetadata, type ModelMetadata } from '@deepcourse/backend/node';
import type { tf } from '@deepcourse/backend';
import { BaseInputShapeError } from '../errors.js';
import { checkBase, inputShapeOf } from '../feature-layer.js';

export interface LoadBaseOptions {
  /** The shape (without batch) your images have; a base built for another shape throws BaseInputShapeError. */
  inputShape?: readonly number[];
}

/**
 * Loads any TensorFlow.js layers model to use as a base: a folder, a
 * `model.json` path, a `file://` URL or an http(s) URL (e.g. a MobileNet you
 * converted with `tensorflowjs_converter`). Weight files are checked against
 * the manifest (ModelFileError otherwise).
 */
export async function loadBase(source: string, options: LoadBaseOptions = {}): Promise<tf.LayersModel> {
  const model = await loadModel(source);
  try {
    checkBase(model, source);
    if (options.inputShape !== undefined) {
      const expected = inputShapeOf(model);
      const found = options.inputShape;
      if (expected.length !== found.length || expected.some((d, i) => d !== null && d !== found[i])) {
        throw new BaseInputShapeError(
          'inputShape',
          `[${expected.map((d) => d ?? '?').join(', ')}], the input of the base at ${source}`,
          `[${found.join(', ')}]; resize or convert the images, or use a base built for this shape`,
        );
      }
    }
  } catch (error) {
    model.dispose();
    throw error;
  }
  return model;
}

/** Folder of the pretrained digit base shipped with the package (model.json, weights.bin, metadata.json). */
export const DIGIT_BASE_DIR = fileURLToPath(new URL('../../pretrained/digit-base-0-4/', import.meta.url));

/**
 * The pretrained base shipped with the package: `digitBaseCnn` trained on the
 * MNIST digits 0-4 of `mnistSample()` by `pnpm --filter @deepcourse/transfer
 * train-base` (data, accuracy and command in its metadata and the README).
 * Input [28, 28, 1] in [0, 1]; output 5 softmax scores; features: its Flatten layer (576).
 */
export async function loadDigitBase(options: LoadBaseOptions = {}): Promise<tf.LayersModel> {
  return loadBase(DIGIT_BASE_DIR, options);
}

/** The metadata recorded with the shipped base (data, seed, command, backend, test accuracy). */
export async function digitBaseMetadata(): Promise<ModelMetadata> {
  return (await loadModelMetadata(DIGIT_BASE_DIR)) ?? {};
}
