import { InvalidArgumentError, ShapeError } from '@deepcourse/backend';

/** A univariate series, or rows of features (row t holds every feature at time t). */
export type SeriesInput = ArrayLike<number> | readonly ArrayLike<number>[];

/** A series as a flat row-major matrix [length, numFeatures]. */
export interface SeriesMatrix {
  values: Float32Array;
  length: number;
  numFeatures: number;
}

export function toSeriesMatrix(series: SeriesInput, argument = 'series'): SeriesMatrix {
  if (series == null || typeof (series as ArrayLike<number>).length !== 'number') {
    throw new InvalidArgumentError(argument, 'an array of numbers or an array of feature rows', series);
  }
  const length = series.length;
  const first = length > 0 ? (series as ArrayLike<unknown>)[0] : undefined;
  const multivariate = first !== undefined && typeof first === 'object' && first !== null;
  const numFeatures = multivariate ? (first as ArrayLike<number>).length : 1;
  if (multivariate && numFeatures < 1) throw new ShapeError(`${argument}[0]`, 'a row with at least one feature', 'an empty row');
  const values = new Float32Array(length * numFeatures);
  for (let t = 0; t < length; t++) {
    if (multivariate) {
      const row = (series as readonly ArrayLike<number>[])[t];
      if (row == null || row.length !== numFeatures) {
        throw new ShapeError(`${argument}[${t}]`, `a row of ${numFeatures} features`, row == null ? String(row) : `${row.length} features`);
      }
      for (let f = 0; f < numFeatures; f++) values[t * numFeatures + f] = checkFinite(row[f], `${argument}[${t}][${f}]`);
    } else {
      values[t] = checkFinite((series as ArrayLike<number>)[t], `${argument}[${t}]`);
    }
  }
  return { values, length, numFeatures };
}

export function checkFinite(value: unknown, argument: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new InvalidArgumentError(argument, 'a finite number', value);
  return value;
}

export function toFiniteArray(values: ArrayLike<number>, argument: string): Float64Array {
  if (values == null || typeof values.length !== 'number') throw new InvalidArgumentError(argument, 'an array of numbers', values);
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = checkFinite(values[i], `${argument}[${i}]`);
  return out;
}
