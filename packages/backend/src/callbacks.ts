import { tf } from './tf.js';
import { InvalidArgumentError, NonFiniteLossError } from './errors.js';
import { resolveLogs } from './progress.js';

export interface EarlyStoppingOptions {
  /** The log to watch (default `'val_loss'`). */
  monitor?: string;
  /** `'min'`, `'max'`, or `'auto'` (max for accuracy/AUC-like names, min otherwise). */
  mode?: 'auto' | 'min' | 'max';
  /** Epochs without improvement before stopping (default 3). */
  patience?: number;
  /** The smallest change that counts as an improvement (default 0). */
  minDelta?: number;
  /** Put back the weights of the best epoch when training ends (default true). */
  restoreBestWeights?: boolean;
}

/** Keras-style early stopping that can restore the best epoch's weights (tfjs's own cannot). */
export function earlyStopping(options: EarlyStoppingOptions = {}): EarlyStopping {
  return new EarlyStopping(options);
}

export class EarlyStopping extends tf.Callback {
  readonly monitor: string;
  readonly mode: 'min' | 'max';
  readonly patience: number;
  readonly minDelta: number;
  readonly restoreBestWeights: boolean;
  /** Zero-based epoch with the best monitored value, once training has run. */
  bestEpoch = -1;
  bestValue = Number.NaN;
  /** Zero-based epoch at which training was stopped, or -1 if it ran to the end. */
  stoppedEpoch = -1;
  private wait = 0;
  private lastEpoch = -1;
  private bestWeights: tf.Tensor[] | undefined;

  constructor(options: EarlyStoppingOptions = {}) {
    super();
    this.monitor = options.monitor ?? 'val_loss';
    const mode = options.mode ?? 'auto';
    if (!['auto', 'min', 'max'].includes(mode)) throw new InvalidArgumentError('mode', "'auto', 'min' or 'max'", mode);
    this.mode = mode === 'auto' ? (/acc|auc|precision|recall|f1/i.test(this.monitor) ? 'max' : 'min') : mode;
    this.patience = options.patience ?? 3;
    if (!Number.isInteger(this.patience) || this.patience < 0) throw new InvalidArgumentError('patience', 'a non-negative integer', options.patience);
    this.minDelta = Math.abs(options.minDelta ?? 0);
    this.restoreBestWeights = options.restoreBestWeights ?? true;
  }

  override async onTrainBegin(): Promise<void> {
    this.wait = 0;
    this.bestEpoch = -1;
    this.stoppedEpoch = -1;
    this.bestValue = this.mode === 'min' ? Infinity : -Infinity;
    this.releaseBestWeights();
  }

  override async onEpochEnd(epoch: number, logs?: tf.Logs): Promise<void> {
    this.lastEpoch = epoch;
    const values = await resolveLogs(logs);
    const value = values[this.monitor];
    if (value === undefined) {
      throw new InvalidArgumentError(
        'earlyStopping monitor',
        `one of the logged values (${Object.keys(values).join(', ')})`,
        this.monitor,
      );
    }
    const improved = this.mode === 'min' ? value < this.bestValue - this.minDelta : value > this.bestValue + this.minDelta;
    if (improved) {
      this.bestValue = value;
      this.bestEpoch = epoch;
      this.wait = 0;
      if (this.restoreBestWeights) {
        this.releaseBestWeights();
        this.bestWeights = this.model.getWeights().map((w) => w.clone());
      }
      return;
    }
    this.wait += 1;
    if (this.wait >= this.patience) {
      this.stoppedEpoch = epoch;
      this.model.stopTraining = true;
    }
  }

  override async onTrainEnd(): Promise<void> {
    if (this.bestWeights && this.bestEpoch !== this.lastEpoch) this.model.setWeights(this.bestWeights);
    this.releaseBestWeights();
  }

  private releaseBestWeights(): void {
    if (this.bestWeights) tf.dispose(this.bestWeights);
    this.bestWeights = undefined;
  }
}

/** A callback that stops training with `NonFiniteLossError` (naming epoch and batch) when the loss becomes NaN or infinite. */
export function nanGuard(): NanGuard {
  return new NanGuard();
}

export class NanGuard extends tf.Callback {
  private epoch = 0;

  override async onEpochBegin(epoch: number): Promise<void> {
    this.epoch = epoch;
  }

  override async onBatchEnd(batch: number, logs?: tf.Logs): Promise<void> {
    const { loss } = await resolveLogs(logs);
    if (loss !== undefined && !Number.isFinite(loss)) throw new NonFiniteLossError(this.epoch, batch, loss);
  }
}

/** A training history as plain JSON: epoch numbers and one array per logged metric. */
export interface HistoryJSON {
  epochs: number[];
  metrics: Record<string, number[]>;
}

/** Turns a tfjs `History` (from `fit`) into JSON-safe numbers. */
export function historyToJSON(history: tf.History): HistoryJSON {
  const metrics: Record<string, number[]> = {};
  for (const [key, values] of Object.entries(history.history)) {
    metrics[key] = values.map((v) => (typeof v === 'number' ? v : ((v as tf.Tensor).dataSync()[0] as number)));
  }
  return { epochs: [...history.epoch], metrics };
}
