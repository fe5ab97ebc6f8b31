import { tf, InvalidArgumentError } from '@deepcourse/backend';

/**
 * Applies maps that are exact on the pixel grid (horizontal and/or vertical
 * mirror per image, the only ones flips produce) with `reverse` and `where`:
 * no resampling, bit-exact, and cheaper than `tf.image.transform`.
 */
export function applyGridMaps(images: tf.Tensor4D, matrices: Float64Array): tf.Tensor4D {
  const [n, height, width] = images.shape as [number, number, number, number];
  const horizontal = new Uint8Array(n);
  const vertical = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const m = matrices.subarray(i * 9, i * 9 + 9);
    const h = m[0] === -1 && m[2] === width - 1;
    const v = m[4] === -1 && m[5] === height - 1;
    const exact = m[1] === 0 && m[3] === 0 && m[6] === 0 && m[7] === 0 && m[8] === 1 && (h || (m[0] === 1 && m[2] === 0)) && (v || (m[4] === 1 && m[5] === 0));
    if (!exact) throw new InvalidArgumentError(`matrices[${i}]`, 'a flip (mirror) map', `[${Array.from(m).join(', ')}]`);
    horizontal[i] = h ? 1 : 0;
    vertical[i] = v ? 1 : 0;
  }
  return tf.tidy(() => {
    let out: tf.Tensor4D = images;
    out = flipWhere(out, horizontal, 2);
    out = flipWhere(out, vertical, 1);
    return out;
  });
}

/** Reverses `axis` of the images whose flag is set. */
function flipWhere(images: tf.Tensor4D, flags: Uint8Array, axis: 1 | 2): tf.Tensor4D {
  const count = flags.reduce((a, b) => a + b, 0);
  if (count === 0) return images;
  const reversed = tf.reverse(images, axis);
  if (count === flags.length) return reversed;
  const mask = tf.tensor4d(flags, [flags.length, 1, 1, 1], 'bool');
  return tf.where(mask, reversed, images);
}
