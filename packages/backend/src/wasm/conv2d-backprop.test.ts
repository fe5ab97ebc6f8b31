import { beforeAll, describe, expect, test } from 'vitest';
import { tf } from '../tf.js';
import { initBackend } from '../init-backend.js';
import { compareWithCpu, convOutputShape } from './parity-harness.js';
import { setPatchBufferFloats } from './conv2d-backprop.js';

type Pad = 'valid' | 'same' | tf.backend_util.ExplicitPadding;
type Shape4 = [number, number, number, number];

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

// [batch, height, width, inC], [fh, fw, inC, outC], strides, pad. Covers batch 1, non-square images and
// filters, strides 1 and 2 (and 3), 'same' / 'valid' / explicit padding, and each code path: zero-stuffed
// convolution (stride 1, inC >= 8), scattered columns (stride > 1 or inC < 8), shifted patches (taps * inC >= outC)
// and gathered patches (taps * inC < outC).
const CASES: [string, Shape4, Shape4, number | [number, number], Pad][] = [
  ['batch 1, 3x3 valid, stride 1, 8 -> 5 channels', [1, 9, 7, 8], [3, 3, 8, 5], 1, 'valid'],
  ['batch 3, 3x2 same, stride 1, 9 -> 4 channels', [3, 8, 11, 9], [3, 2, 9, 4], 1, 'same'],
  ['batch 2, 5x5 same, stride 2, 3 -> 6 channels', [2, 11, 9, 3], [5, 5, 3, 6], 2, 'same'],
  ['batch 2, 3x3 valid, stride 2, 4 -> 3 channels', [2, 10, 13, 4], [3, 3, 4, 3], 2, 'valid'],
  ['batch 2, explicit padding, strides [2, 1]', [2, 9, 8, 10], [3, 4, 10, 2], [2, 1], [[0, 0], [1, 2], [0, 1], [0, 0]]],
  ['batch 1, 2x2 same, stride 3', [1, 10, 7, 2], [2, 2, 2, 3], 3, 'same'],
  ['first layer: 1 input channel, 16 outputs', [2, 12, 10, 1], [3, 3, 1, 16], 1, 'valid'],
  ['generator output layer: 1 channel, stride 2', [2, 14, 14, 1], [5, 5, 1, 8], 2, 'same'],
  ['residual shortcut: 1x1, stride 2, 4 -> 8 channels (gathered)', [2, 9, 10, 4], [1, 1, 4, 8], 2, 'same'],
  ['few channels: 3x3 same, stride 2, 2 -> 24 channels (gathered)', [2, 9, 8, 2], [3, 3, 2, 24], 2, 'same'],
];

describe('Conv2DBackpropInput on wasm equals the cpu backend', () => {
  test.each(CASES)('%s', async (_name, xShape, filterShape, strides, pad) => {
    const dyShape = convOutputShape(xShape, filterShape, strides, pad);
    const result = await compareWithCpu('Conv2DBackpropInput', { dy: { shape: dyShape }, filter: { shape: filterShape } }, {
      strides, pad, dataFormat: 'NHWC', inputShape: xShape,
    });
    expect(result.shape).toEqual(xShape);
    expect(result.relativeError).toBeLessThan(1e-4);
    expect(result.leakedTensors).toBe(0);
    expect(result.leakedWasmBuffers).toBe(0);
  });

  test('NCHW gradients are transposed in and out', async () => {
    const nhwc: Shape4 = [2, 7, 6, 8];
    const filterShape: Shape4 = [3, 3, 8, 4];
    const [b, oh, ow, oc] = convOutputShape(nhwc, filterShape, 1, 'same');
    const result = await compareWithCpu('Conv2DBackpropInput', { dy: { shape: [b, oc, oh, ow] }, filter: { shape: filterShape } }, {
      strides: 1, pad: 'same', dataFormat: 'NCHW', inputShape: [2, 8, 7, 6],
    });
    expect(result.shape).toEqual([2, 8, 7, 6]);
    expect(result.relativeError).toBeLessThan(1e-4);
  });
});

describe('Conv2DBackpropFilter on wasm equals the cpu backend', () => {
  test.each(CASES)('%s', async (_name, xShape, filterShape, strides, pad) => {
    const dyShape = convOutputShape(xShape, filterShape, strides, pad);
    const result = await compareWithCpu('Conv2DBackpropFilter', { x: { shape: xShape }, dy: { shape: dyShape } }, {
      strides, pad, dataFormat: 'NHWC', filterShape,
    });
    expect(result.shape).toEqual(filterShape);
    expect(result.relativeError).toBeLessThan(1e-4);
    expect(result.leakedTensors).toBe(0);
    expect(result.leakedWasmBuffers).toBe(0);
  });

  test.each([
    ['shifted patches', [5, 9, 8, 6], [3, 3, 6, 4], 1],
    ['gathered patches', [5, 9, 8, 1], [3, 3, 1, 16], 1],
    ['gathered patches, strided, 2 channels', [5, 9, 8, 2], [3, 3, 2, 24], 2],
    ['scattered columns', [5, 9, 8, 3], [3, 3, 3, 4], 2],
  ] as [string, Shape4, Shape4, number][])('a batch larger than one patch buffer is processed in slices (%s)', async (_name, xShape, filterShape, strides) => {
    const previous = setPatchBufferFloats(1000);
    try {
      const dyShape = convOutputShape(xShape, filterShape, strides, 'same');
      const dw = await compareWithCpu('Conv2DBackpropFilter', { x: { shape: xShape }, dy: { shape: dyShape } }, {
        strides, pad: 'same', dataFormat: 'NHWC', filterShape,
      });
      expect(dw.relativeError).toBeLessThan(1e-4);
      expect(dw.leakedWasmBuffers).toBe(0);
      const dx = await compareWithCpu('Conv2DBackpropInput', { dy: { shape: dyShape }, filter: { shape: filterShape } }, {
        strides, pad: 'same', dataFormat: 'NHWC', inputShape: xShape,
      });
      expect(dx.relativeError).toBeLessThan(1e-4);
      expect(dx.leakedWasmBuffers).toBe(0);
    } finally {
      setPatchBufferFloats(previous);
    }
  });

  test('hand-computed: dW of a 1x1 filter is the sum over pixels of x times dy', async () => {
    const result = await compareWithCpu('Conv2DBackpropFilter', {
      x: { shape: [1, 2, 2, 1], values: [1, 2, 3, 4] },
      dy: { shape: [1, 2, 2, 1], values: [0.5, -1, 2, 0.25] },
    }, { strides: 1, pad: 'valid', dataFormat: 'NHWC', filterShape: [1, 1, 1, 1] });
    expect(Array.from(result.wasm)).toEqual([1 * 0.5 - 2 + 3 * 2 + 4 * 0.25]);
  });
});
