import { tf, InvalidArgumentError } from '@deepcourse/backend';

/** Ranks 1..n with ties given their average rank. */
export function averageRanks(values: ArrayLike<number>): Float64Array {
  const n = values.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => (values[a] as number) - (values[b] as number));
  const ranks = new Float64Array(n);
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && values[order[j + 1] as number] === values[order[i] as number]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) ranks[order[k] as number] = rank;
    i = j + 1;
  }
  return ranks;
}

function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let meanA = 0;
  let meanB = 0;
  for (let i = 0; i < n; i++) {
    meanA += a[i] as number;
    meanB += b[i] as number;
  }
  meanA /= n;
  meanB /= n;
  let cov = 0;
  let varA = 0;
  let varB = 0;
  for (let i = 0; i < n; i++) {
    const da = (a[i] as number) - meanA;
    const db = (b[i] as number) - meanB;
    cov += da * db;
    varA += da * da;
    varB += db * db;
  }
  return varA === 0 || varB === 0 ? NaN : cov / Math.sqrt(varA * varB);
}

/**
 * Spearman's rank correlation of two equally long lists (or tensors, read
 * flat): the Pearson correlation of their ranks, ties sharing the average
 * rank. NaN when either list is constant (no ranking to compare).
 */
export function spearmanRankCorrelation(a: ArrayLike<number> | tf.Tensor, b: ArrayLike<number> | tf.Tensor): number {
  const x = a instanceof tf.Tensor ? a.dataSync() : a;
  const y = b instanceof tf.Tensor ? b.dataSync() : b;
  if (x.length !== y.length || x.length < 2) {
    throw new InvalidArgumentError('b', `as many values as a (${x.length}, at least 2)`, `${y.length} values`);
  }
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i] as number) || !Number.isFinite(y[i] as number)) {
      throw new InvalidArgumentError(Number.isFinite(x[i] as number) ? 'b' : 'a', 'finite values', `${x[i]} / ${y[i]} at index ${i}`);
    }
  }
  return pearson(averageRanks(x), averageRanks(y));
}
