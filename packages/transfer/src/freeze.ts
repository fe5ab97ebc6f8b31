import { InvalidArgumentError, type tf } from '@deepcourse/backend';
import { listLayers, resolveLayer, setLayerTrainable, type LayerEntry } from './layer-paths.js';

/**
 * Which layers to address. Layers are counted in `listLayers(model)` order:
 * nested models are expanded and input layers left out.
 * - `upTo`: every layer from the first up to this one (name, path like `base/conv2`, or index; inclusive
 *   unless `inclusive: false`), the Keras idiom `for layer in model.layers[:k]`.
 * - `names`: these layers (names or paths); the name of a nested model selects all its layers.
 * - `predicate`: the layers for which it returns true.
 */
export type LayerSelector =
  | { upTo: string | number; inclusive?: boolean; names?: undefined; predicate?: undefined }
  | { names: readonly string[]; upTo?: undefined; predicate?: undefined }
  | { predicate: (layer: tf.layers.Layer, index: number, path: string) => boolean; upTo?: undefined; names?: undefined };

/** The entries `selector` picks out of `entries`. */
export function selectLayers(entries: LayerEntry[], selector: LayerSelector, argument = 'selector'): LayerEntry[] {
  if (typeof selector !== 'object' || selector === null) {
    throw new InvalidArgumentError(argument, '{ upTo }, { names } or { predicate }', selector);
  }
  const given = (['upTo', 'names', 'predicate'] as const).filter((k) => selector[k] !== undefined);
  if (given.length !== 1) {
    throw new InvalidArgumentError(argument, 'exactly one of upTo, names, predicate', given.length === 0 ? 'none' : given.join(' and '));
  }
  if (selector.upTo !== undefined) {
    const last = resolveLayer(entries, selector.upTo, `${argument}.upTo`);
    return entries.slice(0, selector.inclusive === false ? last : last + 1);
  }
  if (selector.names !== undefined) {
    if (!Array.isArray(selector.names)) throw new InvalidArgumentError(`${argument}.names`, 'an array of layer names or paths', selector.names);
    const chosen = new Set<LayerEntry>();
    selector.names.forEach((name, i) => {
      // A nested model's name (or path) selects every layer inside it.
      const inside = entries.filter((e) => typeof name === 'string' && (e.path.startsWith(`${name}/`) || e.containers.some((c) => c.name === name)));
      if (inside.length > 0) inside.forEach((e) => chosen.add(e));
      else chosen.add(entries[resolveLayer(entries, name, `${argument}.names[${i}]`)]!);
    });
    return entries.filter((e) => chosen.has(e));
  }
  const predicate = selector.predicate;
  if (typeof predicate !== 'function') throw new InvalidArgumentError(`${argument}.predicate`, 'a function (layer, index, path) => boolean', predicate);
  return entries.filter((e, i) => predicate(e.layer, i, e.path));
}

/**
 * Freezes the selected layers (trainable = false) and leaves the others as
 * they are; returns the paths it froze. Works through nested models. tfjs
 * reads the trainable flags when a model is compiled: compile again before
 * training (`fineTune` does this for you).
 *
 * ```ts
 * freezeLayers(model, { upTo: 'conv3' });          // conv1..conv3 frozen
 * freezeLayers(model, { names: ['base'] });        // every layer of the nested base
 * freezeLayers(model, { predicate: (l) => l.getClassName() === 'Conv2D' });
 * ```
 */
export function freezeLayers(model: tf.LayersModel, selector: LayerSelector): string[] {
  return setTrainable(model, selector, false);
}

/** The opposite of `freezeLayers`: makes the selected layers trainable (also inside frozen nested models). */
export function unfreezeLayers(model: tf.LayersModel, selector: LayerSelector): string[] {
  return setTrainable(model, selector, true);
}

function setTrainable(model: tf.LayersModel, selector: LayerSelector, trainable: boolean): string[] {
  const chosen = selectLayers(listLayers(model), selector);
  for (const entry of chosen) setLayerTrainable(entry, trainable);
  return chosen.map((e) => e.path);
}
