import { InvalidArgumentError, ShapeError } from '@deepcourse/backend';
import { toFiniteArray } from './series.js';

function pair(actual: ArrayLike<number>, predicted: ArrayLike<number>): [Float64Array, Float64Array] {
  const a = toFiniteArray(actual, 'actual');
  const p = toFiniteArray(predicted, 'predicted');
  if (a.length !== p.length) throw new ShapeError('predicted', `${a.length} values (as many as actual)`, `${p.length}`);
  if (a.length === 0) throw new InvalidArgumentError('actual', 'at least one value', 'an empty array');
  return [a, p];
}

/** Mean absolute error. */
export function meanAbsoluteError(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  const [a, p] = pair(actual, predicted);
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs((a[i] as number) - (p[i] as number));
  return sum / a.length;
}

/** Root mean squared error. */
export function rootMeanSquaredError(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  const [a, p] = pair(actual, predicted);
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += ((a[i] as number) - (p[i] as number)) ** 2;
  return Math.sqrt(sum / a.length);
}

/** Mean absolute percentage error, in percent. An actual value of 0 is an error (the ratio is undefined). */
export function meanAbsolutePercentageError(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  const [a, p] = pair(actual, predicted);
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    if (x === 0) throw new InvalidArgumentError(`actual[${i}]`, 'a non-zero value (MAPE divides by it)', 0);
    sum += Math.abs((x - (p[i] as number)) / x);
  }
  return (100 * sum) / a.length;
}
