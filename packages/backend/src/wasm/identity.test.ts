import { beforeAll, describe, expect, test } from 'vitest';
import { tf } from '../tf.js';
import { initBackend } from '../init-backend.js';
import { identityKernel } from './identity.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

describe('Identity on wasm', () => {
  test('registered as ours', () => {
    expect(tf.getKernel('Identity', 'wasm')).toBe(identityKernel);
  });

  test('shares the buffer: a clone outlives its source, and freeing both frees it', async () => {
    const buffers = () => (tf.engine().findBackend('wasm') as unknown as { numDataIds(): number }).numDataIds();
    const before = buffers();
    const source = tf.tensor2d([[1, -2], [3.5, 4]]);
    const copy = tf.clone(source);
    expect(buffers()).toBe(before + 1);
    source.dispose();
    expect(copy.shape).toEqual([2, 2]);
    expect(Array.from(await copy.data())).toEqual([1, -2, 3.5, 4]);
    copy.dispose();
    expect(buffers()).toBe(before);
  });

  test('int32, bool and string keep their type and values', async () => {
    const ints = tf.clone(tf.tensor1d([2147483647, -2147483648], 'int32'));
    expect(ints.dtype).toBe('int32');
    expect(Array.from(await ints.data())).toEqual([2147483647, -2147483648]);
    const flags = tf.clone(tf.tensor1d([true, false], 'bool'));
    expect(flags.dtype).toBe('bool');
    expect(Array.from(await flags.data())).toEqual([1, 0]);
    const words = tf.clone(tf.tensor1d(['가', 'b']));
    expect(await words.data()).toEqual(['가', 'b']);
    tf.dispose([ints, flags, words]);
  });

  test('a variable assigned from a clone keeps its value when the clone is disposed', async () => {
    const v = tf.variable(tf.zeros([3]));
    const value = tf.clone(tf.tensor1d([1, 2, 3]));
    v.assign(value);
    value.dispose();
    expect(Array.from(await v.data())).toEqual([1, 2, 3]);
    v.dispose();
  });
});
