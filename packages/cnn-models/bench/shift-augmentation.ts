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
