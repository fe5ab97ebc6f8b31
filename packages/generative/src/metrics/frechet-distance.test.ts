import { describe, expect, it } from 'vitest';
import { seedStream, ShapeError, InvalidArgumentError } from '@deepcourse/backend';
import { frechetDistance, frechetDistanceOfFeatures, featureMoments } from './frechet-distance.js';
import { sqrtPsd, symmetricEigen, matMul } from './linear-algebra.js';

function randomSpd(n: number, seed: number): Float64Array {
  const s = seedStream(seed);
  const a = Array.from({ length: n * n }, () => s.normal());
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    let v = 0;
    for (let k = 0; k < n; k++) v += (a[i * n + k] as number) * (a[j * n + k] as number);
    out[i * n + j] = v + (i === j ? 0.1 : 0);
  }
  return out;
}

describe('symmetricEigen / sqrtPsd', () => {
  it('finds the eigenvalues of a hand-checked matrix and reconstructs it', () => {
    // [[2,1,0],[1,2,0],[0,0,3]] has eigenvalues 1, 3, 3.
    const data = Float64Array.from([2, 1, 0, 1, 2, 0, 0, 0, 3]);
    const { values, vectors } = symmetricEigen({ n: 3, data });
    expect([...values].sort((a, b) => a - b)).toEqual([expect.closeTo(1, 12), expect.closeTo(3, 12), expect.closeTo(3, 12)]);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) {
      let v = 0;
      for (let k = 0; k < 3; k++) v += (vectors[i * 3 + k] as number) * (values[k] as number) * (vectors[j * 3 + k] as number);
      expect(v).toBeCloseTo(data[i * 3 + j] as number, 12);
    }
  });

  it('sqrtPsd(A)² = A for a random 12×12 SPD matrix', () => {
    const a = { n: 12, data: randomSpd(12, 3) };
    const r = sqrtPsd(a);
    const back = matMul(r, r);
    for (let i = 0; i < 144; i++) expect(back.data[i]).toBeCloseTo(a.data[i] as number, 9);
  });

  it('rejects a non-symmetric matrix', () => {
    expect(() => symmetricEigen({ n: 2, data: Float64Array.from([1, 2, 0, 1]) })).toThrow(InvalidArgumentError);
  });
});

describe('frechetDistance', () => {
  it('matches the closed form |Δμ|² + Σ(√a − √b)² for diagonal covariances', () => {
    const a = [0.5, 2, 9, 1e-3];
    const b = [4, 2, 1, 0.25];
    const diag = (d: number[]) => {
      const m = new Float64Array(d.length * d.length);
      d.forEach((v, i) => (m[i * d.length + i] = v));
      return m;
    };
    const muA = [1, -2, 0, 3];
    const muB = [0, 0, 0.5, 3];
    let expected = 0;
    for (let i = 0; i < 4; i++) expected += ((muA[i] as number) - (muB[i] as number)) ** 2 + (Math.sqrt(a[i] as number) - Math.sqrt(b[i] as number)) ** 2;
    expect(frechetDistance({ mean: muA, covariance: diag(a) }, { mean: muB, covariance: diag(b) })).toBeCloseTo(expected, 10);
  });

  it('matches the 2×2 closed form tr√(S₁S₂) = √(tr S₁S₂ + 2√(det S₁ det S₂)) for non-commuting covariances', () => {
    const s1 = [2, 0.8, 0.8, 1];
    const s2 = [1, -0.3, -0.3, 3];
    const p = [s1[0]! * s2[0]! + s1[1]! * s2[2]!, 0, 0, s1[2]! * s2[1]! + s1[3]! * s2[3]!];
    const traceProduct = (p[0] as number) + (p[3] as number);
    const det1 = s1[0]! * s1[3]! - s1[1]! * s1[2]!;
    const det2 = s2[0]! * s2[3]! - s2[1]! * s2[2]!;
    const traceRoot = Math.sqrt(traceProduct + 2 * Math.sqrt(det1 * det2));
    const expected = 3 + 4 - 2 * traceRoot;
    expect(frechetDistance({ mean: [0, 0], covariance: s1 }, { mean: [0, 0], covariance: s2 })).toBeCloseTo(expected, 10);
  });

  it('is symmetric in its arguments for random SPD covariances', () => {
    const a = { mean: [1, 2, 3, 4, 5, 6], covariance: randomSpd(6, 1) };
    const b = { mean: [0, 2, 1, 4, 4, 6], covariance: randomSpd(6, 2) };
    expect(frechetDistance(a, b)).toBeCloseTo(frechetDistance(b, a), 8);
  });

  it('is 0 for a feature set with itself and does not depend on row order', () => {
    const s = seedStream(5);
    const rows = 200;
    const dim = 8;
    const features = Float32Array.from({ length: rows * dim }, (_, i) => s.normal() * (1 + (i % dim)));
    expect(frechetDistanceOfFeatures({ values: features, rows }, { values: features, rows }, dim)).toBe(0);
    const other = Float32Array.from({ length: rows * dim }, () => s.normal() + 0.3);
    const order = s.permutation(rows);
    const permuted = new Float32Array(rows * dim);
    order.forEach((from, to) => permuted.set(features.subarray(from * dim, (from + 1) * dim), to * dim));
    const d1 = frechetDistanceOfFeatures({ values: features, rows }, { values: other, rows }, dim);
    const d2 = frechetDistanceOfFeatures({ values: permuted, rows }, { values: other, rows }, dim);
    expect(d1).toBeGreaterThan(1);
    expect(d2).toBeCloseTo(d1, 8);
  });

  it('estimates the closed form from samples of two known Gaussians', () => {
    const s = seedStream(11);
    const rows = 20000;
    const sa = [1, 4];
    const sb = [9, 1];
    const a = new Float32Array(rows * 2);
    const b = new Float32Array(rows * 2);
    for (let r = 0; r < rows; r++) {
      a[2 * r] = s.normal(0, Math.sqrt(sa[0]!));
      a[2 * r + 1] = s.normal(1, Math.sqrt(sa[1]!));
      b[2 * r] = s.normal(2, Math.sqrt(sb[0]!));
      b[2 * r + 1] = s.normal(1, Math.sqrt(sb[1]!));
    }
    // |Δμ|² = 4; (1 − 3)² + (2 − 1)² = 5.
    expect(frechetDistanceOfFeatures({ values: a, rows }, { values: b, rows }, 2)).toBeCloseTo(9, 0);
  });

  it('names the argument on bad shapes', () => {
    expect(() => frechetDistance({ mean: [0, 0], covariance: [1, 0, 0, 1] }, { mean: [0], covariance: [1] })).toThrow(ShapeError);
    expect(() => frechetDistance({ mean: [0], covariance: [1, 2] }, { mean: [0], covariance: [1] })).toThrow(/a\.covariance/);
    expect(() => featureMoments([1, 2], 1, 2)).toThrow(/at least 2 rows/);
  });
});
