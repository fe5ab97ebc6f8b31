import { InvalidArgumentError, seedStream, tf, type HistoryJSON, type ProgressReporterOptions } from '@deepcourse/backend';
import { trainClassifier, type BatchAugmentation, type ClassificationData } from '@deepcourse/cnn-models';
import { checkFitsBase } from './feature-layer.js';
import { selectLayers, type LayerSelector } from './freeze.js';
import { isEffectivelyTrainable, listLayers, setLayerTrainable, type LayerEntry } from './layer-paths.js';
import { HEAD_PREFIX } from './replace-head.js';

/** One phase of fine-tuning. */
export interface FineTunePhase {
  epochs: number;
  /** Default 1e-3 for the first phase, 1e-4 (ten times lower) for later ones. */
  learningRate?: number;
  /** 'adam' (default), 'sgd' or 'rmsprop'; a fresh optimizer per phase. */
  optimizer?: 'adam' | 'sgd' | 'rmsprop';
  /**
   * Base layers that train in this phase besides the head: the top N base layers that have weights
   * (pooling, dropout and flatten layers do not count), or 'all' (default 0: base frozen).
   */
  unfreezeTop?: number | 'all';
  /** Or exactly these base layers (a selector over the base layers, see `freezeLayers`). */
  unfreeze?: LayerSelector;
  /** Default: the `batchSize` of the options. */
  batchSize?: number;
}

export interface FineTuneOptions {
  /** Default: head only for 10 epochs at 1e-3, then the top 2 base layers with weights and the head for 10 epochs at 1e-4. */
  phases?: readonly FineTunePhase[];
  /** Default 32. */
  batchSize?: number;
  /** Seed of shuffling, dropout and augmentation; each phase draws its own from it. */
  seed?: number;
  validationData?: ClassificationData;
  /** Per-batch augmentation, `(images, seed) => images` (e.g. an @deepcourse/augment pipeline). */
  augment?: BatchAugmentation;
  /** Progress of each phase through the backend reporter (default true). */
  progress?: boolean | ProgressReporterOptions;
  /** Which layers form the head (default: names starting with 'head_', as `replaceHead` names them). */
  isHeadLayer?: (layer: tf.layers.Layer, path: string) => boolean;
  callbacks?: tf.Callback[];
}

export interface FineTunePhaseResult {
  history: HistoryJSON;
  epochsRun: number;
  learningRate: number;
  /** Paths (`base/conv3`) of the layers with weights that trained in this phase. */
  trainedLayers: string[];
}

export interface FineTuneResult {
  phases: FineTunePhaseResult[];
}

const DEFAULT_PHASES: FineTunePhase[] = [
  { epochs: 10, learningRate: 1e-3, unfreezeTop: 0 },
  { epochs: 10, learningRate: 1e-4, unfreezeTop: 2 },
];

/**
 * The two-phase transfer schedule (Chollet, Deep Learning with Python 5.3):
 * train the new head with the base frozen, then unfreeze the top base layers
 * and train them with the head at a lower learning rate. The model is
 * compiled afresh for each phase, since tfjs reads the trainable flags at
 * compile time. Afterwards the flags are those of the last phase.
 *
 * ```ts
 * const model = replaceHead(base, { numClasses: 5, hidden: 64, dropout: 0.3 });
 * await fineTune(model, { images, labels }, { phases: [{ epochs: 10 }, { epochs: 10, unfreezeTop: 1, learningRate: 1e-4 }], seed: 1 });
 * ```
 */
export async function fineTune(model: tf.LayersModel, data: ClassificationData, options: FineTuneOptions = {}): Promise<FineTuneResult> {
  if (!(model instanceof tf.LayersModel)) throw new InvalidArgumentError('model', 'a tfjs layers model', model);
  const phases = options.phases ?? DEFAULT_PHASES;
  if (!Array.isArray(phases) || phases.length === 0) throw new InvalidArgumentError('phases', 'a non-empty array of phases', phases);
  const inputs = data?.images ?? data?.inputs;
  if (inputs instanceof tf.Tensor) checkFitsBase(model, inputs.shape.slice(1), 'data.images');
  if (options.validationData) {
    const v = options.validationData.images ?? options.validationData.inputs;
    if (v instanceof tf.Tensor) checkFitsBase(model, v.shape.slice(1), 'validationData.images');
  }

  const isHead = options.isHeadLayer ?? ((layer: tf.layers.Layer) => layer.name.startsWith(HEAD_PREFIX));
  const entries = listLayers(model);
  const head = entries.filter((e) => isHead(e.layer, e.path));
  const base = entries.filter((e) => !head.includes(e));
  if (!head.some((e) => e.hasWeights)) {
    throw new InvalidArgumentError('model', `a model with a head (layers named ${HEAD_PREFIX}*, as replaceHead makes, or options.isHeadLayer)`, `layers ${entries.map((e) => e.path).join(', ')}`);
  }
  const chosenPerPhase = phases.map((phase, i) => {
    checkPhase(phase, i);
    return chooseBaseLayers(base, phase, i);
  });

  const stream = seedStream(options.seed);
  const results: FineTunePhaseResult[] = [];
  for (const [i, phase] of phases.entries()) {
    const chosen = chosenPerPhase[i]!;
    for (const entry of base) setLayerTrainable(entry, chosen.has(entry));
    for (const entry of head) setLayerTrainable(entry, true);
    const learningRate = phase.learningRate ?? (i === 0 ? 1e-3 : 1e-4);
    releaseOwnedOptimizer(model);
    const { history, epochsRun } = await trainClassifier(model, data, {
      epochs: phase.epochs,
      batchSize: phase.batchSize ?? options.batchSize ?? 32,
      learningRate,
      optimizer: phase.optimizer ?? 'adam',
      compile: true,
      seed: stream.next(),
      progress: options.progress ?? true,
      ...(options.validationData ? { validationData: options.validationData } : {}),
      ...(options.augment ? { augment: options.augment } : {}),
      ...(options.callbacks ? { callbacks: options.callbacks } : {}),
    });
    const trainedLayers = listLayers(model).filter((e) => e.hasWeights && isEffectivelyTrainable(e)).map((e) => e.path);
    results.push({ history, epochsRun, learningRate, trainedLayers });
  }
  return { phases: results };
}

/**
 * Compiling again replaces the optimizer without freeing it: free the state of
 * one the model owns (made by a named optimizer, e.g. by the previous phase),
 * never one the caller passed in.
 */
function releaseOwnedOptimizer(model: tf.LayersModel): void {
  const m = model as unknown as { optimizer?: tf.Optimizer; isOptimizerOwned?: boolean };
  if (m.optimizer !== undefined && m.isOptimizerOwned === true) m.optimizer.dispose();
}

function checkPhase(phase: FineTunePhase, i: number): void {
  if (typeof phase !== 'object' || phase === null) throw new InvalidArgumentError(`phases[${i}]`, '{ epochs, learningRate?, unfreezeTop? }', phase);
  if (!Number.isInteger(phase.epochs) || phase.epochs < 1) throw new InvalidArgumentError(`phases[${i}].epochs`, 'a positive integer', phase.epochs);
  if (phase.learningRate !== undefined && !(phase.learningRate > 0 && Number.isFinite(phase.learningRate))) {
    throw new InvalidArgumentError(`phases[${i}].learningRate`, 'a positive number', phase.learningRate);
  }
  if (phase.unfreezeTop !== undefined && phase.unfreeze !== undefined) {
    throw new InvalidArgumentError(`phases[${i}]`, 'either unfreezeTop or unfreeze, not both', 'both');
  }
}

function chooseBaseLayers(base: LayerEntry[], phase: FineTunePhase, i: number): Set<LayerEntry> {
  if (phase.unfreeze !== undefined) return new Set(selectLayers(base, phase.unfreeze, `phases[${i}].unfreeze`));
  const top = phase.unfreezeTop ?? 0;
  const weighted = base.filter((e) => e.hasWeights);
  if (top === 'all') return new Set(base);
  if (!Number.isInteger(top) || top < 0 || top > weighted.length) {
    throw new InvalidArgumentError(`phases[${i}].unfreezeTop`, `'all' or an integer in [0, ${weighted.length}] (the base layers with weights)`, top);
  }
  if (top === 0) return new Set();
  // Everything above the lowest unfrozen weighted layer trains (its pooling and dropout layers have no weights anyway).
  const lowest = base.indexOf(weighted[weighted.length - top]!);
  return new Set(base.slice(lowest));
}
