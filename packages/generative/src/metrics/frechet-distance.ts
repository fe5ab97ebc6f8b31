import { InvalidArgumentError, ShapeError } from '@deepcourse/backend';
import { matMul, meanAndCovariance, sqrtPsd, symmetricEigen, trace, type SquareMatrix } from './linear-algebra.js';

/** A Gaussian given by its mean and covariance (row-major `dim × dim`). */
export interface GaussianMoments {
  mean: ArrayLike<number>;
  covariance: ArrayLike<number>;
}

/**
 * The Fréchet (2-Wasserstein) distance between two Gaussians (Dowson & Landau 1982),
 * as FID uses it (Heusel et al. 2017):
 * |μ₁ − μ₂|² + tr Σ₁ + tr Σ₂ − 2 tr (Σ₁^½ Σ₂ Σ₁^½)^½.
 * The trace term is computed from the eigenvalues of the symmetric PSD matrix
 * Σ₁^½ Σ₂ Σ₁^½ (Jacobi, Float64), which stays real and stable where scipy's
 * `sqrtm(Σ₁Σ₂)` of the non-symmetric product can return complex round-off.
 * Tiny negative results from round-off are returned as 0.
 */
export function frechetDistance(a: GaussianMoments, b: GaussianMoments): number {
  const dim = a.mean.length;
  if (dim < 1) throw new ShapeError('a.mean', 'a non-empty mean vector', 'length 0');
  if (b.mean.length !== dim) throw new ShapeError('b.mean', `length ${dim}, as a.mean`, `length ${b.mean.length}`);
  for (const [name, m] of [['a.covariance', a.covariance], ['b.covariance', b.covariance]] as const) {
    if (m.length !== dim * dim) throw new ShapeError(name, `${dim}×${dim} = ${dim * dim} values`, `${m.length} values`);
    for (let i = 0; i < m.length; i++) if (!Number.isFinite(m[i] as number)) throw new InvalidArgumentError(name, 'finite values', `${m[i]} at index ${i}`);
  }
  const s1: SquareMatrix = { n: dim, data: Float64Array.from(a.covariance) };
  const s2: SquareMatrix = { n: dim, data: Float64Array.from(b.covariance) };
  let meanTerm = 0;
  for (let i = 0; i < dim; i++) meanTerm += ((a.mean[i] as number) - (b.mean[i] as number)) ** 2;
  const root1 = sqrtPsd(s1);
  const inner = matMul(matMul(root1, s2), root1);
  // Symmetrise against round-off before the eigen-decomposition.
  for (let i = 0; i < dim; i++) {
    for (let j = i + 1; j < dim; j++) {
      const m = ((inner.data[i * dim + j] as number) + (inner.data[j * dim + i] as number)) / 2;
      inner.data[i * dim + j] = m;
      inner.data[j * dim + i] = m;
    }
  }
  const { values } = symmetricEigen(inner);
  let traceRoot = 0;
  for (const v of values) traceRoot += Math.sqrt(Math.max(0, v));
  const distance = meanTerm + trace(s1) + trace(s2) - 2 * traceRoot;
  const scale = Math.max(1, trace(s1) + trace(s2));
  return distance < 0 && distance > -1e-9 * scale ? 0 : Math.max(0, distance);
}

/** Mean and covariance of feature rows `[rows, dim]` (Float64). */
export function featureMoments(features: ArrayLike<number>, rows: number, dim: number, argument = 'features'): { mean: Float64Array; covariance: Float64Array } {
  const { mean, covariance } = meanAndCovariance(features, rows, dim, argument);
  return { mean, covariance: covariance.data };
}

/** Fréchet distance between the Gaussians fitted to two sets of feature rows (each `[rows, dim]`). */
export function frechetDistanceOfFeatures(a: { values: ArrayLike<number>; rows: number }, b: { values: ArrayLike<number>; rows: number }, dim: number): number {
  return frechetDistance(featureMoments(a.values, a.rows, dim, 'a'), featureMoments(b.values, b.rows, dim, 'b'));
}
