// Runs a tfjs LayersModel layer by layer on concrete tensors, the way tfjs's own
// Container.runInternalGraph does, with two additions the explanation methods need:
//  - a tap: the output of one layer (found at any depth of nested models) can be
//    read and replaced, so gradients can be taken with respect to it;
//  - logits: a final softmax/sigmoid (an activation of the output layer, or a
//    separate Activation/Softmax layer, also inside a nested head) is skipped.
// A nested model (a transfer base used as one layer of the outer model) is
// executed through its own graph, so a layer inside it is reachable. Building a
// tf.model from the outer input to an inner layer's output is impossible because
// the inner layer's symbolic tensors belong to the inner graph only.
import { tf } from '@deepcourse/backend';
import { UnsupportedModelError } from './errors.js';

type Layer = tf.layers.Layer;

/** The parts of tfjs-layers' SymbolicTensor the executor reads. */
interface SymbolicTensorLike {
  readonly id: number;
  readonly name: string;
  readonly shape: (number | null)[];
  readonly sourceLayer: Layer;
  readonly nodeIndex: number;
  readonly tensorIndex: number;
}

/** The parts of tfjs-layers' Node (one call of a layer inside a graph) the executor reads. */
interface GraphNode {
  readonly outboundLayer: Layer;
  readonly inputTensors: SymbolicTensorLike[];
  readonly outputTensors: SymbolicTensorLike[];
  readonly callArgs?: Record<string, unknown> | null;
}

/** The parts of tfjs-layers' Container (LayersModel, Sequential) the executor reads. */
interface ContainerLike {
  readonly name: string;
  readonly layers: Layer[];
  readonly inputs: SymbolicTensorLike[];
  readonly outputs: SymbolicTensorLike[];
  readonly nodesByDepth: Record<string, GraphNode[]>;
}

interface ActivationLike {
  getClassName(): string;
  apply(x: tf.Tensor): tf.Tensor;
}

function isContainer(layer: unknown): layer is ContainerLike & Layer {
  const c = layer as Partial<ContainerLike> | null;
  if (c == null || !Array.isArray(c.layers) || !Array.isArray(c.inputs) || !Array.isArray(c.outputs)) return false;
  ensureSequentialBuilt(layer as Layer);
  return c.nodesByDepth != null;
}

/**
 * A Sequential model builds its inner graph lazily (on the first predict) and
 * marks it stale when layers are added; build it as predict would.
 */
function ensureSequentialBuilt(layer: Layer): void {
  const sequential = layer as unknown as { model?: unknown; built: boolean; outputs: unknown[]; build(): void };
  if (layer.getClassName() === 'Sequential' && (sequential.model == null || !sequential.built) && sequential.outputs.length > 0) {
    sequential.build();
  }
}

function inboundNodes(layer: Layer): GraphNode[] {
  return (layer as unknown as { inboundNodes: GraphNode[] }).inboundNodes;
}

function activationOf(layer: Layer): ActivationLike | undefined {
  const activation = (layer as unknown as { activation?: unknown }).activation;
  if (activation != null && typeof (activation as ActivationLike).getClassName === 'function') return activation as ActivationLike;
  return undefined;
}

const LINEAR: ActivationLike = { getClassName: () => 'linear', apply: (x) => x };
const SQUASHING = new Set(['softmax', 'sigmoid']);

/** How the pre-softmax (logit) output is obtained from a model that ends in softmax or sigmoid. */
export interface LogitsPlan {
  /** The node whose activation is skipped. */
  readonly node: GraphNode;
  /** `'input'`: take the node's input (a separate Activation/Softmax layer); `'linear'`: run its layer without its activation. */
  readonly take: 'input' | 'linear';
  /** The activation skipped. */
  readonly activation: 'softmax' | 'sigmoid';
  /** Path of the layer, outer model first. */
  readonly layerPath: string[];
}

/** A layer to read (and replace) the output of, with the models that contain it. */
export interface LayerTap {
  readonly layer: Layer;
  /** Names from the outer model down to the layer, e.g. `['transfer', 'base', 'conv2d_3']`. */
  readonly path: string[];
}

export interface RunOptions {
  /** Skip the final softmax/sigmoid this plan names. */
  logits?: LogitsPlan | undefined;
  /** Called with the tap layer's output; what it returns flows on instead. */
  tap?: { layer: Layer; transform: (output: tf.Tensor) => tf.Tensor } | undefined;
}

/** Checks that `model` is a built, single-input, single-output LayersModel and returns it as a graph. */
export function asGraph(model: tf.LayersModel, argument = 'model'): ContainerLike & Layer {
  if (!isContainer(model)) {
    const sequential = model as unknown as { layers?: unknown[] };
    if (Array.isArray(sequential.layers)) {
      throw new UnsupportedModelError(
        `${argument}: the model is not built; give its first layer an inputShape or call model.build([null, ...shape])`,
      );
    }
    throw new UnsupportedModelError(`${argument}: expected a tf.LayersModel (tf.sequential or tf.model), found ${typeof model}`);
  }
  if (model.inputs.length === 0) throw new UnsupportedModelError(`${argument}: the model has no layers yet`);
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw new UnsupportedModelError(
      `${argument}: expected a model with one input and one output, found ${model.inputs.length} inputs and ${model.outputs.length} outputs`,
    );
  }
  return model;
}

/** Runs `graph` on concrete inputs, applying the logits plan and the tap wherever they are in the nesting. */
export function runGraph(graph: ContainerLike, inputs: tf.Tensor[], options: RunOptions = {}): tf.Tensor[] {
  const tensorMap = new Map<number, [tf.Tensor, tf.Tensor | null]>();
  graph.inputs.forEach((x, i) => tensorMap.set(x.id, [inputs[i] as tf.Tensor, null]));
  const depths = Object.keys(graph.nodesByDepth)
    .map(Number)
    .sort((a, b) => b - a);
  for (const depth of depths) {
    for (const node of graph.nodesByDepth[depth] ?? []) {
      const layer = node.outboundLayer;
      if (layer.getClassName() === 'InputLayer') continue;
      const computed = node.inputTensors.map((x) => tensorMap.get(x.id));
      if (computed.some((c) => c === undefined)) continue;
      const data = computed as [tf.Tensor, tf.Tensor | null][];
      const xs = data.map((d) => d[0]);
      const masks = data.map((d) => d[1]);
      const x: tf.Tensor | tf.Tensor[] = xs.length === 1 ? (xs[0] as tf.Tensor) : xs;
      const mask: tf.Tensor | tf.Tensor[] | null = masks.length === 1 ? masks[0] ?? null : masks.every((m) => m == null) ? null : (masks as tf.Tensor[]);
      let outputs: tf.Tensor[];
      let outputMasks: (tf.Tensor | null)[];
      if (isContainer(layer)) {
        outputs = runGraph(layer, xs, options);
        outputMasks = outputs.map(() => null);
      } else {
        const kwargs: Record<string, unknown> = { ...(node.callArgs ?? {}) };
        if (kwargs['mask'] == null && mask != null) kwargs['mask'] = mask;
        const plan = options.logits;
        if (plan !== undefined && plan.node === node && plan.take === 'input') {
          outputs = xs;
        } else if (plan !== undefined && plan.node === node && plan.take === 'linear') {
          const holder = layer as unknown as { activation: ActivationLike };
          const saved = holder.activation;
          holder.activation = LINEAR;
          try {
            outputs = toList(layer.call(x, kwargs));
          } finally {
            holder.activation = saved;
          }
        } else {
          outputs = toList(layer.call(x, kwargs));
        }
        const computedMask = layer.computeMask(x, mask ?? undefined);
        outputMasks = Array.isArray(computedMask) ? computedMask : outputs.map(() => computedMask ?? null);
      }
      if (options.tap !== undefined && options.tap.layer === layer) {
        outputs = [options.tap.transform(outputs[0] as tf.Tensor), ...outputs.slice(1)];
      }
      node.outputTensors.forEach((ref, i) => tensorMap.set(ref.id, [outputs[i] as tf.Tensor, outputMasks[i] ?? null]));
    }
  }
  return graph.outputs.map((ref) => {
    const value = tensorMap.get(ref.id);
    if (value === undefined) throw new UnsupportedModelError(`model ${graph.name}: could not compute output ${ref.name}`);
    return value[0];
  });
}

function toList(value: tf.Tensor | tf.Tensor[]): tf.Tensor[] {
  return Array.isArray(value) ? value : [value];
}

/**
 * Finds where a model's final softmax or sigmoid is, following its output back
 * through nested models. Returns undefined when the model does not end in one
 * (its output is then explained as it is).
 */
export function findLogitsPlan(graph: ContainerLike, path: string[] = [graph.name]): LogitsPlan | undefined {
  const output = graph.outputs[0];
  if (output === undefined) return undefined;
  const layer = output.sourceLayer;
  if (isContainer(layer)) {
    // The outer output is the nested model's output: look inside it.
    return findLogitsPlan(layer, [...path, layer.name]);
  }
  const node = inboundNodes(layer)[output.nodeIndex];
  if (node === undefined) return undefined;
  const className = layer.getClassName();
  if (className === 'Softmax') {
    return { node, take: 'input', activation: 'softmax', layerPath: [...path, layer.name] };
  }
  const activation = activationOf(layer)?.getClassName();
  if (activation !== undefined && SQUASHING.has(activation)) {
    return {
      node,
      take: className === 'Activation' ? 'input' : 'linear',
      activation: activation as 'softmax' | 'sigmoid',
      layerPath: [...path, layer.name],
    };
  }
  return undefined;
}

function outputRank(layer: Layer): number | undefined {
  try {
    const shape = layer.outputShape;
    if (Array.isArray(shape) && (shape.length === 0 || typeof shape[0] === 'number' || shape[0] === null)) return shape.length;
  } catch {
    // A layer with several inbound nodes has no single output shape.
  }
  return undefined;
}

/**
 * The layer Grad-CAM reads: the named one, searched at every depth (a name or a
 * path `'base/conv2d_3'`), or by default the last layer with a 4-D output,
 * looking inside nested models so that a transfer model's base is entered.
 */
export function findFeatureLayer(graph: ContainerLike, name?: string): LayerTap {
  if (name !== undefined) {
    const found = name.includes('/') ? findByPath(graph, name.split('/')) : findByName(graph, name, [graph.name]);
    if (found === undefined) {
      throw new UnsupportedModelError(`layer: no layer named ${JSON.stringify(name)} in model ${graph.name} (layers: ${listLayers(graph).join(', ')})`);
    }
    return found;
  }
  const found = lastFourDimensional(graph, [graph.name]);
  if (found === undefined) {
    throw new UnsupportedModelError(
      `model ${graph.name}: no layer with a 4-D output [batch, height, width, channels] to take Grad-CAM from (layers: ${listLayers(graph).join(', ')})`,
    );
  }
  return found;
}

function lastFourDimensional(graph: ContainerLike, path: string[]): LayerTap | undefined {
  for (let i = graph.layers.length - 1; i >= 0; i--) {
    const layer = graph.layers[i] as Layer;
    if (layer.getClassName() === 'InputLayer') continue;
    if (isContainer(layer)) {
      const inner = lastFourDimensional(layer, [...path, layer.name]);
      if (inner !== undefined) return inner;
      continue;
    }
    if (outputRank(layer) === 4) return { layer, path: [...path, layer.name] };
  }
  return undefined;
}

function findByName(graph: ContainerLike, name: string, path: string[]): LayerTap | undefined {
  for (const layer of graph.layers) {
    if (layer.name === name && !isContainer(layer)) return { layer, path: [...path, layer.name] };
    if (isContainer(layer)) {
      const inner = findByName(layer, name, [...path, layer.name]);
      if (inner !== undefined) return inner;
    }
  }
  return undefined;
}

function findByPath(graph: ContainerLike, parts: string[]): LayerTap | undefined {
  let current: ContainerLike = graph;
  const path = [graph.name];
  for (let i = 0; i < parts.length; i++) {
    const layer = current.layers.find((l) => l.name === parts[i]);
    if (layer === undefined) return undefined;
    path.push(layer.name);
    if (i === parts.length - 1) return isContainer(layer) ? undefined : { layer, path };
    if (!isContainer(layer)) return undefined;
    current = layer;
  }
  return undefined;
}

function listLayers(graph: ContainerLike, prefix = ''): string[] {
  return graph.layers.flatMap((layer) =>
    isContainer(layer) ? [`${prefix}${layer.name}`, ...listLayers(layer, `${prefix}${layer.name}/`)] : [`${prefix}${layer.name}`],
  );
}

/** The model's input shape without the batch dimension (null for free dimensions). */
export function inputShapeOf(graph: ContainerLike): (number | null)[] {
  return (graph.inputs[0] as SymbolicTensorLike).shape.slice(1);
}
