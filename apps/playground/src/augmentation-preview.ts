import { tf } from '@deepcourse/backend';
import { augmentationGrid, compose, gaussianNoise, rotate, shear, translate, zoom } from '@deepcourse/augment';

/** What a training run with augmentation would show the network: small rotations, shifts, zooms, shears, noise. */
export const DIGIT_AUGMENTATION = compose([
  rotate({ degrees: 15, fillMode: 'constant' }),
  zoom({ scale: [0.85, 1.15], fillMode: 'constant' }),
  shear({ degrees: 10, fillMode: 'constant' }),
  translate({ width: 0.1, height: 0.1, fillMode: 'constant' }),
  gaussianNoise({ std: 0.05, valueRange: [0, 1] }),
]);

export const AUGMENTED_COPIES = 11;

/** Draws the digit and `AUGMENTED_COPIES` seeded augmentations of it in a grid (`augmentationGrid`). */
export async function drawAugmentations(pixels: Float32Array, seed: number, canvas: HTMLCanvasElement): Promise<void> {
  const grid = tf.tidy(() => augmentationGrid(tf.tensor3d(pixels, [28, 28, 1]), DIGIT_AUGMENTATION, AUGMENTED_COPIES, { seed, columns: 6, padding: 2 }));
  try {
    await tf.browser.toPixels(grid, canvas);
  } finally {
    grid.dispose();
  }
}
