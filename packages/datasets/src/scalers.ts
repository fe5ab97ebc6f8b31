import { InvalidArgumentError, ShapeError, tf } from '@deepcourse/backend';

/**
 * A per-column scaler fitted on training data. Its statistics are plain numbers (nothing to dispose);
 * `transform` and `inverseTransform` return new tensors the caller owns. Fit on the training part only,
 * then apply the same scaler to the test part, so no test information leaks into training.
 */
export interface FeatureScaler {
  readonly kind: 'standard' | 'minmax';
  /** Subtracted from each column. */
  readonly offset: readonly number[];
  /** Each column is divided by this after the subtraction (1 for a constant column). */
  readonly scale: readonly number[];
  transform(x: tf.Tensor2D): tf.Tensor2D;
  inverseTransform(x: tf.Tensor2D): tf.Tensor2D;
  /** The statistics, to save beside a model. */
  toJSON(): { kind: 'standard' | 'minmax'; offset: number[]; scale: number[]; featureRange?: [number, number] };
}

function columnsOf(x: tf.Tensor2D, argument: string): { rows: number; cols: number; values: Float32Array | Int32Array | Uint8Array } {
  if (!(x instanceof tf.Tensor) || x.rank !== 2) throw new ShapeError(argument, 'a rank-2 tensor [samples, features]', x instanceof tf.Tensor ? `shape [${x.shape.join(', ')}]` : typeof x);
  const [rows, cols] = x.shape;
  if (rows === 0) throw new ShapeError(argument, 'at least one sample', 'shape [0, ' + cols + ']');
  return { rows, cols, values: x.dataSync() as Float32Array };
}

function makeScaler(kind: 'standard' | 'minmax', offset: number[], scale: number[], featureRange: [number, number]): FeatureScaler {
  const [low, high] = featureRange;
  const span = high - low;
  const check = (x: tf.Tensor2D, argument: string): void => {
    if (!(x instanceof tf.Tensor) || x.rank !== 2 || x.shape[1] !== offset.length) {
      throw new ShapeError(argument, `a rank-2 tensor with ${offset.length} features (as fitted)`, x instanceof tf.Tensor ? `shape [${x.shape.join(', ')}]` : typeof x);
    }
  };
  return {
    kind,
    offset,
    scale,
    transform(x) {
      check(x, 'x');
      return tf.tidy(() => {
        const unit = x.toFloat().sub(tf.tensor1d(offset)).div(tf.tensor1d(scale));
        return (kind === 'minmax' ? unit.mul(span).add(low) : unit) as tf.Tensor2D;
      });
    },
    inverseTransform(x) {
      check(x, 'x');
      return tf.tidy(() => {
        const unit = kind === 'minmax' ? x.toFloat().sub(low).div(span) : x.toFloat();
        return unit.mul(tf.tensor1d(scale)).add(tf.tensor1d(offset)) as tf.Tensor2D;
      });
    },
    toJSON() {
      return kind === 'minmax' ? { kind, offset: [...offset], scale: [...scale], featureRange: [low, high] } : { kind, offset: [...offset], scale: [...scale] };
    },
  };
}

/** Fits a standard scaler: (x - mean) / std per column, population std (as scikit-learn's StandardScaler). */
export function fitStandardScaler(x: tf.Tensor2D): FeatureScaler {
  const { rows, cols, values } = columnsOf(x, 'x');
  const mean = new Array<number>(cols).fill(0);
  const std = new Array<number>(cols).fill(0);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) mean[c] = (mean[c] as number) + (values[r * cols + c] as number);
  for (let c = 0; c < cols; c++) mean[c] = (mean[c] as number) / rows;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const d = (values[r * cols + c] as number) - (mean[c] as number);
      std[c] = (std[c] as number) + d * d;
    }
  }
  const scale = std.map((s) => {
    const value = Math.sqrt(s / rows);
    return value > 0 ? value : 1;
  });
  return makeScaler('standard', mean, scale, [0, 1]);
}

/** Fits a min-max scaler mapping each column's training [min, max] to `featureRange` (default [0, 1]). */
export function fitMinMaxScaler(x: tf.Tensor2D, options: { readonly featureRange?: readonly [number, number] } = {}): FeatureScaler {
  const range = options.featureRange ?? [0, 1];
  if (range.length !== 2 || !(range[0] < range[1])) throw new InvalidArgumentError('options.featureRange', '[low, high] with low < high', range);
  const { rows, cols, values } = columnsOf(x, 'x');
  const min = new Array<number>(cols).fill(Number.POSITIVE_INFINITY);
  const max = new Array<number>(cols).fill(Number.NEGATIVE_INFINITY);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const v = values[r * cols + c] as number;
      if (v < (min[c] as number)) min[c] = v;
      if (v > (max[c] as number)) max[c] = v;
    }
  }
  const scale = min.map((lo, c) => ((max[c] as number) - lo > 0 ? (max[c] as number) - lo : 1));
  return makeScaler('minmax', min, scale, [range[0], range[1]]);
}

/** Rebuilds a scaler from `scaler.toJSON()`. */
export function scalerFromJSON(json: { kind: 'standard' | 'minmax'; offset: number[]; scale: number[]; featureRange?: [number, number] }): FeatureScaler {
  if ((json.kind !== 'standard' && json.kind !== 'minmax') || json.offset.length !== json.scale.length) {
    throw new InvalidArgumentError('json', "{ kind: 'standard' | 'minmax', offset, scale } of equal lengths", json);
  }
  return makeScaler(json.kind, [...json.offset], [...json.scale], json.featureRange ?? [0, 1]);
}
