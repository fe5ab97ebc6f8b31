import { tf } from '@deepcourse/backend';
import { writePng } from '@deepcourse/backend/node';
import { featureMapGrid, filterGrid, type FeatureMapGridOptions, type FilterGridOptions, type LayerRef } from '../inspect.js';

/** Writes the feature maps of `layer` for one input as a PNG grid (see `featureMapGrid`). */
export async function writeFeatureMapGrid(path: string, model: tf.LayersModel, layer: LayerRef, image: tf.Tensor, options: FeatureMapGridOptions = {}): Promise<void> {
  const grid = featureMapGrid(model, layer, image, options);
  try {
    await writePng(path, grid);
  } finally {
    grid.dispose();
  }
}

/** Writes a convolution's filters (default: the first) as a PNG grid (see `filterGrid`). */
export async function writeFilterGrid(path: string, model: tf.LayersModel, options: FilterGridOptions = {}): Promise<void> {
  const grid = filterGrid(model, options);
  try {
    await writePng(path, grid);
  } finally {
    grid.dispose();
  }
}
