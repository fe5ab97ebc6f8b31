import { tf, fusedGruLayer, fusedLstmLayer, seedStream, InvalidArgumentError, ShapeError } from '@deepcourse/backend';
import { checkPositiveInteger, compileWithOwnOptimizer, resolveLayerSeed } from '../layers/layer-support.js';
import { SeededDropout } from '../layers/pooling.js';
import { toSeriesMatrix, type SeriesInput } from './series.js';
import type { SeriesWindows } from './windows.js';

export interface RecurrentForecasterOptions {
  /** Time steps per input window. */
  inputWidth: number;
  /** Features per time step (default 1). */
  numFeatures?: number;
  /** Steps predicted at once (direct multi-step; default 1). */
  horizon?: number;
  /** `'lstm'` (default) or `'gru'`. */
  cell?: 'lstm' | 'gru';
  /** Run the recurrent layers on @deepcourse/backend's fused path (default true; same weights and outputs as tf.layers.lstm / gru). */
  fused?: boolean;
  /** Units of each stacked recurrent layer (default [32]). */
  units?: number | number[];
  /** Dropout between the recurrent layers and before the output (default 0). */
  dropout?: number;
  /** Loss when compiling (default `'meanSquaredError'`). */
  loss?: 'meanSquaredError' | 'meanAbsoluteError' | 'huberLoss';
  learningRate?: number;
  compile?: boolean;
  seed?: number;
}

/**
 * A recurrent multi-step forecaster: [batch, inputWidth, numFeatures] → stacked LSTM/GRU → Dense(horizon).
 * Train it on `windowsToTensors(makeWindows(scaledSeries, ...))`.
 */
export function recurrentForecaster(options: RecurrentForecasterOptions): tf.LayersModel {
  const inputWidth = checkPositiveInteger(options.inputWidth, 'inputWidth');
  const numFeatures = checkPositiveInteger(options.numFeatures ?? 1, 'numFeatures');
  const horizon = checkPositiveInteger(options.horizon ?? 1, 'horizon');
  const cell = options.cell ?? 'lstm';
  if (cell !== 'lstm' && cell !== 'gru') throw new InvalidArgumentError('cell', "'lstm' or 'gru'", cell);
  const units = Array.isArray(options.units) ? options.units : [options.units ?? 32];
  if (units.length === 0) throw new InvalidArgumentError('units', 'at least one layer size', units);
  units.forEach((u, i) => checkPositiveInteger(u, `units[${i}]`));
  const dropout = options.dropout ?? 0;
  if (!(dropout >= 0 && dropout < 1)) throw new InvalidArgumentError('dropout', 'a number in [0, 1)', dropout);
  const learningRate = options.learningRate ?? 1e-3;
  if (!(learningRate > 0)) throw new InvalidArgumentError('learningRate', 'a positive number', learningRate);
  const seeds = seedStream(resolveLayerSeed(options.seed));

  const input = tf.input({ shape: [inputWidth, numFeatures], name: 'window' });
  let x: tf.SymbolicTensor = input;
  units.forEach((u, i) => {
    const args = {
      units: u,
      returnSequences: i < units.length - 1,
      kernelInitializer: tf.initializers.glorotUniform({ seed: seeds.next() }),
      recurrentInitializer: tf.initializers.orthogonal({ gain: 1, seed: seeds.next() }),
    };
    const fused = options.fused ?? true;
    const layer = cell === 'lstm' ? (fused ? fusedLstmLayer(args) : tf.layers.lstm(args)) : fused ? fusedGruLayer(args) : tf.layers.gru(args);
    x = layer.apply(x) as tf.SymbolicTensor;
    if (dropout > 0) x = new SeededDropout({ rate: dropout, seed: seeds.next() }).apply(x) as tf.SymbolicTensor;
  });
  const output = tf.layers
    .dense({ units: horizon, kernelInitializer: tf.initializers.glorotUniform({ seed: seeds.next() }), name: 'forecast' })
    .apply(x) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: output, name: `${cell}_forecaster` });
  if (options.compile ?? true) compileWithOwnOptimizer(model, { optimizer: tf.train.adam(learningRate), loss: options.loss ?? 'meanSquaredError' });
  return model;
}

/** Predictions of a forecaster for every window: row-major [count, horizon], aligned with `windows.targets`. */
export function forecastWindows(model: tf.LayersModel, windows: SeriesWindows, batchSize = 256): Float32Array {
  checkModelFits(model, windows.inputWidth, windows.numFeatures);
  return tf.tidy(() => {
    const xs = tf.tensor3d(windows.inputs, [windows.count, windows.inputWidth, windows.numFeatures]);
    const out = (model.predict(xs, { batchSize }) as tf.Tensor).dataSync();
    if (out.length !== windows.count * windows.horizon) {
      throw new ShapeError('model output', `[${windows.count}, ${windows.horizon}] (the windows' horizon)`, `${out.length} values`);
    }
    return Float32Array.from(out);
  });
}

/** The next `horizon` values after the end of `history`, from its last `inputWidth` steps. */
export function forecastNext(model: tf.LayersModel, history: SeriesInput): Float32Array {
  const [, inputWidth, numFeatures] = model.inputs[0]!.shape as [null, number, number];
  const matrix = toSeriesMatrix(history, 'history');
  if (matrix.numFeatures !== numFeatures) throw new ShapeError('history', `rows of ${numFeatures} features`, `${matrix.numFeatures}`);
  if (matrix.length < inputWidth) throw new InvalidArgumentError('history', `at least inputWidth=${inputWidth} steps`, `${matrix.length} steps`);
  return tf.tidy(() => {
    const window = matrix.values.subarray((matrix.length - inputWidth) * numFeatures);
    return Float32Array.from((model.predict(tf.tensor3d(window, [1, inputWidth, numFeatures])) as tf.Tensor).dataSync());
  });
}

function checkModelFits(model: tf.LayersModel, inputWidth: number, numFeatures: number): void {
  const shape = model.inputs[0]?.shape;
  if (!shape || shape.length !== 3 || (shape[1] !== null && shape[1] !== inputWidth) || shape[2] !== numFeatures) {
    throw new ShapeError('model input', `[batch, ${inputWidth}, ${numFeatures}] (the windows' shape)`, `[${shape?.join(', ')}]`);
  }
}
