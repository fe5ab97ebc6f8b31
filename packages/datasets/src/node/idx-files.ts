import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidArgumentError, tf } from '@deepcourse/backend';
import { DatasetNotFoundError } from '../errors.js';
import { decodeIdx, labeledImagesFromIdx, type IdxImageOptions } from '../idx.js';
import type { LabeledImages, TrainTest } from '../labeled-images.js';
import { gunzipIfNeeded, readSource, type SourceOptions } from './read-source.js';

export interface LoadIdxOptions extends IdxImageOptions {
  /** Download cache folder for URLs (see `readSource`). */
  readonly cacheDir?: string;
  /** Expected SHA-256 of each file as stored (compressed if it is). */
  readonly sha256?: { readonly images?: string; readonly labels?: string };
  /** Time limit of one download in milliseconds. */
  readonly timeoutMs?: number;
}

/**
 * Loads an MNIST-style pair of IDX files (raw or .gz) from paths or http(s) URLs. URLs are downloaded once
 * into `cacheDir`; `sha256` checks each file. Bytes are decoded straight into typed arrays and converted to
 * float32 once. Returns tensors the caller owns (`tf.dispose(result)`).
 */
export async function loadIdx(sources: { readonly images: string; readonly labels: string }, options: LoadIdxOptions = {}): Promise<LabeledImages> {
  if (typeof sources !== 'object' || sources === null) throw new InvalidArgumentError('sources', '{ images, labels } paths or URLs', sources);
  const sourceOptions = (sha256: string | undefined): SourceOptions => ({
    ...(options.cacheDir === undefined ? {} : { cacheDir: options.cacheDir }),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(sha256 === undefined ? {} : { sha256 }),
  });
  // allSettled: a failure of one file must not leave the other's download running after we return.
  const [images, labels] = await settleBoth(
    readSource(sources.images, sourceOptions(options.sha256?.images)),
    readSource(sources.labels, sourceOptions(options.sha256?.labels)),
  );
  const [imageBytes, labelBytes] = await settleBoth(gunzipIfNeeded(images.bytes, images.file), gunzipIfNeeded(labels.bytes, labels.file));
  const imageArray = decodeIdx(imageBytes, images.file);
  const labelArray = decodeIdx(labelBytes, labels.file);
  return labeledImagesFromIdx(imageArray, labelArray, { images: images.file, labels: labels.file }, options);
}

async function settleBoth<A, B>(a: Promise<A>, b: Promise<B>): Promise<[A, B]> {
  const [ra, rb] = await Promise.allSettled([a, b]);
  if (ra.status === 'rejected') throw ra.reason;
  if (rb.status === 'rejected') throw rb.reason;
  return [ra.value, rb.value];
}

export const FASHION_MNIST_CLASS_NAMES: readonly string[] = [
  'T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot',
];
export const MNIST_CLASS_NAMES: readonly string[] = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

/** Where Debian's `dataset-fashion-mnist` package installs the files. */
export const DEBIAN_FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

export type MnistSplit = 'train' | 'test';

export interface MnistFamilyOptions {
  /** 'unit' (default) scales pixels to [0, 1]; 'byte' keeps 0..255. */
  readonly pixelScale?: IdxImageOptions['pixelScale'];
}

async function findFile(dir: string, prefix: string, kind: 'images-idx3' | 'labels-idx1', hint: string): Promise<string> {
  // The usual spellings: the original `train-images-idx3-ubyte(.gz)` and the `train-images.idx3-ubyte` of some mirrors.
  const names = [`${prefix}-${kind}-ubyte`, `${prefix}-${kind}-ubyte.gz`, `${prefix}-${kind.replace('-', '.')}-ubyte`, `${prefix}-${kind.replace('-', '.')}-ubyte.gz`];
  for (const name of names) {
    const path = join(dir, name);
    try {
      await access(path);
      return path;
    } catch {
      // try the next spelling
    }
  }
  throw new DatasetNotFoundError(join(dir, names[0] as string), `none of ${names.join(', ')} in ${dir}`, hint);
}

async function loadMnistFamily(
  dir: string,
  split: MnistSplit | 'both',
  classNames: readonly string[],
  hint: string,
  options: MnistFamilyOptions,
): Promise<LabeledImages | TrainTest<LabeledImages>> {
  const loadSplit = async (which: MnistSplit): Promise<LabeledImages> => {
    const prefix = which === 'train' ? 'train' : 't10k';
    const [images, labels] = await Promise.all([findFile(dir, prefix, 'images-idx3', hint), findFile(dir, prefix, 'labels-idx1', hint)]);
    return loadIdx({ images, labels }, { classNames, ...(options.pixelScale === undefined ? {} : { pixelScale: options.pixelScale }) });
  };
  if (split === 'train' || split === 'test') return loadSplit(split);
  if (split !== 'both') throw new InvalidArgumentError('split', "'train', 'test' or 'both'", split);
  const train = await loadSplit('train');
  try {
    return { train, test: await loadSplit('test') };
  } catch (error) {
    tf.dispose(train);
    throw error;
  }
}

/**
 * Fashion-MNIST (Zalando; 60,000 train + 10,000 test 28x28 grayscale clothes images, 10 classes) from a folder
 * of IDX files, by default Debian's `/usr/share/datasets/fashion-mnist` (`apt-get install dataset-fashion-mnist`).
 * `split` 'both' (default) returns `{ train, test }`; 'train' or 'test' returns that part only. The caller owns
 * the tensors.
 */
export function fashionMnist(dir?: string, split?: 'both', options?: MnistFamilyOptions): Promise<TrainTest<LabeledImages>>;
export function fashionMnist(dir: string | undefined, split: MnistSplit, options?: MnistFamilyOptions): Promise<LabeledImages>;
export function fashionMnist(dir = DEBIAN_FASHION_MNIST_DIR, split: MnistSplit | 'both' = 'both', options: MnistFamilyOptions = {}): Promise<LabeledImages | TrainTest<LabeledImages>> {
  return loadMnistFamily(dir, split, FASHION_MNIST_CLASS_NAMES, 'Install it with `apt-get install dataset-fashion-mnist` or pass the folder of the IDX files', options);
}

/**
 * The classic MNIST digits (60,000 + 10,000) from a folder of IDX files (`train-images-idx3-ubyte[.gz]`, ...).
 * For a set that needs no files, see `mnistSample()`.
 */
export function mnist(dir: string, split?: 'both', options?: MnistFamilyOptions): Promise<TrainTest<LabeledImages>>;
export function mnist(dir: string, split: MnistSplit, options?: MnistFamilyOptions): Promise<LabeledImages>;
export function mnist(dir: string, split: MnistSplit | 'both' = 'both', options: MnistFamilyOptions = {}): Promise<LabeledImages | TrainTest<LabeledImages>> {
  if (typeof dir !== 'string') throw new InvalidArgumentError('dir', 'the folder holding the MNIST IDX files', dir);
  return loadMnistFamily(dir, split, MNIST_CLASS_NAMES, 'Pass the folder holding the MNIST IDX files, or use mnistSample() for 10,000 digits that install with the package', options);
}
