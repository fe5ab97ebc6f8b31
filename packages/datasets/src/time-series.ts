import { InvalidArgumentError, seedStream, tf } from '@deepcourse/backend';

export interface SyntheticStockOptions {
  /** Number of trading days, prices included the first (default 1000). */
  readonly days?: number;
  /** Price on day 0 (default 100). */
  readonly initialPrice?: number;
  /** Annual drift mu of the log price (default 0.05). */
  readonly drift?: number;
  /** Annual volatility sigma (default 0.2). */
  readonly volatility?: number;
  /** Trading days per year; one step is dt = 1 / tradingDaysPerYear (default 252). */
  readonly tradingDaysPerYear?: number;
  /** Seed of the shocks. Default: the global seed. */
  readonly seed?: number;
}

/**
 * A SYNTHETIC daily stock price: geometric Brownian motion,
 * `S[t+1] = S[t] * exp((mu - sigma^2 / 2) dt + sigma sqrt(dt) Z[t])` with seeded standard normal shocks Z.
 * Not market data: use it to exercise forecasting code with a known process (log returns are i.i.d.
 * normal with mean (mu - sigma^2/2) dt and standard deviation sigma sqrt(dt)).
 */
export function syntheticStockPrice(options: SyntheticStockOptions = {}): { prices: number[]; logReturns: number[] } {
  const days = options.days ?? 1000;
  const initialPrice = options.initialPrice ?? 100;
  const drift = options.drift ?? 0.05;
  const volatility = options.volatility ?? 0.2;
  const perYear = options.tradingDaysPerYear ?? 252;
  if (!Number.isSafeInteger(days) || days < 2) throw new InvalidArgumentError('options.days', 'an integer of at least 2', days);
  if (!(initialPrice > 0) || !Number.isFinite(initialPrice)) throw new InvalidArgumentError('options.initialPrice', 'a positive finite number', initialPrice);
  if (!Number.isFinite(drift)) throw new InvalidArgumentError('options.drift', 'a finite number', drift);
  if (!(volatility >= 0) || !Number.isFinite(volatility)) throw new InvalidArgumentError('options.volatility', 'a non-negative finite number', volatility);
  if (!(perYear > 0)) throw new InvalidArgumentError('options.tradingDaysPerYear', 'a positive number', perYear);
  const dt = 1 / perYear;
  const mean = (drift - (volatility * volatility) / 2) * dt;
  const std = volatility * Math.sqrt(dt);
  const random = seedStream(options.seed);
  const prices = [initialPrice];
  const logReturns: number[] = [];
  for (let t = 1; t < days; t++) {
    const r = mean + std * random.normal();
    logReturns.push(r);
    prices.push((prices[t - 1] as number) * Math.exp(r));
  }
  return { prices, logReturns };
}

export interface WindowOptions {
  /** Time steps in each input window. */
  readonly inputLength: number;
  /** Future steps to predict after each window (default 1). */
  readonly horizon?: number;
  /** Steps between the starts of consecutive windows (default 1). */
  readonly stride?: number;
  /** For a multivariate series (rows of features), the column to predict (default 0). */
  readonly targetColumn?: number;
}

/**
 * Cuts a series into supervised windows: `inputs[i]` holds steps `s .. s + inputLength - 1` and `targets[i]`
 * the next `horizon` steps, with `s = i * stride`. A univariate series gives inputs [n, inputLength, 1]; a
 * multivariate one (an array of rows) gives [n, inputLength, features] and targets from `targetColumn`.
 * Returns float32 tensors the caller owns. There are floor((T - inputLength - horizon) / stride) + 1 windows.
 */
export function windowed(
  series: ArrayLike<number> | readonly (readonly number[])[],
  options: WindowOptions,
): { inputs: tf.Tensor3D; targets: tf.Tensor2D } {
  const { inputLength } = options;
  const horizon = options.horizon ?? 1;
  const stride = options.stride ?? 1;
  for (const [name, value] of [['options.inputLength', inputLength], ['options.horizon', horizon], ['options.stride', stride]] as const) {
    if (!Number.isSafeInteger(value) || value < 1) throw new InvalidArgumentError(name, 'a positive integer', value);
  }
  const length = series.length;
  const rows = Array.isArray(series) && Array.isArray(series[0]) ? (series as readonly (readonly number[])[]) : undefined;
  const features = rows === undefined ? 1 : (rows[0] as readonly number[]).length;
  const targetColumn = options.targetColumn ?? 0;
  if (!Number.isSafeInteger(targetColumn) || targetColumn < 0 || targetColumn >= features) {
    throw new InvalidArgumentError('options.targetColumn', `a column index in [0, ${features})`, targetColumn);
  }
  const value = (t: number, f: number): number => {
    const v = rows === undefined ? (series as ArrayLike<number>)[t] : (rows[t] as readonly number[])[f];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new InvalidArgumentError('series', 'finite numbers', `${String(v)} at step ${t}${rows === undefined ? '' : `, feature ${f}`}`);
    }
    return v;
  };
  if (rows !== undefined) {
    rows.forEach((row, t) => {
      if (!Array.isArray(row) || row.length !== features) throw new InvalidArgumentError('series', `rows of ${features} features`, `${Array.isArray(row) ? row.length : typeof row} at step ${t}`);
    });
  }
  if (length < inputLength + horizon) {
    throw new InvalidArgumentError('series', `at least inputLength + horizon = ${inputLength + horizon} steps`, `${length} steps`);
  }
  const count = Math.floor((length - inputLength - horizon) / stride) + 1;
  const inputs = new Float32Array(count * inputLength * features);
  const targets = new Float32Array(count * horizon);
  for (let i = 0; i < count; i++) {
    const start = i * stride;
    for (let t = 0; t < inputLength; t++) {
      for (let f = 0; f < features; f++) inputs[(i * inputLength + t) * features + f] = value(start + t, f);
    }
    for (let h = 0; h < horizon; h++) targets[i * horizon + h] = value(start + inputLength + h, targetColumn);
  }
  return {
    inputs: tf.tensor3d(inputs, [count, inputLength, features], 'float32'),
    targets: tf.tensor2d(targets, [count, horizon], 'float32'),
  };
}
