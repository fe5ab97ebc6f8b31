import { beforeAll, describe, expect, test } from 'vitest';
import { tf } from '../tf.js';
import { initBackend } from '../init-backend.js';
import { compareWithCpu, convOutputShape, relativeError, runKernelOn, seededValues } from './parity-harness.js';

type Pad = 'valid' | 'same' | tf.backend_util.ExplicitPadding;
type Shape4 = [number, number, number, number];

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

// [batch, height, width, inC], [fh, fw, inC, multiplier], strides, pad.
const CASES: [string, Shape4, Shape4, number | [number, number], Pad][] = [
  ['batch 1, 3x3 same, multiplier 1', [1, 8, 6, 5], [3, 3, 5, 1], 1, 'same'],
  ['batch 3, 3x2 valid, multiplier 2', [3, 7, 9, 4], [3, 2, 4, 2], 1, 'valid'],
  ['batch 2, 5x5 same, stride 2, multiplier 3', [2, 11, 9, 3], [5, 5, 3, 3], 2, 'same'],
  ['batch 2, 3x3 valid, stride 2', [2, 10, 13, 6], [3, 3, 6, 1], 2, 'valid'],
  ['batch 2, explicit padding, strides [1, 2], multiplier 2', [2, 9, 8, 3], [2, 3, 3, 2], [1, 2], [[0, 0], [2, 1], [1, 0], [0, 0]]],
];

describe('DepthwiseConv2dNativeBackpropInput on wasm equals the cpu backend', () => {
  test.each(CASES)('%s', async (_name, xShape, filterShape, strides, pad) => {
    const dyShape = convOutputShape(xShape, filterShape, strides, pad, 1, true);
    const result = await compareWithCpu('DepthwiseConv2dNativeBackpropInput', { dy: { shape: dyShape }, filter: { shape: filterShape } }, {
      strides, dilations: 1, pad, inputShape: xShape,
    });
    expect(result.shape).toEqual(xShape);
    expect(result.relativeError).toBeLessThan(1e-4);
    expect(result.leakedTensors).toBe(0);
    expect(result.leakedWasmBuffers).toBe(0);
  });
});

describe('DepthwiseConv2dNativeBackpropFilter on wasm equals the cpu backend', () => {
  test.each(CASES)('%s', async (_name, xShape, filterShape, strides, pad) => {
    const dyShape = convOutputShape(xShape, filterShape, strides, pad, 1, true);
    const result = await compareWithCpu('DepthwiseConv2dNativeBackpropFilter', { x: { shape: xShape }, dy: { shape: dyShape } }, {
      strides, dilations: 1, pad, filterShape,
    });
    expect(result.shape).toEqual(filterShape);
    expect(result.relativeError).toBeLessThan(1e-4);
    expect(result.leakedTensors).toBe(0);
    expect(result.leakedWasmBuffers).toBe(0);
  });
});

/** The filter with `rate - 1` zeros between taps: a dilated filter as an ordinary one. */
function dilateFilter(values: Float32Array, [fh, fw, c, m]: Shape4, rate: number): { values: Float32Array; shape: Shape4 } {
  const shape: Shape4 = [(fh - 1) * rate + 1, (fw - 1) * rate + 1, c, m];
  const out = new Float32Array(shape[0] * shape[1] * c * m);
  for (let i = 0; i < fh; i++) {
    for (let j = 0; j < fw; j++) {
      for (let k = 0; k < c * m; k++) out[((i * rate) * shape[1] + j * rate) * c * m + k] = values[(i * fw + j) * c * m + k]!;
    }
  }
  return { values: out, shape };
}

// The cpu backend ignores dilations in these two kernels (tfjs's depthwise gradient refuses dilations > 1),
// so dilated results are checked against the equivalent undilated convolution with a zero-stuffed filter.
describe('dilated depthwise gradients equal the undilated ones of the zero-stuffed filter (on cpu)', () => {
  const xShape: Shape4 = [2, 11, 10, 3];
  const filterShape: Shape4 = [3, 2, 3, 2];
  test.each([
    ['rate 2, same', 2, 'same'],
    ['rate 3, valid', 3, 'valid'],
  ] as [string, number, Pad][])('%s', async (_name, rate, pad) => {
    const dyShape = convOutputShape(xShape, filterShape, 1, pad, rate, true);
    const dy = seededValues(dyShape.reduce((a, b) => a * b, 1), 11);
    const filter = seededValues(filterShape.reduce((a, b) => a * b, 1), 12);
    const x = seededValues(xShape.reduce((a, b) => a * b, 1), 13);
    const dilated = dilateFilter(filter, filterShape, rate);

    const dxWasm = await runKernelOn('wasm', 'DepthwiseConv2dNativeBackpropInput',
      { dy: { shape: dyShape, values: dy }, filter: { shape: filterShape, values: filter } },
      { strides: 1, dilations: rate, pad, inputShape: xShape });
    const dxCpu = await runKernelOn('cpu', 'DepthwiseConv2dNativeBackpropInput',
      { dy: { shape: dyShape, values: dy }, filter: { shape: dilated.shape, values: dilated.values } },
      { strides: 1, dilations: 1, pad, inputShape: xShape });
    expect(relativeError(dxWasm.data, dxCpu.data)).toBeLessThan(1e-4);

    const dwWasm = await runKernelOn('wasm', 'DepthwiseConv2dNativeBackpropFilter',
      { x: { shape: xShape, values: x }, dy: { shape: dyShape, values: dy } },
      { strides: 1, dilations: rate, pad, filterShape });
    const dwCpuDilated = await runKernelOn('cpu', 'DepthwiseConv2dNativeBackpropFilter',
      { x: { shape: xShape, values: x }, dy: { shape: dyShape, values: dy } },
      { strides: 1, dilations: 1, pad, filterShape: dilated.shape });
    // Keep the taps the dilated filter actually has.
    const [fh, fw, c, m] = filterShape;
    const expected = new Float32Array(fh * fw * c * m);
    for (let i = 0; i < fh; i++) {
      for (let j = 0; j < fw; j++) {
        for (let k = 0; k < c * m; k++) expected[(i * fw + j) * c * m + k] = dwCpuDilated.data[((i * rate) * dilated.shape[1] + j * rate) * c * m + k]!;
      }
    }
    expect(dwWasm.shape).toEqual(filterShape);
    expect(relativeError(dwWasm.data, expected)).toBeLessThan(1e-4);
    await tf.setBackend('wasm');
  });
});
