import { InvalidArgumentError } from '@deepcourse/backend';
import { toFiniteArray } from './series.js';

export type ScalerJSON = { kind: 'standard'; mean: number; std: number } | { kind: 'minmax'; min: number; max: number; range: [number, number] };

/** An invertible affine scaling fitted on training data: scaled = (x - shift) × factor. */
export interface Scaler {
  readonly kind: 'standard' | 'minmax';
  transform(values: ArrayLike<number>): Float32Array;
  inverse(scaled: ArrayLike<number>): Float32Array;
  toJSON(): ScalerJSON;
}

class AffineScaler implements Scaler {
  constructor(
    readonly kind: 'standard' | 'minmax',
    private readonly shift: number,
    private readonly factor: number,
    private readonly offset: number,
    private readonly json: ScalerJSON,
  ) {}

  transform(values: ArrayLike<number>): Float32Array {
    const v = toFiniteArray(values, 'values');
    return Float32Array.from(v, (x) => (x - this.shift) * this.factor + this.offset);
  }

  inverse(scaled: ArrayLike<number>): Float32Array {
    const v = toFiniteArray(scaled, 'scaled');
    return Float32Array.from(v, (x) => (x - this.offset) / this.factor + this.shift);
  }

  toJSON(): ScalerJSON {
    return this.json;
  }
}

/** z-score scaling with the mean and population standard deviation of `values` (fit on training data only). */
export function fitStandardScaler(values: ArrayLike<number>): Scaler {
  const v = toFiniteArray(values, 'values');
  if (v.length === 0) throw new InvalidArgumentError('values', 'at least one value', 'an empty array');
  const mean = v.reduce((s, x) => s + x, 0) / v.length;
  const std = Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / v.length);
  if (!(std > 0)) throw new InvalidArgumentError('values', 'values that are not all equal (standard deviation > 0)', `all ${mean}`);
  return new AffineScaler('standard', mean, 1 / std, 0, { kind: 'standard', mean, std });
}

/** Min-max scaling onto `range` (default [0, 1]) with the minimum and maximum of `values`. */
export function fitMinMaxScaler(values: ArrayLike<number>, range: [number, number] = [0, 1]): Scaler {
  const v = toFiniteArray(values, 'values');
  if (v.length === 0) throw new InvalidArgumentError('values', 'at least one value', 'an empty array');
  if (!Array.isArray(range) || range.length !== 2 || !(range[1] > range[0])) throw new InvalidArgumentError('range', '[low, high] with low < high', range);
  let min = Infinity;
  let max = -Infinity;
  for (const x of v) {
    if (x < min) min = x;
    if (x > max) max = x;
  }
  if (!(max > min)) throw new InvalidArgumentError('values', 'values that are not all equal (max > min)', `all ${min}`);
  return new AffineScaler('minmax', min, (range[1] - range[0]) / (max - min), range[0], { kind: 'minmax', min, max, range: [range[0], range[1]] });
}

/** Rebuilds a scaler saved with `toJSON()` (e.g. in a model's metadata). */
export function scalerFromJSON(json: ScalerJSON): Scaler {
  if (json?.kind === 'standard' && json.std > 0) return new AffineScaler('standard', json.mean, 1 / json.std, 0, json);
  if (json?.kind === 'minmax' && json.max > json.min && json.range[1] > json.range[0]) {
    return new AffineScaler('minmax', json.min, (json.range[1] - json.range[0]) / (json.max - json.min), json.range[0], json);
  }
  throw new InvalidArgumentError('json', "a scaler saved by toJSON() ({ kind: 'standard' | 'minmax', ... })", json);
}
