// Benchmark-only acceleration, not part of the package: tfjs-backend-cpu 4.22
// computes Conv2DBackpropFilter with TensorBuffer.get() in six nested loops
// (about 2 M multiply-adds per second here: 37 s for one 5×5×32×16 filter
// gradient of a batch of 32 at 14×14), which makes conv training on the cpu
// backend impractical. This kernel computes the same sum over flat typed
// arrays (same order of summation per output element: batch, row, column).
// It belongs in @deepcourse/backend, which owns kernel registration; until it
// lands there, the benchmark installs it for its own process only.
import { tf } from '@deepcourse/backend';

type CpuBackend = { data: { get(id: object): { values: Float32Array } }; makeTensorInfo(shape: number[], dtype: string, values: Float32Array): tf.TensorInfo };

const stock = tf.getKernel('Conv2DBackpropFilter', 'cpu');

function fastConv2DBackpropFilter(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): tf.TensorInfo {
  const { inputs, attrs } = args;
  const backend = args.backend as CpuBackend;
  const x = inputs.x as tf.TensorInfo;
  const dy = inputs.dy as tf.TensorInfo;
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as {
    strides: [number, number] | number;
    pad: 'valid' | 'same' | number;
    dataFormat: 'NHWC' | 'NCHW';
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
    filterShape: [number, number, number, number];
  };
  if (dataFormat === 'NCHW' || !stock) {
    return (stock as tf.KernelConfig).kernelFunc(args as never) as tf.TensorInfo;
  }
  const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], filterShape, strides, 1, pad, dimRoundingMode, false, 'channelsLast');
  const { strideHeight: sh, strideWidth: sw, filterHeight: fh, filterWidth: fw, inHeight, inWidth, outHeight, outWidth, inChannels: ci, outChannels: co, batchSize } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const xs = backend.data.get(x.dataId).values;
  const dys = backend.data.get(dy.dataId).values;
  const dW = new Float32Array(fh * fw * ci * co);
  const acc = new Float64Array(ci * co);
  for (let kr = 0; kr < fh; kr++) {
    const yRMin = Math.max(0, Math.ceil((top - kr) / sh));
    const yRMax = Math.min(outHeight, (inHeight + top - kr) / sh);
    for (let kc = 0; kc < fw; kc++) {
      const yCMin = Math.max(0, Math.ceil((left - kc) / sw));
      const yCMax = Math.min(outWidth, (inWidth + left - kc) / sw);
      acc.fill(0);
      for (let b = 0; b < batchSize; b++) {
        for (let yr = yRMin; yr < yRMax; yr++) {
          const xr = kr + yr * sh - top;
          for (let yc = yCMin; yc < yCMax; yc++) {
            const xc = kc + yc * sw - left;
            const xo = ((b * inHeight + xr) * inWidth + xc) * ci;
            const yo = ((b * outHeight + yr) * outWidth + yc) * co;
            for (let i = 0; i < ci; i++) {
              const xv = xs[xo + i] as number;
              if (xv === 0) continue;
              const ao = i * co;
              for (let o = 0; o < co; o++) acc[ao + o] = (acc[ao + o] as number) + xv * (dys[yo + o] as number);
            }
          }
        }
      }
      dW.set(acc, (kr * fw + kc) * ci * co);
    }
  }
  return backend.makeTensorInfo(filterShape, 'float32', dW);
}

/** Replaces the cpu backend's Conv2DBackpropFilter with the flat-array version for this process. */
export function installFastCpuConvFilterGradient(): void {
  tf.unregisterKernel('Conv2DBackpropFilter', 'cpu');
  tf.registerKernel({ kernelName: 'Conv2DBackpropFilter', backendName: 'cpu', kernelFunc: fastConv2DBackpropFilter as unknown as tf.KernelFunc });
}

/** Puts the stock kernel back (used by the equality test). */
export function restoreStockCpuConvFilterGradient(): void {
  if (!stock) return;
  tf.unregisterKernel('Conv2DBackpropFilter', 'cpu');
  tf.registerKernel(stock);
}
