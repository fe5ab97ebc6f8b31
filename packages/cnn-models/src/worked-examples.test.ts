import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, InvalidArgumentError, tf } from '@deepcourse/backend';
import { convolveSteps, maxPoolSteps } from './worked-examples.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

const deck = [
  [1, 0, 1, 0],
  [0, 1, 1, 0],
  [0, 0, 1, 1],
  [0, 0, 1, 0],
];

function tfConv(input: number[][], kernel: number[][], stride: number, padding: 'valid' | 'same'): number[][] {
  return tf.tidy(() => {
    const x = tf.tensor4d(input.flat(), [1, input.length, input[0]!.length, 1]);
    const k = tf.tensor4d(kernel.flat(), [kernel.length, kernel[0]!.length, 1, 1]);
    return (tf.conv2d(x, k, stride, padding).squeeze([0, 3]).arraySync() as number[][]);
  });
}

describe('convolveSteps', () => {
  it('gives the deck’s three feature maps', () => {
    expect(convolveSteps(deck, [[1, 0], [0, 1]]).output).toEqual([[2, 1, 1], [0, 2, 2], [0, 1, 1]]);
    expect(convolveSteps(deck, [[1, 1], [0, 0]]).output).toEqual([[1, 1, 1], [1, 2, 1], [0, 1, 2]]);
    expect(convolveSteps(deck, [[0, 0], [1, 1]]).output).toEqual([[1, 2, 1], [0, 1, 2], [0, 1, 1]]);
  });

  it('prints and returns every step', () => {
    const printed: string[] = [];
    const result = convolveSteps(deck, [[1, 0], [0, 1]], { log: (line) => printed.push(line) });
    expect(result.steps).toHaveLength(9);
    expect(result.steps[0]!.text).toBe('out[0][0] = 1*1 + 0*0 + 0*0 + 1*1 = 2');
    expect(result.steps[0]!.window).toEqual([[1, 0], [0, 1]]);
    expect(printed).toEqual(result.lines);
    expect(printed[0]).toBe('input 4x4, kernel 2x2, stride 1, padding valid -> output 3x3');
  });

  it('agrees with tf.conv2d over strides and paddings on random matrices', () => {
    let state = 7;
    const random = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 4 - 2;
    for (const [h, w, kh, kw] of [[5, 6, 3, 3], [7, 7, 2, 3], [6, 5, 3, 2]] as const) {
      const input = Array.from({ length: h }, () => Array.from({ length: w }, () => Math.round(random() * 10) / 10));
      const kernel = Array.from({ length: kh }, () => Array.from({ length: kw }, () => Math.round(random() * 10) / 10));
      for (const stride of [1, 2]) {
        for (const padding of ['valid', 'same'] as const) {
          const ours = convolveSteps(input, kernel, { stride, padding }).output;
          const theirs = tfConv(input, kernel, stride, padding);
          expect(ours.length).toBe(theirs.length);
          ours.forEach((row, r) => row.forEach((v, c) => expect(v).toBeCloseTo(theirs[r]![c]!, 5)));
        }
      }
    }
  });

  it('rejects bad input with typed errors', () => {
    expect(() => convolveSteps([[1, 2], [3]], [[1]])).toThrow(InvalidArgumentError);
    expect(() => convolveSteps(deck, [[1]], { stride: 0 })).toThrow(/stride/);
    expect(() => convolveSteps([[1]], [[1, 1], [1, 1]])).toThrow(/kernel/);
  });
});

describe('maxPoolSteps', () => {
  it('agrees with tf.maxPool and explains each window', () => {
    const input = [
      [1, 3, 2, 1],
      [4, 2, 0, 1],
      [3, 1, 5, 6],
      [0, 2, 7, 8],
    ];
    const result = maxPoolSteps(input, 2);
    expect(result.output).toEqual([[4, 2], [3, 8]]);
    expect(result.steps[3]!.text).toBe('out[1][1] = max(5, 6, 7, 8) = 8');
    const theirs = tf.tidy(() => tf.maxPool(tf.tensor4d(input.flat(), [1, 4, 4, 1]), 2, 2, 'valid').squeeze([0, 3]).arraySync());
    expect(result.output).toEqual(theirs);
    const overlapping = maxPoolSteps(deck, 3, { stride: 1 });
    const tfOverlapping = tf.tidy(() => tf.maxPool(tf.tensor4d(deck.flat(), [1, 4, 4, 1]), 3, 1, 'valid').squeeze([0, 3]).arraySync());
    expect(overlapping.output).toEqual(tfOverlapping);
  });
});
