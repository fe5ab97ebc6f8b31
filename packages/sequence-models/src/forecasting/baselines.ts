import { InvalidArgumentError } from '@deepcourse/backend';
import { checkPositiveInteger } from '../layers/layer-support.js';
import { toFiniteArray } from './series.js';
import type { SeriesWindows } from './windows.js';

/** The naive forecast: the last observed value, repeated for every step of the horizon. */
export function naiveForecast(history: ArrayLike<number>, horizon: number): Float32Array {
  const h = toFiniteArray(history, 'history');
  checkPositiveInteger(horizon, 'horizon');
  if (h.length === 0) throw new InvalidArgumentError('history', 'at least one value', 'an empty array');
  return new Float32Array(horizon).fill(h[h.length - 1] as number);
}

/**
 * The seasonal-naive forecast: each future step repeats the value one season earlier,
 * ŷ[T + k] = y[T + k - m·ceil(k / m)] for k = 1..horizon (m = seasonLength; 7 for daily data with a weekly cycle).
 */
export function seasonalNaiveForecast(history: ArrayLike<number>, horizon: number, seasonLength: number): Float32Array {
  const h = toFiniteArray(history, 'history');
  checkPositiveInteger(horizon, 'horizon');
  const m = checkPositiveInteger(seasonLength, 'seasonLength');
  if (h.length < m) throw new InvalidArgumentError('history', `at least seasonLength=${m} values`, `${h.length} values`);
  const out = new Float32Array(horizon);
  const T = h.length - 1;
  for (let k = 1; k <= horizon; k++) out[k - 1] = h[T + k - m * Math.ceil(k / m)] as number;
  return out;
}

/**
 * A baseline forecast for every window, from the window's own inputs (target column):
 * `'naive'` or `{ seasonLength }` for seasonal-naive. Row-major [count, horizon], aligned with `windows.targets`.
 */
export function baselineForWindows(windows: SeriesWindows, method: 'naive' | { seasonLength: number }): Float32Array {
  const { count, inputWidth, horizon, numFeatures, targetColumn } = windows;
  if (method !== 'naive') {
    const m = checkPositiveInteger(method?.seasonLength, 'seasonLength');
    if (m > inputWidth) throw new InvalidArgumentError('seasonLength', `at most inputWidth=${inputWidth}`, m);
  }
  const out = new Float32Array(count * horizon);
  const history = new Float32Array(inputWidth);
  for (let i = 0; i < count; i++) {
    for (let t = 0; t < inputWidth; t++) history[t] = windows.inputs[(i * inputWidth + t) * numFeatures + targetColumn] as number;
    const forecast = method === 'naive' ? naiveForecast(history, horizon) : seasonalNaiveForecast(history, horizon, method.seasonLength);
    out.set(forecast, i * horizon);
  }
  return out;
}
