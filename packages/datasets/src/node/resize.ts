/**
 * Resizes interleaved pixels exactly as TensorFlow's `tf.image.resize` does without antialiasing (the
 * function Keras' `image_dataset_from_directory` uses): half-pixel centres, bilinear or nearest neighbour.
 * Input and output are HWC; the output is float (values between the input bytes).
 */
export function resizePixels(
  input: ArrayLike<number>,
  inHeight: number,
  inWidth: number,
  channels: number,
  outHeight: number,
  outWidth: number,
  method: 'bilinear' | 'nearest',
  out: Float32Array = new Float32Array(outHeight * outWidth * channels),
  outOffset = 0,
): Float32Array {
  const scaleY = inHeight / outHeight;
  const scaleX = inWidth / outWidth;
  if (method === 'nearest') {
    const xs = Int32Array.from({ length: outWidth }, (_, x) => Math.max(0, Math.min(Math.floor(Math.fround((x + 0.5) * scaleX)), inWidth - 1)));
    for (let y = 0; y < outHeight; y++) {
      const sy = Math.max(0, Math.min(Math.floor(Math.fround((y + 0.5) * scaleY)), inHeight - 1));
      for (let x = 0; x < outWidth; x++) {
        const src = (sy * inWidth + (xs[x] as number)) * channels;
        const dst = outOffset + (y * outWidth + x) * channels;
        for (let c = 0; c < channels; c++) out[dst + c] = input[src + c] as number;
      }
    }
    return out;
  }
  const axis = (size: number, inSize: number, scale: number) => {
    const lower = new Int32Array(size);
    const upper = new Int32Array(size);
    const lerp = new Float64Array(size);
    for (let i = 0; i < size; i++) {
      const position = (i + 0.5) * scale - 0.5;
      const floor = Math.floor(position);
      lower[i] = Math.max(floor, 0);
      upper[i] = Math.min(Math.ceil(position), inSize - 1);
      lerp[i] = position - floor;
    }
    return { lower, upper, lerp };
  };
  const ys = axis(outHeight, inHeight, scaleY);
  const xs = axis(outWidth, inWidth, scaleX);
  for (let y = 0; y < outHeight; y++) {
    const top = (ys.lower[y] as number) * inWidth;
    const bottom = (ys.upper[y] as number) * inWidth;
    const dy = ys.lerp[y] as number;
    for (let x = 0; x < outWidth; x++) {
      const left = xs.lower[x] as number;
      const right = xs.upper[x] as number;
      const dx = xs.lerp[x] as number;
      const dst = outOffset + (y * outWidth + x) * channels;
      for (let c = 0; c < channels; c++) {
        const tl = input[(top + left) * channels + c] as number;
        const tr = input[(top + right) * channels + c] as number;
        const bl = input[(bottom + left) * channels + c] as number;
        const br = input[(bottom + right) * channels + c] as number;
        const topValue = tl + (tr - tl) * dx;
        const bottomValue = bl + (br - bl) * dx;
        out[dst + c] = topValue + (bottomValue - topValue) * dy;
      }
    }
  }
  return out;
}

/** Keras' `smart_resize` crop: the largest centred box with the target's aspect ratio, as [top, left, height, width]. */
export function aspectRatioCropBox(height: number, width: number, targetHeight: number, targetWidth: number): [number, number, number, number] {
  const cropHeight = Math.min(height, Math.trunc((width * targetHeight) / targetWidth));
  const cropWidth = Math.min(width, Math.trunc((height * targetWidth) / targetHeight));
  return [Math.trunc((height - cropHeight) / 2), Math.trunc((width - cropWidth) / 2), cropHeight, cropWidth];
}
