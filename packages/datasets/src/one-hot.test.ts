import { beforeAll, describe, expect, test } from 'vitest';
import { initBackend, InvalidArgumentError, tf } from '@deepcourse/backend';
import { expectError, expectNoLeak } from '../test-support/helpers.js';
import { oneHot } from './one-hot.js';
import { scalePixels } from './pixels.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe('oneHot', () => {
  test('agrees with tf.oneHot and accepts plain arrays', async () => {
    const labels = tf.tensor1d([2, 0, 1, 2], 'int32');
    await expectNoLeak(
      () => oneHot(labels, 3),
      (ours) => {
        const reference = tf.oneHot(labels, 3);
        expect(ours.arraySync()).toEqual(reference.arraySync());
        expect(ours.dtype).toBe('float32');
        reference.dispose();
      },
    );
    const fromArray = oneHot([1], 2);
    expect(fromArray.arraySync()).toEqual([[0, 1]]);
    tf.dispose([labels, fromArray]);
  });

  test('a label out of range or not an integer names the entry', async () => {
    await expectError(() => oneHot([0, 3], 3), InvalidArgumentError, 'labels', '[0, 3)', '3 at entry 1');
    await expectError(() => oneHot([0.5], 3), InvalidArgumentError, '0.5 at entry 0');
  });
});

describe('scalePixels', () => {
  test('maps [0, 255] to [0, 1] by default and to [-1, 1] on request', async () => {
    const bytes = tf.tensor1d([0, 127.5, 255]);
    await expectNoLeak(() => scalePixels(bytes), (unit) => expect(Array.from(unit.dataSync())).toEqual([0, 0.5, 1]));
    await expectNoLeak(() => scalePixels(bytes, { to: [-1, 1] }), (signed) => expect(Array.from(signed.dataSync())).toEqual([-1, 0, 1]));
    await expectError(() => scalePixels(bytes, { from: [1, 1] }), InvalidArgumentError, 'options.from');
    bytes.dispose();
  });
});
