import { imageGrid, InvalidArgumentError, ShapeError, tf, type ImageGridOptions } from '@deepcourse/backend';

/** A layer by name, by index in `model.layers`, or the layer itself. */
export type LayerRef = string | number | tf.layers.Layer;

/** Resolves a layer reference, with an error that lists the model's layers. */
export function findLayer(model: tf.LayersModel, layer: LayerRef): tf.layers.Layer {
  if (layer instanceof tf.layers.Layer) {
    if (!model.layers.includes(layer)) throw new InvalidArgumentError('layer', `a layer of model ${model.name}`, layer.name);
    return layer;
  }
  const found = typeof layer === 'number' ? model.layers[layer] : model.layers.find((l) => l.name === layer);
  if (!found) {
    throw new InvalidArgumentError('layer', `an index in [0, ${model.layers.length}) or one of ${model.layers.map((l) => l.name).join(', ')}`, layer);
  }
  return found;
}

/** The layers whose output is an image-like `[N, H, W, C]` map (convolutions, pooling, activations of them). */
export function featureMapLayers(model: tf.LayersModel): tf.layers.Layer[] {
  return model.layers.filter((l) => {
    const shape = l.outputShape;
    return Array.isArray(shape) && !Array.isArray(shape[0]) && shape.length === 4 && l.getClassName() !== 'InputLayer';
  });
}

function asBatch(images: tf.Tensor, model: tf.LayersModel): tf.Tensor {
  const expected = model.inputs[0]!.shape.slice(1);
  const batch = images.rank === expected.length ? images.expandDims(0) : images;
  const found = batch.shape.slice(1);
  if (batch.rank !== expected.length + 1 || expected.some((d, i) => d !== null && d !== found[i])) {
    throw new ShapeError('images', `one input [${expected.join(', ')}] or a batch [N, ${expected.join(', ')}]`, `[${images.shape.join(', ')}]`);
  }
  return batch;
}

/**
 * The output of any layer for the given input(s): `[N, H, W, C]` for a
 * convolution. Builds a sub-model sharing the weights, so no copy is made.
 */
export function featureMaps(model: tf.LayersModel, layer: LayerRef, images: tf.Tensor): tf.Tensor {
  const target = findLayer(model, layer);
  const probe = tf.model({ inputs: model.inputs, outputs: target.output as tf.SymbolicTensor });
  return tf.tidy(() => probe.predict(asBatch(images, model)) as tf.Tensor);
}

export interface FeatureMapGridOptions extends ImageGridOptions {
  /** Show at most this many channels (default all). */
  maxMaps?: number;
  /** Integer upscaling of each map, nearest neighbour (default 1). */
  scale?: number;
}

/** Scales every image of `[N, H, W, C]` to [0, 1] by its own min and max (a constant image becomes 0). */
export function normalizeEach(images: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => {
    const min = images.min([1, 2, 3], true);
    const range = images.max([1, 2, 3], true).sub(min);
    return images.sub(min).div(tf.maximum(range, 1e-12)) as tf.Tensor4D;
  });
}

function upscale(images: tf.Tensor4D, scale: number | undefined): tf.Tensor4D {
  const s = scale ?? 1;
  if (!Number.isInteger(s) || s < 1) throw new InvalidArgumentError('scale', 'a positive integer', scale);
  if (s === 1) return images;
  const [, h, w] = images.shape;
  return tf.image.resizeNearestNeighbor(images, [h * s, w * s]);
}

/**
 * The feature maps of one layer for one input, each channel normalised to
 * [0, 1] and tiled into one grayscale image `[H', W', 1]` (for `writePng`).
 */
export function featureMapGrid(model: tf.LayersModel, layer: LayerRef, image: tf.Tensor, options: FeatureMapGridOptions = {}): tf.Tensor3D {
  const maps = featureMaps(model, layer, image);
  try {
    if (maps.rank !== 4) {
      throw new ShapeError(`layer ${findLayer(model, layer).name} output`, 'feature maps [N, H, W, C]', `[${maps.shape.join(', ')}]`);
    }
    if (maps.shape[0] !== 1) throw new ShapeError('image', 'one input (or a batch of 1)', `a batch of ${maps.shape[0]}`);
    return tf.tidy(() => {
      const channels = maps.shape[3] as number;
      const count = Math.min(channels, options.maxMaps ?? channels);
      // [1, H, W, C] → [C, H, W, 1]: one grayscale tile per channel.
      const tiles = maps.slice([0, 0, 0, 0], [1, -1, -1, count]).transpose([3, 1, 2, 0]) as tf.Tensor4D;
      return imageGrid(upscale(normalizeEach(tiles), options.scale), options);
    });
  } finally {
    maps.dispose();
  }
}

/** The first Conv2D layer of a model (searching nested models too). */
export function firstConvLayer(model: tf.LayersModel): tf.layers.Layer {
  for (const layer of model.layers) {
    if (layer.getClassName() === 'Conv2D') return layer;
    if (layer instanceof tf.LayersModel) {
      const inner = firstConvLayer(layer);
      if (inner) return inner;
    }
  }
  throw new InvalidArgumentError('model', 'a model with a Conv2D layer', model.name);
}

export interface FilterGridOptions extends ImageGridOptions {
  /** The convolution to show (default: the first Conv2D). */
  layer?: LayerRef;
  /** Integer upscaling of each filter, nearest neighbour (default 8). */
  scale?: number;
}

/**
 * The kernels of a convolution as images `[filters, kh, kw, C]`, each scaled to
 * [0, 1] by its own range: C = 3 (an RGB picture per filter) when the layer reads
 * 3 channels, otherwise C = 1 with one tile per (filter, input channel).
 */
export function convFilters(model: tf.LayersModel, layer?: LayerRef): tf.Tensor4D {
  const conv = layer === undefined ? firstConvLayer(model) : findLayer(model, layer);
  const kernel = conv.getWeights()[0];
  if (!kernel || kernel.rank !== 4) throw new InvalidArgumentError('layer', 'a convolution with a [kh, kw, in, out] kernel', conv.name);
  return tf.tidy(() => {
    const [kh, kw, cin, cout] = kernel.shape as [number, number, number, number];
    const images =
      cin === 3 || cin === 1
        ? (kernel.transpose([3, 0, 1, 2]) as tf.Tensor4D)
        : (kernel.transpose([3, 2, 0, 1]).reshape([cout * cin, kh, kw, 1]) as tf.Tensor4D);
    return normalizeEach(images);
  });
}

/** `convFilters` tiled into one image (for `writePng`). */
export function filterGrid(model: tf.LayersModel, options: FilterGridOptions = {}): tf.Tensor3D {
  return tf.tidy(() => imageGrid(upscale(convFilters(model, options.layer), options.scale ?? 8), options));
}

/** The Keras-style summary table (layers, output shapes, parameters; totals) as text. */
export function modelSummaryText(model: tf.LayersModel, lineLength = 98): string {
  const lines: string[] = [];
  model.summary(lineLength, undefined, (...message: unknown[]) => lines.push(message.map(String).join(' ')));
  return lines.join('\n');
}
