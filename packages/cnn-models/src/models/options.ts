import { InvalidArgumentError } from '@deepcourse/backend';

/** Options every builder shares. */
export interface BuilderOptions {
  /** Seed of every kernel initialiser: the same seed builds the same weights. */
  seed?: number;
  /** The model's name (shown by `modelSummaryText`). */
  name?: string;
}

export function checkPositiveInteger(value: unknown, argument: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new InvalidArgumentError(argument, 'a positive integer', value);
  }
  return value;
}

export function checkRate(value: unknown, argument: string): number {
  if (typeof value !== 'number' || !(value >= 0 && value < 1)) {
    throw new InvalidArgumentError(argument, 'a dropout rate in [0, 1)', value);
  }
  return value;
}

export function checkNonNegative(value: unknown, argument: string): number {
  if (typeof value !== 'number' || !(value >= 0 && Number.isFinite(value))) {
    throw new InvalidArgumentError(argument, 'a finite number >= 0', value);
  }
  return value;
}

export function checkShape(value: unknown, argument: string, rank?: number): number[] {
  if (
    !Array.isArray(value) ||
    value.length === 0 ||
    (rank !== undefined && value.length !== rank) ||
    !value.every((d) => typeof d === 'number' && Number.isInteger(d) && d > 0)
  ) {
    throw new InvalidArgumentError(argument, rank === undefined ? 'a shape of positive integers' : `a shape of ${rank} positive integers`, value);
  }
  return value as number[];
}

export function checkIntegerList(value: unknown, argument: string): number[] {
  if (!Array.isArray(value) || value.length === 0) throw new InvalidArgumentError(argument, 'a non-empty array of positive integers', value);
  value.forEach((v, i) => checkPositiveInteger(v, `${argument}[${i}]`));
  return value as number[];
}

/** Output units and activation: softmax over `numClasses` (>= 2), or one sigmoid unit for `numClasses: 1` (binary). */
export function outputHead(numClasses: unknown): { units: number; activation: 'softmax' | 'sigmoid' } {
  const k = checkPositiveInteger(numClasses, 'numClasses');
  return k === 1 ? { units: 1, activation: 'sigmoid' } : { units: k, activation: 'softmax' };
}
