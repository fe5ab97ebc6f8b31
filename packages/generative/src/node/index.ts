import { join } from 'node:path';
import { tf } from '@deepcourse/backend';
import { writePng } from '@deepcourse/backend/node';
import type { Gan } from '../models/dcgan.js';
import { sampleGrid, toUnitRange, type SampleGridOptions } from '../visual/images.js';
import type { GanSamples } from '../training/train-gan.js';
import { imageGrid } from '@deepcourse/backend';

/** Generates a sample grid (seeded) and writes it as a PNG; returns the path. */
export async function writeSampleGridPng(path: string, gan: Gan, options: SampleGridOptions = {}): Promise<string> {
  const grid = sampleGrid(gan, options);
  try {
    await writePng(path, grid);
  } finally {
    grid.dispose();
  }
  return path;
}

/**
 * An `onSamples` callback for `trainGan` that writes each sample grid to
 * `dir/<prefix>-step-000200.png` (the course saved `gan_mnist_200.png` and so on).
 * Returns the callback; the written paths are pushed to `written`.
 */
export function pngSampleWriter(dir: string, options: { prefix?: string; columns?: number } = {}): ((samples: GanSamples) => Promise<void>) & { written: string[] } {
  const written: string[] = [];
  const prefix = options.prefix ?? 'samples';
  const callback = async (samples: GanSamples): Promise<void> => {
    const grid = tf.tidy(() => imageGrid(toUnitRange(samples.images, 'tanh') as tf.Tensor4D, options.columns ? { columns: options.columns } : {}));
    const path = join(dir, `${prefix}-step-${String(samples.step + 1).padStart(6, '0')}.png`);
    try {
      await writePng(path, grid);
    } finally {
      grid.dispose();
    }
    written.push(path);
  };
  return Object.assign(callback, { written });
}

/** Writes any image `[H, W, C]` in [0, 1] (a grid, strip or scatter from this package) as PNG. */
export async function writeImagePng(path: string, image: tf.Tensor3D): Promise<string> {
  await writePng(path, image);
  return path;
}
