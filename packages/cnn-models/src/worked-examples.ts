import { InvalidArgumentError } from '@deepcourse/backend';

/** One output cell of a worked convolution or pooling: where the window sits, what it holds, the result. */
export interface WorkedStep {
  /** Output row and column. */
  row: number;
  col: number;
  /** Top-left corner of the window in the (padded) input. */
  inputRow: number;
  inputCol: number;
  /** The input values under the window. */
  window: number[][];
  /** For a convolution: window * kernel element by element. */
  products?: number[][];
  /** The output value (sum of products, or max of the window). */
  value: number;
  /** A one-line explanation, e.g. `out[0][1] = 0*1 + 1*0 + 1*0 + 1*1 = 2`. */
  text: string;
}

export interface WorkedResult {
  output: number[][];
  steps: WorkedStep[];
  /** The padded input the windows were taken from (equal to the input without padding). */
  padded: number[][];
  /** Every line that was (or would have been) printed. */
  lines: string[];
}

export interface ConvolveStepsOptions {
  /** Default 1. */
  stride?: number;
  /** 'valid' (default), 'same' (TensorFlow's rule: extra padding goes bottom/right), or zeros on every side. */
  padding?: 'valid' | 'same' | number;
  /** Called with each printed line, e.g. `console.log`. */
  log?: (line: string) => void;
}

function checkMatrix(m: unknown, argument: string): number[][] {
  if (!Array.isArray(m) || m.length === 0 || !Array.isArray(m[0]) || (m[0] as unknown[]).length === 0) {
    throw new InvalidArgumentError(argument, 'a non-empty matrix (array of equal-length number arrays)', m);
  }
  const width = (m[0] as unknown[]).length;
  m.forEach((row, i) => {
    if (!Array.isArray(row) || row.length !== width || !row.every((v) => typeof v === 'number' && Number.isFinite(v))) {
      throw new InvalidArgumentError(`${argument}[${i}]`, `${width} finite numbers`, row);
    }
  });
  return m as number[][];
}

function checkStride(stride: unknown): number {
  if (typeof stride !== 'number' || !Number.isInteger(stride) || stride < 1) throw new InvalidArgumentError('stride', 'a positive integer', stride);
  return stride;
}

/** Pads a matrix with zeros. */
function pad(m: number[][], top: number, bottom: number, left: number, right: number): number[][] {
  const width = (m[0]?.length ?? 0) + left + right;
  const zeros = () => new Array<number>(width).fill(0);
  return [...Array.from({ length: top }, zeros), ...m.map((r) => [...new Array<number>(left).fill(0), ...r, ...new Array<number>(right).fill(0)]), ...Array.from({ length: bottom }, zeros)];
}

/** TensorFlow's 'same' padding along one axis: total = max((ceil(n/s) - 1) * s + k - n, 0), the odd one at the end. */
function samePadding(n: number, k: number, s: number): [number, number] {
  const total = Math.max((Math.ceil(n / s) - 1) * s + k - n, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

const fmt = (v: number) => (Number.isInteger(v) ? String(v) : String(Number(v.toFixed(4))));
const matrixLines = (m: number[][]) => m.map((r) => `  [${r.map(fmt).join(', ')}]`);

/**
 * A convolution worked by hand, cell by cell, as the course's slides do (the
 * kernel slides without flipping: cross-correlation, like tf.conv2d).
 *
 * ```ts
 * convolveSteps([[1,0,1,0],[0,1,1,0],[0,0,1,1],[0,0,1,0]], [[1,0],[0,1]], { log: console.log }).output
 * // [[2,1,1],[0,2,2],[0,1,1]]
 * ```
 */
export function convolveSteps(input: number[][], kernel: number[][], options: ConvolveStepsOptions = {}): WorkedResult {
  checkMatrix(input, 'input');
  checkMatrix(kernel, 'kernel');
  const stride = checkStride(options.stride ?? 1);
  const padding = options.padding ?? 'valid';
  const kh = kernel.length;
  const kw = kernel[0]!.length;
  let padded: number[][];
  if (padding === 'valid') padded = input.map((r) => r.slice());
  else if (padding === 'same') {
    const [top, bottom] = samePadding(input.length, kh, stride);
    const [left, right] = samePadding(input[0]!.length, kw, stride);
    padded = pad(input, top, bottom, left, right);
  } else if (typeof padding === 'number' && Number.isInteger(padding) && padding >= 0) padded = pad(input, padding, padding, padding, padding);
  else throw new InvalidArgumentError('padding', "'valid', 'same' or a non-negative integer", padding);
  const h = padded.length;
  const w = padded[0]!.length;
  if (kh > h || kw > w) throw new InvalidArgumentError('kernel', `at most ${h}x${w} (the padded input)`, `${kh}x${kw}`);
  const outH = Math.floor((h - kh) / stride) + 1;
  const outW = Math.floor((w - kw) / stride) + 1;
  const lines: string[] = [];
  const say = (line: string) => {
    lines.push(line);
    options.log?.(line);
  };
  say(`input ${input.length}x${input[0]!.length}, kernel ${kh}x${kw}, stride ${stride}, padding ${padding} -> output ${outH}x${outW}`);
  if (padded.length !== input.length || padded[0]!.length !== input[0]!.length) {
    say('padded input:');
    matrixLines(padded).forEach(say);
  }
  const output = Array.from({ length: outH }, () => new Array<number>(outW).fill(0));
  const steps: WorkedStep[] = [];
  for (let r = 0; r < outH; r++) {
    for (let c = 0; c < outW; c++) {
      const window = padded.slice(r * stride, r * stride + kh).map((row) => row.slice(c * stride, c * stride + kw));
      const products = window.map((row, i) => row.map((v, j) => v * kernel[i]![j]!));
      const value = products.flat().reduce((a, b) => a + b, 0);
      output[r]![c] = value;
      const terms = window.flatMap((row, i) => row.map((v, j) => `${fmt(v)}*${fmt(kernel[i]![j]!)}`));
      const text = `out[${r}][${c}] = ${terms.join(' + ')} = ${fmt(value)}`;
      say(text);
      steps.push({ row: r, col: c, inputRow: r * stride, inputCol: c * stride, window, products, value, text });
    }
  }
  say('output:');
  matrixLines(output).forEach(say);
  return { output, steps, padded, lines };
}

export interface MaxPoolStepsOptions {
  /** Default: the pool size (non-overlapping windows). */
  stride?: number;
  log?: (line: string) => void;
}

/**
 * Max pooling worked by hand with 'valid' windows (like tf.maxPool with
 * padding 'valid'): each output is the largest value of its window.
 */
export function maxPoolSteps(input: number[][], size: number | [number, number], options: MaxPoolStepsOptions = {}): WorkedResult {
  checkMatrix(input, 'input');
  const [ph, pw] = typeof size === 'number' ? [size, size] : size;
  if (!Number.isInteger(ph) || !Number.isInteger(pw) || ph < 1 || pw < 1) throw new InvalidArgumentError('size', 'a positive integer or [rows, cols]', size);
  const stride = checkStride(options.stride ?? ph);
  const h = input.length;
  const w = input[0]!.length;
  if (ph > h || pw > w) throw new InvalidArgumentError('size', `at most ${h}x${w} (the input)`, `${ph}x${pw}`);
  const outH = Math.floor((h - ph) / stride) + 1;
  const outW = Math.floor((w - pw) / stride) + 1;
  const lines: string[] = [];
  const say = (line: string) => {
    lines.push(line);
    options.log?.(line);
  };
  say(`input ${h}x${w}, pool ${ph}x${pw}, stride ${stride} -> output ${outH}x${outW}`);
  const output = Array.from({ length: outH }, () => new Array<number>(outW).fill(0));
  const steps: WorkedStep[] = [];
  for (let r = 0; r < outH; r++) {
    for (let c = 0; c < outW; c++) {
      const window = input.slice(r * stride, r * stride + ph).map((row) => row.slice(c * stride, c * stride + pw));
      const value = Math.max(...window.flat());
      output[r]![c] = value;
      const text = `out[${r}][${c}] = max(${window.flat().map(fmt).join(', ')}) = ${fmt(value)}`;
      say(text);
      steps.push({ row: r, col: c, inputRow: r * stride, inputCol: c * stride, window, value, text });
    }
  }
  say('output:');
  matrixLines(output).forEach(say);
  return { output, steps, padded: input.map((r) => r.slice()), lines };
}
