import { seedStream, tf } from '@deepcourse/backend';

/**
 * Random translation by up to `maxShift` pixels (zero fill), one seeded offset
 * per image: crops of the zero-padded batch at integer offsets (bilinear
 * sampling at whole pixels returns the pixels exactly).
 */
export function randomShift(maxShift: number) {
  return (batch: tf.Tensor, seed: number): tf.Tensor =>
    tf.tidy(() => {
      const [n, h, w] = batch.shape as [number, number, number, number];
      const padded = tf.pad(batch as tf.Tensor4D, [[0, 0], [maxShift, maxShift], [maxShift, maxShift], [0, 0]]);
      const ph = h + 2 * maxShift;
      const pw = w + 2 * maxShift;
      const stream = seedStream(seed);
      const boxes: number[] = [];
      for (let i = 0; i < n; i++) {
        const dy = stream.uniformInt(0, 2 * maxShift + 1);
        const dx = stream.uniformInt(0, 2 * maxShift + 1);
        boxes.push(dy / (ph - 1), dx / (pw - 1), (dy + h - 1) / (ph - 1), (dx + w - 1) / (pw - 1));
      }
      const indices = tf.range(0, n, 1, 'int32');
      return tf.image.cropAndResize(padded, tf.tensor2d(boxes, [n, 4]), indices as tf.Tensor1D, [h, w], 'bilinear');
    });
}

/** `randomShift(maxShift)`, then a left-right mirror of each image with probability 1/2 (seeded). */
export function randomShiftAndFlip(maxShift: number) {
  const shift = randomShift(maxShift);
  return (batch: tf.Tensor, seed: number): tf.Tensor =>
    tf.tidy(() => {
      const stream = seedStream(seed);
      const shifted = shift(batch, stream.next());
      const n = batch.shape[0] as number;
      const flip = tf.tensor1d(Array.from({ length: n }, () => (stream.uniformInt(0, 2) === 1 ? 1 : 0)), 'bool').reshape([n, 1, 1, 1]);
      return tf.where(tf.broadcastTo(flip, shifted.shape), tf.reverse(shifted, 2), shifted);
    });
}
