import { afterAll, describe, expect, test } from 'vitest';
import { tf } from '../tf.js';
import { initBackend } from '../init-backend.js';
import { InvalidArgumentError } from '../errors.js';
import { registerWasmTrainingKernels, unregisterWasmTrainingKernels, wasmTrainingKernelsRegistered, WASM_TRAINING_KERNELS } from './register.js';

afterAll(async () => {
  await initBackend({ backend: 'wasm' });
});

describe('wasm training kernel registration', () => {
  test('initBackend on wasm registers our kernels by default', async () => {
    await initBackend({ backend: 'wasm' });
    expect(wasmTrainingKernelsRegistered()).toBe(true);
    expect([...WASM_TRAINING_KERNELS].sort()).toEqual([
      'BatchMatMul', 'Conv2DBackpropFilter', 'Conv2DBackpropInput',
      'DepthwiseConv2dNativeBackpropFilter', 'DepthwiseConv2dNativeBackpropInput', 'Identity', 'MaxPoolGrad', 'Mean', 'Slice', 'SplitV', 'Sum', 'Tile', 'Transpose', 'Unpack', 'UnsortedSegmentSum',
    ]);
  });

  test('wasmKernels: false restores the stock kernels, and the stock backend cannot train a convolution', async () => {
    await initBackend({ backend: 'wasm', wasmKernels: false });
    expect(wasmTrainingKernelsRegistered()).toBe(false);
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeUndefined();
    expect(tf.getKernel('UnsortedSegmentSum', 'wasm')).toBeUndefined();
    // The stock BatchMatMul is back and still works (its wasm function was bound at setup).
    const product = tf.matMul(tf.tensor2d([[1, 2]]), tf.tensor2d([[3, 4]]), false, true);
    expect(Array.from(await product.data())).toEqual([11]);
    const x = tf.ones([1, 4, 4, 1]);
    const w = tf.variable(tf.ones([3, 3, 1, 1]));
    expect(() => tf.grad((f: tf.Tensor) => tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, 1, 'valid').sum())(w)).toThrow(/Conv2DBackpropFilter/);
    tf.dispose([product, x, w]);
  });

  test('turning them back on, and registering twice, leaves exactly our kernels', async () => {
    await initBackend({ backend: 'wasm' });
    registerWasmTrainingKernels();
    expect(wasmTrainingKernelsRegistered()).toBe(true);
    const x = tf.ones([1, 4, 4, 1]);
    const w = tf.ones([3, 3, 1, 1]);
    const dw = tf.grad((f: tf.Tensor) => tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, 1, 'valid').sum())(w);
    // Each tap of a 3x3 filter over a 4x4 image of ones sees 2x2 output pixels.
    expect(Array.from(await dw.data())).toEqual(new Array(9).fill(4));
    tf.dispose([x, w, dw]);
    unregisterWasmTrainingKernels();
    unregisterWasmTrainingKernels();
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeUndefined();
    expect(tf.getKernel('BatchMatMul', 'wasm')).toBeDefined();
  });

  test('a wasmKernels that is not a boolean is a typed error naming the option', async () => {
    await expect(initBackend({ backend: 'wasm', wasmKernels: 'yes' as unknown as boolean })).rejects.toThrow(InvalidArgumentError);
    await expect(initBackend({ backend: 'wasm', wasmKernels: 'yes' as unknown as boolean })).rejects.toThrow(/wasmKernels/);
  });
});
