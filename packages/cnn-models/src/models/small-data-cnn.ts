import { tf } from '@deepcourse/backend';
import { LayerSeeds } from '../layers/seeded-initializers.js';
import { checkIntegerList, checkPositiveInteger, checkRate, checkShape, outputHead, type BuilderOptions } from './options.js';

export interface SmallDataCnnOptions extends BuilderOptions {
  /** Default [150, 150, 3] (the course's MRI images). */
  inputShape?: number[];
  /** Filters of each Conv 3x3 relu → MaxPool 2 stage (default [32, 32, 64]). */
  filters?: number[];
  /** Units of the hidden dense layer (default 64). */
  denseUnits?: number;
  /** Dropout before the output (default 0.5). */
  dropout?: number;
  /** Default 1: one sigmoid unit (binary, e.g. tumour / normal). */
  numClasses?: number;
}

/**
 * The course's small-data network (150x150x3 MRI images, binary): three
 * Conv 3x3 relu / MaxPool 2 stages with 32, 32, 64 filters → Flatten →
 * Dense 64 relu → Dropout 0.5 → Dense 1 sigmoid; 1,212,513 parameters.
 */
export function smallDataCnn(options: SmallDataCnnOptions = {}): tf.Sequential {
  const inputShape = checkShape(options.inputShape ?? [150, 150, 3], 'inputShape', 3);
  const filters = checkIntegerList(options.filters ?? [32, 32, 64], 'filters');
  const denseUnits = checkPositiveInteger(options.denseUnits ?? 64, 'denseUnits');
  const dropout = checkRate(options.dropout ?? 0.5, 'dropout');
  const head = outputHead(options.numClasses ?? 1);
  const seeds = new LayerSeeds(options.seed);
  const model = tf.sequential(options.name ? { name: options.name } : {});
  filters.forEach((f, i) => {
    model.add(
      tf.layers.conv2d({ ...(i === 0 ? { inputShape } : {}), filters: f, kernelSize: 3, activation: 'relu', kernelInitializer: seeds.glorotUniform() }),
    );
    model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  });
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: denseUnits, activation: 'relu', kernelInitializer: seeds.glorotUniform() }));
  if (dropout > 0) model.add(tf.layers.dropout({ rate: dropout }));
  model.add(tf.layers.dense({ units: head.units, activation: head.activation, kernelInitializer: seeds.glorotUniform() }));
  return model;
}
