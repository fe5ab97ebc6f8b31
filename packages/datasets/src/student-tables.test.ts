import { beforeAll, describe, expect, test } from 'vitest';
import { initBackend, tf } from '@deepcourse/backend';
import { expectNoLeak } from '../test-support/helpers.js';
import { smallTableTensors, studentTable } from './student-tables.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

/** Least squares with an intercept via the normal equations (Gauss-Jordan), in float64: [w..., b]. */
function leastSquares(features: number[][], target: number[]): number[] {
  const rows = features.map((f) => [...f, 1]);
  const k = rows[0]!.length;
  const a = Array.from({ length: k }, (_, i) => [...Array.from({ length: k }, (_, j) => rows.reduce((s, r) => s + r[i]! * r[j]!, 0)), rows.reduce((s, r, n) => s + r[i]! * target[n]!, 0)]);
  for (let c = 0; c < k; c++) {
    const pivot = a[c]![c]!;
    for (let j = 0; j <= k; j++) a[c]![j]! /= pivot;
    for (let r = 0; r < k; r++) {
      if (r === c) continue;
      const factor = a[r]![c]!;
      for (let j = 0; j <= k; j++) a[r]![j]! -= factor * a[c]![j]!;
    }
  }
  return a.map((row) => row[k]!);
}

describe('studentTable', () => {
  test("the book's table: least squares a = 2.3, b = 79; MSE at a = 3, b = 76 is 11.0", () => {
    const book = studentTable('book-hours');
    expect(book.features).toEqual([[2], [4], [6], [8]]);
    expect(book.target).toEqual([81, 93, 91, 97]);
    const [a, b] = leastSquares(book.features, book.target);
    expect(a).toBeCloseTo(2.3, 10);
    expect(b).toBeCloseTo(79, 10);
    const mse = book.target.reduce((s, y, i) => s + (3 * book.features[i]![0]! + 76 - y) ** 2, 0) / book.target.length;
    expect(mse).toBe(11);
  });

  test("the book's two-variable table (hours, tutoring) and the pass/fail table", () => {
    const two = studentTable('book-hours-tutoring');
    expect(two.featureNames).toEqual(['hours', 'tutoringHours']);
    expect(two.features).toEqual([[2, 0], [4, 4], [6, 2], [8, 3]]);
    const passFail = studentTable('book-pass-fail');
    expect(passFail.features.map((f) => f[0])).toEqual([2, 4, 6, 8, 10, 12, 14]);
    expect(passFail.target).toEqual([0, 0, 0, 1, 1, 1, 1]);
  });

  test("the deck's table fits y = 10x; with sleep hours the fit is 10, 0, 0", () => {
    const deck = studentTable('deck-hours');
    const [a, b] = leastSquares(deck.features, deck.target);
    expect(a).toBeCloseTo(10, 10);
    expect(b).toBeCloseTo(0, 10);
    const sleep = studentTable('deck-hours-sleep');
    expect(sleep.features).toEqual([[9, 5], [8, 8], [4, 7], [2, 3]]);
    leastSquares(sleep.features, sleep.target).forEach((v, i) => expect(v).toBeCloseTo([10, 0, 0][i]!, 8));
  });

  test('tables are fresh copies, and convert to x [n, k] and y [n, 1] tensors', async () => {
    const table = studentTable('book-hours');
    table.target[0] = -1;
    expect(studentTable('book-hours').target[0]).toBe(81);
    await expectNoLeak(
      () => smallTableTensors(studentTable('deck-hours-sleep')),
      ({ x, y }) => {
        expect(x.shape).toEqual([4, 2]);
        expect(y.arraySync()).toEqual([[90], [80], [40], [20]]);
      },
    );
  });
});
