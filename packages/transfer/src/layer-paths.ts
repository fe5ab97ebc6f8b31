import { InvalidArgumentError, tf } from '@deepcourse/backend';

type Layer = tf.layers.Layer;

/** One layer of a model with nested models expanded: `path` is `outer/inner` for a layer inside a nested model. */
export interface LayerEntry {
  /** The layer's name, prefixed by the names of the nested models holding it (`base/conv1`). */
  path: string;
  layer: Layer;
  /** The nested models holding this layer, outermost first (empty for a top-level layer). */
  containers: tf.LayersModel[];
  /** Whether the layer owns weights (Conv, Dense, BatchNorm, ...), as opposed to pooling, dropout, flatten. */
  hasWeights: boolean;
}

/** True for a model used as a layer (a nested Sequential or functional model). */
export function isNestedModel(layer: Layer): layer is Layer & tf.LayersModel {
  return layer instanceof tf.LayersModel;
}

function isInputLayer(layer: Layer): boolean {
  return layer.getClassName() === 'InputLayer';
}

/**
 * Every layer of `model` in order, nested models expanded into their own
 * layers (depth first), input layers left out. Freezing, unfreezing and
 * fine-tuning all address layers through this one list, so a base nested as
 * one layer and the same base flattened into the graph behave alike.
 */
export function listLayers(model: tf.LayersModel): LayerEntry[] {
  const out: LayerEntry[] = [];
  const visit = (container: tf.LayersModel, prefix: string, containers: tf.LayersModel[]) => {
    for (const layer of container.layers) {
      if (isInputLayer(layer)) continue;
      const path = prefix + layer.name;
      if (isNestedModel(layer)) {
        visit(layer, `${path}/`, [...containers, layer]);
      } else {
        out.push({ path, layer, containers, hasWeights: layer.weights.length > 0 });
      }
    }
  };
  visit(model, '', []);
  return out;
}

/** `{ path: trainable }` for every layer of `model` (nested models expanded). */
export function trainableMap(model: tf.LayersModel): Record<string, boolean> {
  const out: Record<string, boolean> = {};
  for (const entry of listLayers(model)) out[entry.path] = isEffectivelyTrainable(entry);
  return out;
}

/** A layer trains when it and every nested model around it are trainable. */
export function isEffectivelyTrainable(entry: LayerEntry): boolean {
  return entry.layer.trainable && entry.containers.every((c) => c.trainable);
}

/**
 * Sets the trainable flag of one layer. A nested model's own flag overrides
 * its layers in tfjs (and its setter resets every weight inside), so making a
 * layer trainable inside a frozen nested model turns the nested model on and
 * puts its other layers' flags back as they were.
 */
export function setLayerTrainable(entry: LayerEntry, trainable: boolean): void {
  if (trainable) {
    for (const container of entry.containers) {
      if (container.trainable) continue;
      const inner = listLayers(container).map((e) => [e.layer, false] as const);
      container.trainable = true;
      // The container was frozen as a whole: its layers stay frozen unless chosen here.
      for (const [layer, value] of inner) layer.trainable = value;
    }
  }
  entry.layer.trainable = trainable;
}

/** Resolves a layer reference (path, bare name, or index into `listLayers`, negative from the end). */
export function resolveLayer(entries: LayerEntry[], ref: string | number, argument: string): number {
  if (typeof ref === 'number') {
    if (!Number.isInteger(ref) || ref >= entries.length || ref < -entries.length) {
      throw new InvalidArgumentError(argument, `a layer index in [${-entries.length}, ${entries.length})`, ref);
    }
    return ref < 0 ? entries.length + ref : ref;
  }
  if (typeof ref !== 'string') throw new InvalidArgumentError(argument, 'a layer name, path or index', ref);
  const byPath = entries.findIndex((e) => e.path === ref);
  if (byPath >= 0) return byPath;
  const byName = entries.map((e, i) => [e, i] as const).filter(([e]) => e.layer.name === ref);
  if (byName.length === 1) return byName[0]![1];
  if (byName.length > 1) {
    throw new InvalidArgumentError(argument, `a unique layer; use a path (${byName.map(([e]) => e.path).join(', ')})`, ref);
  }
  throw new InvalidArgumentError(argument, `one of the model's layers (${entries.map((e) => e.path).join(', ')})`, ref);
}
