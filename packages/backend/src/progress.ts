import { tf } from './tf.js';

/** Where progress goes: a terminal stream, or anything with `write`. */
export interface ProgressOutput {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressBarOptions {
  /** Total units of work (batches, steps, items). */
  total: number;
  /** Printed before the bar, e.g. the stage or epoch name. */
  label?: string;
  /** Defaults to process.stderr in Node; console.log lines elsewhere. */
  output?: ProgressOutput;
  /** `'bar'` redraws one line (terminals), `'lines'` prints only finished lines (logs, CI); `'auto'` picks. */
  mode?: 'auto' | 'bar' | 'lines';
  /** Clock in milliseconds, replaceable for tests. */
  now?: () => number;
}

/** A progress bar with ETA for any loop; in `'lines'` mode it prints one line when done. */
export class ProgressBar {
  total: number;
  readonly mode: 'bar' | 'lines';
  private readonly output: ProgressOutput;
  private readonly now: () => number;
  private readonly started: number;
  private current = 0;
  private lastDraw = -Infinity;
  private label: string;

  constructor(options: ProgressBarOptions) {
    this.total = Math.max(0, options.total);
    this.output = options.output ?? defaultOutput();
    this.mode = resolveMode(options.mode ?? 'auto', this.output);
    this.now = options.now ?? (() => Date.now());
    this.started = this.now();
    this.label = options.label ?? '';
  }

  /** Advances to `current` (absolute) and redraws at most every 100 ms. */
  update(current: number, info = ''): void {
    this.current = Math.min(current, this.total);
    if (this.mode !== 'bar') return;
    const t = this.now();
    if (t - this.lastDraw < 100 && this.current < this.total) return;
    this.lastDraw = t;
    this.output.write(`\r${this.render(info)}\x1b[K`);
  }

  /** Finishes the bar with a closing line (elapsed time and `info`). */
  finish(info = ''): void {
    const seconds = (this.now() - this.started) / 1000;
    const line = `${this.label ? `${this.label} ` : ''}${this.current}/${this.total} ${formatDuration(seconds)}${info ? ` ${info}` : ''}`;
    this.output.write(this.mode === 'bar' ? `\r${line}\x1b[K\n` : `${line}\n`);
  }

  /** The bar line as text: label, bar, count, info, ETA. */
  render(info = ''): string {
    const width = 24;
    const fraction = this.total === 0 ? 1 : this.current / this.total;
    const filled = Math.round(fraction * width);
    const elapsed = (this.now() - this.started) / 1000;
    const eta = this.current > 0 ? (elapsed * (this.total - this.current)) / this.current : undefined;
    const bar = `[${'='.repeat(Math.max(0, filled - 1))}${filled > 0 ? (filled === width ? '=' : '>') : ''}${' '.repeat(width - filled)}]`;
    return `${this.label ? `${this.label} ` : ''}${bar} ${this.current}/${this.total}${info ? ` ${info}` : ''}${eta === undefined ? '' : ` ETA ${formatDuration(eta)}`}`;
  }
}

export interface ProgressReporterOptions {
  output?: ProgressOutput;
  mode?: 'auto' | 'bar' | 'lines';
  /** Printed before each epoch line. */
  label?: string;
  now?: () => number;
}

/**
 * A tfjs callback that reports training progress: a bar with ETA per epoch in
 * a terminal, one line per epoch when not a TTY or under CI. Pass it in
 * `model.fit(x, y, { callbacks: [progressReporter()] })`.
 */
export function progressReporter(options: ProgressReporterOptions = {}): ProgressReporter {
  return new ProgressReporter(options);
}

export class ProgressReporter extends tf.Callback {
  private bar: ProgressBar | undefined;
  private epochCount = 0;
  private batchesPerEpoch = 0;

  constructor(private readonly options: ProgressReporterOptions = {}) {
    super();
  }

  override async onTrainBegin(): Promise<void> {
    const params = this.params as { epochs?: number; samples?: number; steps?: number | null; batchSize?: number };
    this.epochCount = params.epochs ?? 0;
    this.batchesPerEpoch = params.steps ?? 0;
  }

  override async onEpochBegin(epoch: number): Promise<void> {
    this.bar = new ProgressBar({
      total: this.batchesPerEpoch,
      label: `${this.options.label ? `${this.options.label} ` : ''}epoch ${epoch + 1}/${this.epochCount}`,
      ...(this.options.output ? { output: this.options.output } : {}),
      ...(this.options.mode ? { mode: this.options.mode } : {}),
      ...(this.options.now ? { now: this.options.now } : {}),
    });
  }

  override async onBatchEnd(batch: number, logs?: tf.Logs): Promise<void> {
    const bar = this.bar;
    if (!bar) return;
    if (bar.total === 0) {
      // fit() with tensors reports samples, not steps: derive the batch count from the first batch's size.
      const samples = (this.params as { samples?: number }).samples;
      const size = typeof logs?.size === 'number' ? logs.size : undefined;
      if (samples && size) bar.total = Math.ceil(samples / size);
    }
    // Reading the loss forces a GPU/wasm sync, so only the terminal bar does it per batch.
    bar.update(batch + 1, bar.mode === 'bar' ? formatLogs(await resolveLogs(logs)) : '');
  }

  override async onEpochEnd(_epoch: number, logs?: tf.Logs): Promise<void> {
    this.bar?.finish(formatLogs(await resolveLogs(logs)));
    this.bar = undefined;
  }
}

/** Reads the numbers out of tfjs callback logs (values may be scalar tensors inside `fit`). */
export async function resolveLogs(logs: tf.Logs | Record<string, unknown> | undefined): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  if (!logs) return out;
  for (const [key, value] of Object.entries(logs)) {
    if (typeof value === 'number') out[key] = value;
    else if (value instanceof tf.Tensor) out[key] = (await value.data())[0] as number;
  }
  return out;
}

/** `loss 0.1234 acc 0.9512` with batch/size bookkeeping keys left out. */
export function formatLogs(logs: Record<string, number>): string {
  return Object.entries(logs)
    .filter(([key]) => key !== 'batch' && key !== 'size')
    .map(([key, value]) => `${key} ${formatNumber(value)}`)
    .join(' ');
}

function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  return abs !== 0 && (abs < 1e-3 || abs >= 1e5) ? value.toExponential(3) : value.toFixed(4);
}

/** `850ms`, `12.3s`, `4m05s`. */
export function formatDuration(seconds: number): string {
  if (seconds < 1) return `${Math.round(seconds * 1000)}ms`;
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const m = Math.floor(seconds / 60);
  const s = Math.round(seconds - m * 60);
  return `${m}m${String(s).padStart(2, '0')}s`;
}

function defaultOutput(): ProgressOutput {
  const stderr = (globalThis as { process?: { stderr?: ProgressOutput } }).process?.stderr;
  if (stderr && typeof stderr.write === 'function') return stderr;
  return { write: (text: string) => console.log(text.replace(/\n$/, '')) };
}

function resolveMode(mode: 'auto' | 'bar' | 'lines', output: ProgressOutput): 'bar' | 'lines' {
  if (mode !== 'auto') return mode;
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const ci = env?.CI !== undefined && env.CI !== '' && env.CI !== 'false';
  return output.isTTY === true && !ci ? 'bar' : 'lines';
}
