import { InvalidArgumentError, ShapeError } from '@deepcourse/backend';

/** A dense square matrix, row-major, Float64. */
export interface SquareMatrix {
  n: number;
  data: Float64Array;
}

/**
 * Eigenvalues and eigenvectors of a symmetric matrix by the cyclic Jacobi
 * method (Golub & Van Loan §8.5): accurate to a few ulps of the largest
 * eigenvalue and unconditionally stable, O(n³) per sweep, typically < 10 sweeps.
 * Returns eigenvalues and the eigenvectors as the columns of `vectors`.
 */
export function symmetricEigen(matrix: SquareMatrix): { values: Float64Array; vectors: Float64Array } {
  const { n } = matrix;
  const a = Float64Array.from(matrix.data);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const x = a[i * n + j] as number;
      const y = a[j * n + i] as number;
      if (Math.abs(x - y) > 1e-8 * (Math.abs(x) + Math.abs(y) + 1e-300)) {
        throw new InvalidArgumentError('matrix', 'a symmetric matrix', `a[${i}][${j}] = ${x} but a[${j}][${i}] = ${y}`);
      }
      const mean = (x + y) / 2;
      a[i * n + j] = mean;
      a[j * n + i] = mean;
    }
  }
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let diag = 0;
    for (let i = 0; i < n; i++) {
      diag += (a[i * n + i] as number) ** 2;
      for (let j = i + 1; j < n; j++) off += (a[i * n + j] as number) ** 2;
    }
    if (off <= 1e-30 * diag || off === 0) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q] as number;
        if (apq === 0) continue;
        const app = a[p * n + p] as number;
        const aqq = a[q * n + q] as number;
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p] as number;
          const akq = a[k * n + q] as number;
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k] as number;
          const aqk = a[q * n + k] as number;
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p] as number;
          const vkq = v[k * n + q] as number;
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = a[i * n + i] as number;
  return { values, vectors: v };
}

/** The principal square root of a symmetric positive semi-definite matrix (negative round-off eigenvalues become 0). */
export function sqrtPsd(matrix: SquareMatrix): SquareMatrix {
  const { n } = matrix;
  const { values, vectors } = symmetricEigen(matrix);
  const out = new Float64Array(n * n);
  for (let k = 0; k < n; k++) {
    const root = Math.sqrt(Math.max(0, values[k] as number));
    if (root === 0) continue;
    for (let i = 0; i < n; i++) {
      const vik = (vectors[i * n + k] as number) * root;
      if (vik === 0) continue;
      for (let j = 0; j < n; j++) out[i * n + j] = (out[i * n + j] as number) + vik * (vectors[j * n + k] as number);
    }
  }
  return { n, data: out };
}

export function matMul(a: SquareMatrix, b: SquareMatrix): SquareMatrix {
  const { n } = a;
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < n; k++) {
      const aik = a.data[i * n + k] as number;
      if (aik === 0) continue;
      for (let j = 0; j < n; j++) out[i * n + j] = (out[i * n + j] as number) + aik * (b.data[k * n + j] as number);
    }
  }
  return { n, data: out };
}

export function trace(m: SquareMatrix): number {
  let t = 0;
  for (let i = 0; i < m.n; i++) t += m.data[i * m.n + i] as number;
  return t;
}

/** Mean and (unbiased, n − 1) covariance of the rows of a `[rows, dim]` row-major matrix, in Float64. */
export function meanAndCovariance(values: ArrayLike<number>, rows: number, dim: number, argument = 'features'): { mean: Float64Array; covariance: SquareMatrix } {
  if (values.length !== rows * dim) throw new ShapeError(argument, `${rows}×${dim} values`, `${values.length} values`);
  if (rows < 2) throw new ShapeError(argument, 'at least 2 rows to estimate a covariance', `${rows} row(s)`);
  const mean = new Float64Array(dim);
  for (let r = 0; r < rows; r++) for (let d = 0; d < dim; d++) mean[d] = (mean[d] as number) + (values[r * dim + d] as number);
  for (let d = 0; d < dim; d++) mean[d] = (mean[d] as number) / rows;
  const cov = new Float64Array(dim * dim);
  const centred = new Float64Array(dim);
  for (let r = 0; r < rows; r++) {
    for (let d = 0; d < dim; d++) centred[d] = (values[r * dim + d] as number) - (mean[d] as number);
    for (let i = 0; i < dim; i++) {
      const ci = centred[i] as number;
      if (ci === 0) continue;
      for (let j = i; j < dim; j++) cov[i * dim + j] = (cov[i * dim + j] as number) + ci * (centred[j] as number);
    }
  }
  for (let i = 0; i < dim; i++) {
    for (let j = i; j < dim; j++) {
      const c = (cov[i * dim + j] as number) / (rows - 1);
      cov[i * dim + j] = c;
      cov[j * dim + i] = c;
    }
  }
  return { mean, covariance: { n: dim, data: cov } };
}
