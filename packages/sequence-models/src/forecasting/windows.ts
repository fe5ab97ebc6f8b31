import { tf, InvalidArgumentError } from '@deepcourse/backend';
import { checkPositiveInteger } from '../layers/layer-support.js';
import { toSeriesMatrix, type SeriesInput } from './series.js';

export interface WindowOptions {
  /** Time steps each window feeds the model. */
  inputWidth: number;
  /** Time steps to predict after each window (default 1). */
  horizon?: number;
  /** Steps between the starts of consecutive windows (default 1). */
  stride?: number;
  /** Feature (column) the targets come from, for multivariate series (default 0). */
  targetColumn?: number;
}

/**
 * Supervised windows cut from a series: window i reads steps [s, s + inputWidth) and predicts
 * [s + inputWidth, s + inputWidth + horizon) of the target column, with s = i × stride.
 */
export interface SeriesWindows {
  /** Row-major [count, inputWidth, numFeatures]. */
  inputs: Float32Array;
  /** Row-major [count, horizon]. */
  targets: Float32Array;
  /** Series index of each window's first target step. */
  targetStarts: Int32Array;
  count: number;
  inputWidth: number;
  horizon: number;
  numFeatures: number;
  targetColumn: number;
}

/** Cuts a series into (input window, future targets) pairs for training or evaluating a forecaster. */
export function makeWindows(series: SeriesInput, options: WindowOptions): SeriesWindows {
  const matrix = toSeriesMatrix(series);
  const inputWidth = checkPositiveInteger(options.inputWidth, 'inputWidth');
  const horizon = checkPositiveInteger(options.horizon ?? 1, 'horizon');
  const stride = checkPositiveInteger(options.stride ?? 1, 'stride');
  const targetColumn = options.targetColumn ?? 0;
  if (!Number.isInteger(targetColumn) || targetColumn < 0 || targetColumn >= matrix.numFeatures) {
    throw new InvalidArgumentError('targetColumn', `an integer in [0, ${matrix.numFeatures})`, targetColumn);
  }
  const span = inputWidth + horizon;
  if (matrix.length < span) {
    throw new InvalidArgumentError('series', `at least inputWidth + horizon = ${span} steps`, `${matrix.length} steps`);
  }
  const count = Math.floor((matrix.length - span) / stride) + 1;
  const f = matrix.numFeatures;
  const inputs = new Float32Array(count * inputWidth * f);
  const targets = new Float32Array(count * horizon);
  const targetStarts = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const start = i * stride;
    inputs.set(matrix.values.subarray(start * f, (start + inputWidth) * f), i * inputWidth * f);
    targetStarts[i] = start + inputWidth;
    for (let h = 0; h < horizon; h++) targets[i * horizon + h] = matrix.values[(start + inputWidth + h) * f + targetColumn] as number;
  }
  return { inputs, targets, targetStarts, count, inputWidth, horizon, numFeatures: f, targetColumn };
}

/** The windows as tensors: xs [count, inputWidth, numFeatures], ys [count, horizon]. The caller disposes them. */
export function windowsToTensors(windows: SeriesWindows): { xs: tf.Tensor3D; ys: tf.Tensor2D } {
  return {
    xs: tf.tensor3d(windows.inputs, [windows.count, windows.inputWidth, windows.numFeatures]),
    ys: tf.tensor2d(windows.targets, [windows.count, windows.horizon]),
  };
}
