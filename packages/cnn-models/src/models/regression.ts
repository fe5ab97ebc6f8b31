import { InvalidArgumentError, ShapeError, tf } from '@deepcourse/backend';
import { checkPositiveInteger, type BuilderOptions } from './options.js';

export interface RegressionOptions extends BuilderOptions {
  /** Input features (default 1). */
  inputs?: number;
  /**
   * Starting weights: 'zeros' (default; the course starts gradient descent at
   * a = b = 0) or 'glorotUniform' (Keras's Dense default, seeded by `seed`).
   */
  initializer?: 'zeros' | 'glorotUniform';
  /** Learning rate of the SGD optimizer it is compiled with (default 0.01, Keras's SGD default). */
  learningRate?: number;
}

function oneUnit(activation: 'linear' | 'sigmoid', loss: string, options: RegressionOptions): tf.Sequential {
  const inputs = checkPositiveInteger(options.inputs ?? 1, 'inputs');
  const initializer = options.initializer ?? 'zeros';
  if (initializer !== 'zeros' && initializer !== 'glorotUniform') throw new InvalidArgumentError('initializer', "'zeros' or 'glorotUniform'", initializer);
  const learningRate = options.learningRate ?? 0.01;
  if (!(typeof learningRate === 'number' && learningRate > 0)) throw new InvalidArgumentError('learningRate', 'a positive number', options.learningRate);
  const model = tf.sequential({
    ...(options.name ? { name: options.name } : {}),
    layers: [
      tf.layers.dense({
        inputShape: [inputs],
        units: 1,
        activation,
        kernelInitializer: initializer === 'zeros' ? 'zeros' : tf.initializers.glorotUniform(options.seed === undefined ? {} : { seed: options.seed }),
        biasInitializer: 'zeros',
      }),
    ],
  });
  model.compile({ optimizer: tf.train.sgd(learningRate), loss });
  return model;
}

/** y = x · w + b: one linear Dense unit, compiled with SGD on mean squared error. */
export function linearRegression(options: RegressionOptions = {}): tf.Sequential {
  return oneUnit('linear', 'meanSquaredError', options);
}

/** p = sigmoid(x · w + b): one sigmoid Dense unit, compiled with SGD on binary cross-entropy. */
export function logisticRegression(options: RegressionOptions = {}): tf.Sequential {
  return oneUnit('sigmoid', 'binaryCrossentropy', options);
}

export interface GradientDescentOptions {
  /** Full-batch steps (default 2001, the course's count: epochs 0..2000). */
  steps?: number;
  /** Overrides the compiled optimizer's rate with a fresh SGD of this rate. */
  learningRate?: number;
  /** Called every `logEvery` steps (and at the last) with the step, loss and weights. */
  onLog?: (entry: RegressionStep) => void;
  /** Default 100. */
  logEvery?: number;
}

export interface RegressionStep {
  step: number;
  loss: number;
  /** One weight per input. */
  weights: number[];
  bias: number;
}

export interface GradientDescentResult {
  /** The logged steps (every `logEvery`, plus the last). */
  log: RegressionStep[];
  final: RegressionStep;
}

type Numbers = tf.Tensor | readonly number[] | readonly (readonly number[])[];

function asMatrix(x: Numbers, argument: string): tf.Tensor2D {
  if (x instanceof tf.Tensor) {
    if (x.rank === 1) return x.reshape([-1, 1]).toFloat() as tf.Tensor2D;
    if (x.rank === 2) return x.toFloat() as tf.Tensor2D;
    throw new ShapeError(argument, '[N] or [N, features]', `[${x.shape.join(', ')}]`);
  }
  if (!Array.isArray(x) || x.length === 0) throw new InvalidArgumentError(argument, 'a non-empty array of numbers or rows', x);
  return (Array.isArray(x[0]) ? tf.tensor2d(x as number[][]) : tf.tensor2d(x as number[], [x.length, 1])) as tf.Tensor2D;
}

/**
 * Full-batch gradient descent on a `linearRegression` / `logisticRegression`
 * model with its compiled loss, step by step as the course does by hand
 * (a_new = a - lr * dLoss/da). Rows of `x` are examples.
 */
export function gradientDescent(model: tf.LayersModel, x: Numbers, y: Numbers, options: GradientDescentOptions = {}): GradientDescentResult {
  const steps = options.steps ?? 2001;
  if (!Number.isInteger(steps) || steps < 1) throw new InvalidArgumentError('steps', 'a positive integer', options.steps);
  const logEvery = options.logEvery ?? 100;
  if (!Number.isInteger(logEvery) || logEvery < 1) throw new InvalidArgumentError('logEvery', 'a positive integer', options.logEvery);
  const compiledLoss = (model as unknown as { loss?: unknown }).loss;
  const lossName = typeof compiledLoss === 'string' ? compiledLoss : 'meanSquaredError';
  if (lossName !== 'meanSquaredError' && lossName !== 'binaryCrossentropy') {
    throw new InvalidArgumentError('model', 'a model compiled with meanSquaredError or binaryCrossentropy', lossName);
  }
  const owned: tf.Tensor[] = [];
  const optimizer = options.learningRate !== undefined ? tf.train.sgd(options.learningRate) : undefined;
  try {
    const xs = asMatrix(x, 'x');
    const ys = asMatrix(y, 'y');
    owned.push(xs, ys);
    if (xs.shape[0] !== ys.shape[0]) throw new ShapeError('y', `${xs.shape[0]} targets (one per row of x)`, `${ys.shape[0]}`);
    const expected = model.inputs[0]!.shape[1];
    if (expected !== xs.shape[1]) throw new ShapeError('x', `rows of ${expected} features for this model`, `${xs.shape[1]}`);
    const sgd = optimizer ?? (model as unknown as { optimizer: tf.Optimizer }).optimizer;
    const loss = () =>
      tf.tidy(() => {
        const predictions = model.apply(xs, { training: true }) as tf.Tensor;
        return (lossName === 'meanSquaredError' ? tf.losses.meanSquaredError(ys, predictions) : tf.metrics.binaryCrossentropy(ys, predictions).mean()) as tf.Scalar;
      });
    const snapshot = (step: number, value: number): RegressionStep => {
      const [kernel, bias] = model.getWeights();
      return { step, loss: value, weights: Array.from(kernel!.dataSync()), bias: bias!.dataSync()[0] as number };
    };
    const log: RegressionStep[] = [];
    for (let step = 0; step < steps; step++) {
      const value = sgd.minimize(loss, true) as tf.Scalar;
      const isLog = step % logEvery === 0 || step === steps - 1;
      if (isLog) {
        const entry = snapshot(step, value.dataSync()[0] as number);
        log.push(entry);
        options.onLog?.(entry);
      }
      value.dispose();
    }
    return { log, final: log[log.length - 1]! };
  } finally {
    optimizer?.dispose();
    tf.dispose(owned);
  }
}

export interface LeastSquaresFit {
  weights: number[];
  bias: number;
  /** Mean squared error of the fit on the data. */
  mse: number;
}

/**
 * The exact least-squares line or plane (normal equations in float64):
 * for one input, a = cov(x, y) / var(x), b = mean(y) - a * mean(x).
 */
export function leastSquares(x: readonly number[] | readonly (readonly number[])[], y: readonly number[]): LeastSquaresFit {
  const rows = (x as unknown[]).map((r) => (Array.isArray(r) ? (r as number[]) : [r as number]));
  if (rows.length === 0 || rows.length !== y.length) throw new ShapeError('y', `${rows.length} targets (one per row of x)`, `${y.length}`);
  const d = rows[0]!.length + 1;
  // A^T A and A^T y with a column of ones for the bias.
  const ata = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  const aty = new Array<number>(d).fill(0);
  rows.forEach((r, i) => {
    const a = [...r, 1];
    for (let p = 0; p < d; p++) {
      aty[p]! += (a[p] as number) * (y[i] as number);
      for (let q = 0; q < d; q++) ata[p]![q]! += (a[p] as number) * (a[q] as number);
    }
  });
  const solution = solve(ata, aty);
  const weights = solution.slice(0, -1);
  const bias = solution[d - 1] as number;
  return { weights, bias, mse: meanSquaredError(rows, y, weights, bias) };
}

/** Mean squared error of y ≈ x · weights + bias (the course's "a = 3, b = 76 gives 11.0"). */
export function meanSquaredError(x: readonly number[] | readonly (readonly number[])[], y: readonly number[], weights: readonly number[], bias: number): number {
  const rows = (x as unknown[]).map((r) => (Array.isArray(r) ? (r as number[]) : [r as number]));
  if (rows.length !== y.length) throw new ShapeError('y', `${rows.length} targets`, `${y.length}`);
  let sum = 0;
  rows.forEach((r, i) => {
    if (r.length !== weights.length) throw new ShapeError('weights', `${r.length} weights`, `${weights.length}`);
    const prediction = r.reduce((acc, v, j) => acc + v * (weights[j] as number), bias);
    sum += (prediction - (y[i] as number)) ** 2;
  });
  return sum / rows.length;
}

/** Gaussian elimination with partial pivoting. */
function solve(matrix: number[][], rhs: number[]): number[] {
  const n = rhs.length;
  const a = matrix.map((row, i) => [...row, rhs[i] as number]);
  for (let c = 0; c < n; c++) {
    let pivot = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r]![c]!) > Math.abs(a[pivot]![c]!)) pivot = r;
    if (Math.abs(a[pivot]![c]!) < 1e-12) throw new InvalidArgumentError('x', 'linearly independent input columns (and not all rows equal)', 'a singular system');
    [a[c], a[pivot]] = [a[pivot]!, a[c]!];
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = a[r]![c]! / a[c]![c]!;
      for (let k = c; k <= n; k++) a[r]![k]! -= f * a[c]![k]!;
    }
  }
  return a.map((row, i) => row[n]! / row[i]!);
}

/**
 * The course's hand-written gradient descent on mean squared error, in float64
 * like its NumPy code: starting from zeros, every step moves each weight by
 * `-lr * dMSE/dw` with dMSE/dw_j = -(2/n) Σ x_ij (y_i - ŷ_i) and
 * dMSE/db = -(2/n) Σ (y_i - ŷ_i). Returns every `logEvery`-th step and the last.
 */
export function manualGradientDescent(
  x: readonly number[] | readonly (readonly number[])[],
  y: readonly number[],
  options: { learningRate: number; steps?: number; logEvery?: number; onLog?: (entry: RegressionStep) => void },
): GradientDescentResult {
  const rows = (x as unknown[]).map((r) => (Array.isArray(r) ? (r as number[]) : [r as number]));
  if (rows.length === 0 || rows.length !== y.length) throw new ShapeError('y', `${rows.length} targets (one per row of x)`, `${y.length}`);
  const { learningRate } = options;
  if (!(typeof learningRate === 'number' && learningRate > 0)) throw new InvalidArgumentError('learningRate', 'a positive number', learningRate);
  const steps = options.steps ?? 2001;
  const logEvery = options.logEvery ?? 100;
  if (!Number.isInteger(steps) || steps < 1) throw new InvalidArgumentError('steps', 'a positive integer', options.steps);
  if (!Number.isInteger(logEvery) || logEvery < 1) throw new InvalidArgumentError('logEvery', 'a positive integer', options.logEvery);
  const n = rows.length;
  const d = rows[0]!.length;
  const weights = new Array<number>(d).fill(0);
  let bias = 0;
  const log: RegressionStep[] = [];
  for (let step = 0; step < steps; step++) {
    const errors = rows.map((r, i) => (y[i] as number) - r.reduce((acc, v, j) => acc + v * (weights[j] as number), bias));
    const lossBefore = errors.reduce((acc, e) => acc + e * e, 0) / n;
    for (let j = 0; j < d; j++) {
      const gradient = (-2 / n) * rows.reduce((acc, r, i) => acc + (r[j] as number) * (errors[i] as number), 0);
      weights[j] = (weights[j] as number) - learningRate * gradient;
    }
    bias -= learningRate * ((-2 / n) * errors.reduce((acc, e) => acc + e, 0));
    if (step % logEvery === 0 || step === steps - 1) {
      const entry = { step, loss: lossBefore, weights: weights.slice(), bias };
      log.push(entry);
      options.onLog?.(entry);
    }
  }
  return { log, final: log[log.length - 1]! };
}
