import { tf } from '@deepcourse/backend';
import { decodeIdxDataset, trainTestSplit, type LabeledImages, type TrainTest } from '@deepcourse/datasets';
import { DIGIT_FILES } from './digit-files.js';

// Some static servers (vite preview among them) send `.gz` files with `Content-Encoding: gzip`, so the browser
// hands over the IDX bytes already unpacked; others send the gzip bytes. decodeIdxDataset takes either.
async function fetchBytes(path: string): Promise<Uint8Array> {
  const url = new URL(path, document.baseURI);
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url.href}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

/**
 * The packed MNIST digits, decoded by @deepcourse/datasets (gzip IDX → tensors in [0, 1]) and split into a
 * training part and `testSize` held-out digits (seeded, stratified). The caller owns the tensors.
 */
export async function loadDigits(testSize: number, seed: number): Promise<TrainTest<LabeledImages>> {
  const [images, labels] = await Promise.all([fetchBytes(DIGIT_FILES.images), fetchBytes(DIGIT_FILES.labels)]);
  const all = await decodeIdxDataset({ images, labels }, { names: DIGIT_FILES });
  try {
    const { train, test } = trainTestSplit({ images: all.images, labels: all.labels }, { testSize, seed, stratify: 'labels' });
    return { train: { ...train, classNames: all.classNames }, test: { ...test, classNames: all.classNames } };
  } finally {
    tf.dispose([all.images, all.labels]);
  }
}

/** The pixels of digit `index` of a set, 784 values in [0, 1], and its label. */
export function digitAt(set: LabeledImages, index: number): { pixels: Float32Array; label: number } {
  const pixels = tf.tidy(() => set.images.slice([index, 0, 0, 0], [1, 28, 28, 1]).dataSync() as Float32Array);
  const label = tf.tidy(() => set.labels.slice([index], [1]).dataSync()[0] as number);
  return { pixels, label };
}
