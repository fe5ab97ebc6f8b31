import { InvalidArgumentError, tf } from '@deepcourse/backend';

/**
 * Linearly maps pixel values from one range to another, e.g. bytes [0, 255] to [0, 1] (default) or to
 * [-1, 1] for a tanh generator. Returns a new float32 tensor the caller owns; the input is not disposed.
 */
export function scalePixels<T extends tf.Tensor>(
  images: T,
  options: { readonly from?: readonly [number, number]; readonly to?: readonly [number, number] } = {},
): T {
  const [fromLow, fromHigh] = options.from ?? [0, 255];
  const [toLow, toHigh] = options.to ?? [0, 1];
  for (const [name, value] of [['options.from', options.from], ['options.to', options.to]] as const) {
    if (value !== undefined && (value.length !== 2 || !value.every(Number.isFinite) || value[0] === value[1])) {
      throw new InvalidArgumentError(name, 'two different finite numbers [low, high]', value);
    }
  }
  const scale = (toHigh - toLow) / (fromHigh - fromLow);
  return tf.tidy(() => images.toFloat().sub(fromLow).mul(scale).add(toLow)) as T;
}
