import {
  earlyStopping as earlyStoppingCallback,
  getLearningRate,
  historyToJSON,
  InvalidArgumentError,
  nanGuard,
  progressReporter,
  seedStream,
  setLearningRate,
  ShapeError,
  tf,
  type EarlyStopping,
  type EarlyStoppingOptions,
  type HistoryJSON,
  type ProgressReporterOptions,
  type SeedStream,
} from '@deepcourse/backend';
import { modelClassCount, readClassificationData, targetsFor, type ClassificationData } from './data.js';

/** Augments one training batch; called once per batch with a fresh seed. Must return a tensor of the batch's shape. */
export type BatchAugmentation = (images: tf.Tensor, seed: number) => tf.Tensor;

/** The learning rate for an epoch (zero-based), given the rate in force. */
export type LearningRateSchedule = (epoch: number, learningRate: number) => number;

export interface TrainClassifierOptions {
  /** Default 10. */
  epochs?: number;
  /** Default 32. */
  batchSize?: number;
  /** Fraction of the examples held out for validation, taken from the end before shuffling (as Keras does). */
  validationSplit?: number;
  /** A separate validation set (instead of `validationSplit`). */
  validationData?: ClassificationData;
  /** 'adam' (default), 'sgd', 'rmsprop', or an optimizer; used when the model is compiled here. */
  optimizer?: 'adam' | 'sgd' | 'rmsprop' | tf.Optimizer;
  /** Learning rate of a named optimizer (default 0.001 for adam/rmsprop, 0.01 for sgd). */
  learningRate?: number;
  /** Sets the learning rate at the start of every epoch (see `stepDecay`, `exponentialDecay`). */
  learningRateSchedule?: LearningRateSchedule;
  /** Stop when the monitored value stops improving and restore the best weights; `true` = val_loss, patience 3. */
  earlyStopping?: boolean | EarlyStoppingOptions;
  /** Seed of shuffling, dropout masks and augmentation seeds (default: the backend's global seed). */
  seed?: number;
  /** Per-batch augmentation of the training inputs, e.g. an @deepcourse/augment pipeline. */
  augment?: BatchAugmentation;
  /** Shuffle the training examples every epoch (default true). */
  shuffle?: boolean;
  /** Progress through the backend reporter (default true); options pass on to `progressReporter`. */
  progress?: boolean | ProgressReporterOptions;
  /** More tfjs callbacks. */
  callbacks?: tf.Callback[];
  /**
   * Compile the model here (default: when it is not compiled yet or an optimizer,
   * learning rate or a non-zero label smoothing is given): categorical cross-entropy for a softmax output,
   * binary cross-entropy for one sigmoid unit, metric accuracy.
   */
  compile?: boolean;
  /**
   * Label smoothing ε in [0, 1), as Keras' `label_smoothing`: the loss compares the
   * output with (1 − ε)·one-hot + ε/K (K classes; K = 2 for one sigmoid unit).
   * Part of the loss, so validation loss is smoothed too; accuracy is not affected.
   * Needs the model compiled here. Default 0. tfjs saves only named losses: a model saved
   * with its optimizer after smoothed training loads without a loss, so pass the option again.
   */
  labelSmoothing?: number;
}

export interface TrainClassifierResult {
  /** Per-epoch `loss`, `acc` (and `val_loss`, `val_acc`, `lr`). */
  history: HistoryJSON;
  /** Epochs actually run. */
  epochsRun: number;
  /** Zero-based epoch whose weights the model holds after early stopping restored them (else the last). */
  bestEpoch: number;
  /** Zero-based epoch at which early stopping ended training, or -1. */
  stoppedEpoch: number;
  /** Wall-clock seconds of each epoch (training and validation). */
  secondsPerEpoch: number[];
}

/**
 * Trains a classifier on class-labelled data and returns its history. Shuffling,
 * dropout masks and augmentation seeds are drawn from `seed`, so a run on the
 * same backend repeats exactly.
 *
 * ```ts
 * const model = courseCnn({ seed: 1 });
 * const { history } = await trainClassifier(model, train, { epochs: 5, validationSplit: 0.1, seed: 1 });
 * ```
 */
export async function trainClassifier(
  model: tf.LayersModel,
  data: ClassificationData,
  options: TrainClassifierOptions = {},
): Promise<TrainClassifierResult> {
  const epochs = options.epochs ?? 10;
  if (!Number.isInteger(epochs) || epochs < 1) throw new InvalidArgumentError('epochs', 'a positive integer', options.epochs);
  const batchSize = options.batchSize ?? 32;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new InvalidArgumentError('batchSize', 'a positive integer', options.batchSize);
  if (options.validationSplit !== undefined && options.validationData !== undefined) {
    throw new InvalidArgumentError('validationSplit', 'either validationSplit or validationData, not both', options.validationSplit);
  }
  const split = options.validationSplit ?? 0;
  if (typeof split !== 'number' || !(split >= 0 && split < 1)) throw new InvalidArgumentError('validationSplit', 'a fraction in [0, 1)', options.validationSplit);
  if (options.augment !== undefined && typeof options.augment !== 'function') throw new InvalidArgumentError('augment', 'a function (batch, seed) => tensor', options.augment);

  const { inputs, ids } = readClassificationData(data, 'data');
  const { classes, binary } = modelClassCount(model);
  checkInputShape(model, inputs, 'data');
  const stream = seedStream(options.seed);

  compileIfNeeded(model, options, binary);

  // Everything made here is released in `finally`, whatever training does.
  const owned: tf.Tensor[] = [];
  const n = ids.length;
  const validationCount = Math.floor(n * split);
  if (split > 0 && (validationCount === 0 || validationCount === n)) {
    throw new InvalidArgumentError('validationSplit', `a fraction leaving both parts non-empty for ${n} examples`, split);
  }
  const trainCount = n - validationCount;
  const trainTargets = targetsFor(ids.subarray(0, trainCount), classes, binary, 'data');
  owned.push(trainTargets);
  const trainInputs = validationCount > 0 ? inputs.slice(0, trainCount) : inputs;
  if (trainInputs !== inputs) owned.push(trainInputs);

  let validation: [tf.Tensor, tf.Tensor] | undefined;
  if (validationCount > 0) {
    const x = inputs.slice(trainCount, validationCount);
    const y = targetsFor(ids.subarray(trainCount), classes, binary, 'data');
    owned.push(x, y);
    validation = [x, y];
  } else if (options.validationData !== undefined) {
    const v = readClassificationData(options.validationData, 'validationData');
    checkInputShape(model, v.inputs, 'validationData');
    const y = targetsFor(v.ids, classes, binary, 'validationData');
    owned.push(y);
    validation = [v.inputs, y];
  }

  const batchesPerEpoch = Math.ceil(trainCount / batchSize);
  const shuffle = options.shuffle ?? true;
  const augment = options.augment;
  // fitDataset keeps one iterator for all epochs when batchesPerEpoch is given
  // (which also tells the progress bar its length), so the generator runs epoch after epoch.
  const epochStream = stream.fork();
  const dataset = tf.data.generator(function* () {
    for (;;) yield* epochBatches(trainInputs, trainTargets, batchSize, shuffle ? epochStream.fork() : undefined, augment, epochStream.fork());
  });

  const stopper = earlyStoppingFromOption(options.earlyStopping, validation !== undefined);
  const timer = new EpochTimer();
  const schedule = new LearningRateCallback(options.learningRateSchedule);
  const dropoutRandomness = new SeededRandomDuringBatch(stream.fork());
  const callbacks: tf.Callback[] = [dropoutRandomness, timer, schedule, nanGuard()];
  if (stopper) callbacks.push(stopper);
  if (options.progress !== false) callbacks.push(progressReporter(typeof options.progress === 'object' ? options.progress : {}));
  callbacks.push(...(options.callbacks ?? []));

  try {
    const history = await model.fitDataset(dataset, {
      epochs,
      batchesPerEpoch,
      callbacks,
      verbose: 0,
      yieldEvery: 'never',
      ...(validation ? { validationData: validation, validationBatchSize: Math.max(batchSize, 256) } : {}),
    });
    const json = historyToJSON(history);
    if (options.learningRateSchedule) json.metrics.lr = schedule.rates.slice(0, json.epochs.length);
    const epochsRun = json.epochs.length;
    const restored = stopper !== undefined && stopper.restoreBestWeights && stopper.bestEpoch >= 0;
    return {
      history: json,
      epochsRun,
      bestEpoch: restored ? stopper.bestEpoch : epochsRun - 1,
      stoppedEpoch: stopper?.stoppedEpoch ?? -1,
      secondsPerEpoch: timer.seconds,
    };
  } finally {
    dropoutRandomness.restore();
    tf.dispose(owned);
  }
}

/** One epoch of batches in a seeded order, each augmented with its own seed. */
function* epochBatches(
  inputs: tf.Tensor,
  targets: tf.Tensor,
  batchSize: number,
  order: SeedStream | undefined,
  augment: BatchAugmentation | undefined,
  augmentSeeds: SeedStream,
): Generator<{ xs: tf.Tensor; ys: tf.Tensor }> {
  const n = inputs.shape[0] as number;
  const permutation = order ? order.permutation(n) : Int32Array.from({ length: n }, (_, i) => i);
  for (let start = 0; start < n; start += batchSize) {
    const batchIds = permutation.subarray(start, Math.min(n, start + batchSize));
    const seed = augmentSeeds.next();
    yield tf.tidy(() => {
      const indices = tf.tensor1d(batchIds, 'int32');
      let xs = tf.gather(inputs, indices);
      if (augment) {
        const augmented = augment(xs, seed);
        if (!(augmented instanceof tf.Tensor) || !tf.util.arraysEqual(augmented.shape, xs.shape)) {
          throw new ShapeError('augment result', `a tensor of the batch's shape [${xs.shape.join(', ')}]`, augmented instanceof tf.Tensor ? `[${augmented.shape.join(', ')}]` : String(augmented));
        }
        xs = augmented;
      }
      return { xs, ys: tf.gather(targets, indices) };
    });
  }
}

function checkInputShape(model: tf.LayersModel, inputs: tf.Tensor, argument: string): void {
  const expected = model.inputs[0]!.shape.slice(1);
  const found = inputs.shape.slice(1);
  if (expected.length !== found.length || expected.some((d, i) => d !== null && d !== found[i])) {
    throw new ShapeError(`${argument} inputs`, `[N, ${expected.map((d) => d ?? '?').join(', ')}] for this model`, `[${inputs.shape.join(', ')}]`);
  }
}

function compileIfNeeded(model: tf.LayersModel, options: TrainClassifierOptions, binary: boolean): void {
  const compiled = (model as unknown as { optimizer?: tf.Optimizer }).optimizer !== undefined;
  const epsilon = options.labelSmoothing;
  if (epsilon !== undefined && !(typeof epsilon === 'number' && epsilon >= 0 && epsilon < 1)) {
    throw new InvalidArgumentError('labelSmoothing', 'a number in [0, 1)', epsilon);
  }
  const wanted = options.compile ?? (!compiled || options.optimizer !== undefined || options.learningRate !== undefined || Boolean(epsilon));
  if (!wanted) {
    if (!compiled) throw new InvalidArgumentError('compile', 'true for a model that is not compiled yet', false);
    // The loss is fixed at compile time: silently training without the asked smoothing would be wrong.
    if (epsilon) throw new InvalidArgumentError('labelSmoothing', 'compile: true (the loss is set when the model is compiled)', 'compile: false');
    return;
  }
  const optimizer = makeOptimizer(options.optimizer ?? 'adam', options.learningRate);
  const loss = epsilon ? smoothedCrossentropy(epsilon, binary) : binary ? 'binaryCrossentropy' : 'categoricalCrossentropy';
  model.compile({ optimizer, loss, metrics: ['accuracy'] });
  // An optimizer made here belongs to the model: model.dispose() then frees its state too.
  if (typeof options.optimizer !== 'object') (model as unknown as { isOptimizerOwned: boolean }).isOptimizerOwned = true;
}

/** Cross-entropy against smoothed targets (Keras' label_smoothing); the targets stay one-hot for the accuracy metric. */
function smoothedCrossentropy(epsilon: number, binary: boolean): (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor {
  return (yTrue, yPred) =>
    tf.tidy(() => {
      const classes = binary ? 2 : (yTrue.shape[yTrue.rank - 1] as number);
      const smoothed = tf.add(tf.mul(yTrue, 1 - epsilon), epsilon / classes);
      return binary ? tf.metrics.binaryCrossentropy(smoothed, yPred) : tf.metrics.categoricalCrossentropy(smoothed, yPred);
    });
}

/** A tfjs optimizer from a name and learning rate (Keras defaults: adam/rmsprop 0.001, sgd 0.01). */
export function makeOptimizer(optimizer: 'adam' | 'sgd' | 'rmsprop' | tf.Optimizer, learningRate?: number): tf.Optimizer {
  if (learningRate !== undefined && !(typeof learningRate === 'number' && learningRate > 0 && Number.isFinite(learningRate))) {
    throw new InvalidArgumentError('learningRate', 'a positive number', learningRate);
  }
  if (typeof optimizer === 'object' && optimizer !== null && optimizer instanceof tf.Optimizer) {
    if (learningRate !== undefined) setLearningRate(optimizer, learningRate);
    return optimizer;
  }
  switch (optimizer) {
    case 'adam':
      return tf.train.adam(learningRate ?? 0.001);
    case 'sgd':
      return tf.train.sgd(learningRate ?? 0.01);
    case 'rmsprop':
      return tf.train.rmsprop(learningRate ?? 0.001);
    default:
      throw new InvalidArgumentError('optimizer', "'adam', 'sgd', 'rmsprop' or a tf.Optimizer", optimizer);
  }
}

/** Multiplies the rate by `factor` every `every` epochs: lr0 * factor^floor(epoch / every). */
export function stepDecay(initialRate: number, factor: number, every: number): LearningRateSchedule {
  if (!(initialRate > 0) || !(factor > 0) || !Number.isInteger(every) || every < 1) {
    throw new InvalidArgumentError('stepDecay(initialRate, factor, every)', 'positive rate and factor and a positive integer period', `${initialRate}, ${factor}, ${every}`);
  }
  return (epoch) => initialRate * factor ** Math.floor(epoch / every);
}

/** lr0 * rate^epoch. */
export function exponentialDecay(initialRate: number, rate: number): LearningRateSchedule {
  if (!(initialRate > 0) || !(rate > 0)) throw new InvalidArgumentError('exponentialDecay(initialRate, rate)', 'positive numbers', `${initialRate}, ${rate}`);
  return (epoch) => initialRate * rate ** epoch;
}

/**
 * Cosine annealing per epoch (Loshchilov & Hutter 2017, without restarts):
 * finalRate + (lr0 − finalRate) · ½(1 + cos(π · epoch / epochs)), then finalRate
 * from `epochs` on. Pass the run's epoch count: the last epoch trains at a small
 * rate, which settles the weights better than a rate that never gets there.
 */
export function cosineDecay(initialRate: number, epochs: number, finalRate = 0): LearningRateSchedule {
  if (!(initialRate > 0) || !Number.isInteger(epochs) || epochs < 1 || !(finalRate >= 0 && finalRate <= initialRate)) {
    throw new InvalidArgumentError('cosineDecay(initialRate, epochs, finalRate)', 'a positive rate, a positive integer epoch count and a final rate in [0, initialRate]', `${initialRate}, ${epochs}, ${finalRate}`);
  }
  return (epoch) => (epoch >= epochs ? finalRate : finalRate + (initialRate - finalRate) * 0.5 * (1 + Math.cos((Math.PI * epoch) / epochs)));
}

function earlyStoppingFromOption(option: TrainClassifierOptions['earlyStopping'], hasValidation: boolean): EarlyStopping | undefined {
  if (option === undefined || option === false) return undefined;
  const settings: EarlyStoppingOptions = option === true ? {} : option;
  const monitor = settings.monitor ?? 'val_loss';
  if (monitor.startsWith('val_') && !hasValidation) {
    throw new InvalidArgumentError('earlyStopping.monitor', 'a training metric (loss, acc) when there is no validation data', monitor);
  }
  return earlyStoppingCallback({ restoreBestWeights: true, ...settings, monitor });
}

class EpochTimer extends tf.Callback {
  readonly seconds: number[] = [];
  private started = 0;
  override async onEpochBegin(): Promise<void> {
    this.started = performance.now();
  }
  override async onEpochEnd(): Promise<void> {
    this.seconds.push((performance.now() - this.started) / 1000);
  }
}

class LearningRateCallback extends tf.Callback {
  readonly rates: number[] = [];
  constructor(private readonly schedule: LearningRateSchedule | undefined) {
    super();
  }
  override async onEpochBegin(epoch: number): Promise<void> {
    if (!this.schedule) return;
    const optimizer = this.model.optimizer;
    const rate = this.schedule(epoch, getLearningRate(optimizer));
    if (!(typeof rate === 'number' && rate >= 0 && Number.isFinite(rate))) {
      throw new InvalidArgumentError('learningRateSchedule', `a non-negative learning rate for epoch ${epoch}`, rate);
    }
    setLearningRate(optimizer, rate);
    this.rates[epoch] = rate;
  }
}

/**
 * tfjs draws dropout masks from `Math.random()` when a layer has no seed (and a
 * fixed layer seed would repeat one mask every step). Around each training step
 * this swaps in a generator from the training seed, so dropout is reproducible;
 * the original `Math.random` is back as soon as the step ends.
 */
class SeededRandomDuringBatch extends tf.Callback {
  private readonly original = Math.random;
  constructor(private readonly stream: SeedStream) {
    super();
  }
  override async onBatchBegin(): Promise<void> {
    Math.random = () => this.stream.uniform();
  }
  override async onBatchEnd(): Promise<void> {
    this.restore();
  }
  restore(): void {
    Math.random = this.original;
  }
}
