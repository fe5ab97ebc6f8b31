import { beforeAll, describe, expect, test } from 'vitest';
import { tf, InvalidArgumentError, ShapeError } from '@deepcourse/backend';
import { augmentDataset } from './dataset.js';
import { compose } from './compose.js';
import { flip, translate } from './geometric.js';
import { brightness } from './photometric.js';
import { useCpu } from './test-utils.js';

beforeAll(useCpu);

/** Image i is constant i: flips and nearest-fill shifts keep it constant, so its value names it. */
function constantImages(n: number, size = 5): { images: tf.Tensor4D; labels: tf.Tensor1D } {
  return tf.tidy(() => ({
    images: tf.range(0, n).reshape([n, 1, 1, 1]).tile([1, size, size, 1]) as tf.Tensor4D,
    labels: tf.range(0, n, 1, 'int32') as tf.Tensor1D,
  }));
}

const pipeline = compose([flip({ horizontal: true, vertical: true }), translate({ width: 0.2, height: 0.2, fillMode: 'nearest', interpolation: 'nearest' })]);

async function collect<T extends tf.TensorContainer>(dataset: tf.data.Dataset<T>, read: (element: T) => number[]): Promise<number[][]> {
  const rows: number[][] = [];
  await dataset.forEachAsync((element) => {
    rows.push(read(element));
    tf.dispose(element as tf.TensorContainer);
  });
  return rows;
}

describe('augmentDataset', () => {
  test('object elements: labels stay with their images, single images and batches alike, nothing leaks', async () => {
    const { images, labels } = constantImages(12);
    const source = tf.data.zip({ xs: tf.data.array(tf.unstack(images)), ys: tf.data.array(tf.unstack(labels)) }) as tf.data.Dataset<{ xs: tf.Tensor; ys: tf.Tensor }>;
    const before = tf.memory().numTensors;
    const singles = await collect(augmentDataset(source, pipeline, { seed: 1 }), ({ xs, ys }) => {
      expect(xs.shape).toEqual([5, 5, 1]);
      return [tf.tidy(() => xs.max().dataSync()[0]!), tf.tidy(() => xs.min().dataSync()[0]!), ys.dataSync()[0]!];
    });
    for (const [max, min, label] of singles) expect([max, min]).toEqual([label, label]);
    const batched = source.batch(5) as unknown as tf.data.Dataset<{ xs: tf.Tensor; ys: tf.Tensor }>;
    const batches = await collect(augmentDataset(batched, pipeline, { seed: 1 }), ({ xs, ys }) => {
      expect(xs.rank).toBe(4);
      const maxima = xs.max([1, 2, 3]);
      const perImage = Array.from(maxima.dataSync());
      maxima.dispose();
      expect(perImage).toEqual(Array.from(ys.dataSync()));
      return perImage;
    });
    expect(batches.flat()).toEqual([...Array(12).keys()]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([images, labels]);
  });

  test('the same seed repeats the augmentations, the next pass (epoch) draws new ones', async () => {
    const ramp = tf.tidy(() => tf.range(0, 16).reshape([1, 4, 4, 1]).tile([6, 1, 1, 1]) as tf.Tensor4D);
    const source = tf.data.array(tf.unstack(ramp));
    const read = (x: tf.Tensor) => Array.from(x.dataSync());
    const augmented = augmentDataset(source, pipeline, { seed: 3 });
    const first = await collect(augmented, read);
    const second = await collect(augmented, read);
    const again = await collect(augmentDataset(source, pipeline, { seed: 3 }), read);
    expect(again).toEqual(first);
    expect(second).not.toEqual(first);
    // The images do change (a ramp is not symmetric).
    expect(first.some((image) => image.join() !== read(ramp.slice(0, 1)).join())).toBe(true);
    ramp.dispose();
  });

  test('array elements use index 0 by default; key picks another part', async () => {
    const { images, labels } = constantImages(4, 3);
    const pairs = tf.data.zip([tf.data.array(tf.unstack(labels)), tf.data.array(tf.unstack(images))]) as tf.data.Dataset<[tf.Tensor, tf.Tensor]>;
    const rows = await collect(augmentDataset(pairs, brightness({ delta: [100, 100] }), { key: 1 }), ([label, image]) => [
      label.dataSync()[0]!,
      tf.tidy(() => image.min().dataSync()[0]!),
    ]);
    expect(rows).toEqual([[0, 100], [1, 101], [2, 102], [3, 103]]);
    tf.dispose([images, labels]);
  });

  test('a missing key, a non-image and a non-dataset are named errors', async () => {
    const { images, labels } = constantImages(2, 3);
    const named = tf.data.zip({ image: tf.data.array(tf.unstack(images)), label: tf.data.array(tf.unstack(labels)) });
    await expect(augmentDataset(named, pipeline).toArray()).rejects.toThrow(/key: expected a property of the dataset elements \(image, label\)/);
    await expect(augmentDataset(tf.data.array([tf.zeros([3])]), pipeline).toArray()).rejects.toThrow(ShapeError);
    expect(() => augmentDataset([] as never, pipeline)).toThrow(InvalidArgumentError);
    expect(() => augmentDataset(named, (() => 0) as never)).toThrow(/augmentation: expected an augmentation/);
    tf.dispose([images, labels]);
  });
});
