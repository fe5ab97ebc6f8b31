import { encodePng, writePng } from '@deepcourse/backend/node';
import { tf } from '@deepcourse/backend';
import type { Augmentation } from '../augmentation.js';
import { augmentationGrid, type AugmentationGridOptions } from '../preview.js';

/** `augmentationGrid(...)` encoded as a PNG file's bytes. */
export function augmentationGridPng(image: tf.Tensor, augmentation: Augmentation, n: number, options: AugmentationGridOptions = {}): Uint8Array {
  const grid = augmentationGrid(image, augmentation, n, options);
  try {
    return encodePng(grid);
  } finally {
    grid.dispose();
  }
}

/** Writes `augmentationGrid(...)` to a PNG file at `path` (folders are created). */
export async function writeAugmentationGrid(path: string, image: tf.Tensor, augmentation: Augmentation, n: number, options: AugmentationGridOptions = {}): Promise<void> {
  const grid = augmentationGrid(image, augmentation, n, options);
  try {
    await writePng(path, grid);
  } finally {
    grid.dispose();
  }
}
