import { readFile, readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import sharp from 'sharp';
import { InvalidArgumentError, seedStream, tf } from '@deepcourse/backend';
import { DatasetFormatError, DatasetNotFoundError } from '../errors.js';
import { checkPixelScale, type LabeledImages, type PixelScale } from '../labeled-images.js';
import { decodeBmp, isBmp } from './bmp-decoder.js';
import { aspectRatioCropBox, resizePixels } from './resize.js';

/** The extensions Keras' `image_dataset_from_directory` accepts (compared case-insensitively). */
export const IMAGE_EXTENSIONS: readonly string[] = ['.bmp', '.gif', '.jpeg', '.jpg', '.png'];

export type ColorMode = 'grayscale' | 'rgb' | 'rgba';

export interface ImageFolderOptions {
  /** [height, width] every image is resized to (default [256, 256], as Keras). */
  readonly imageSize?: readonly [number, number];
  /** 'rgb' (default; alpha dropped), 'grayscale' (BT.601 luma) or 'rgba'. */
  readonly colorMode?: ColorMode;
  /** Resize method, TensorFlow's half-pixel sampling without antialiasing (default 'bilinear'). */
  readonly interpolation?: 'bilinear' | 'nearest';
  /** Crop the largest centred box with the target aspect ratio before resizing, instead of stretching (default false). */
  readonly cropToAspectRatio?: boolean;
  /** The class subfolders in the order wanted; must name exactly the subfolders found. Default: sorted names. */
  readonly classNames?: readonly string[];
  /** Shuffle the files (default true, as Keras). */
  readonly shuffle?: boolean;
  /** Seed of the shuffle (and so of the validation split). Default: the global seed. */
  readonly seed?: number;
  /** Share of the files kept for validation, in (0, 1); needs `subset`. */
  readonly validationSplit?: number;
  /** Which part of a validation split to load: 'training', 'validation' or 'both'. */
  readonly subset?: 'training' | 'validation' | 'both';
  /** 'error' (default) fails on the first unreadable image; 'skip' leaves it out and lists it in `skipped`. */
  readonly onInvalid?: 'error' | 'skip';
  /** 'unit' (default) scales pixels to [0, 1]; 'byte' keeps 0..255 (Keras' range). */
  readonly pixelScale?: PixelScale;
  /**
   * Files without an image extension: 'ignore' (default, as Keras; listed in `ignored`) or 'error' (a
   * DatasetFormatError naming the first one, for folders that should hold images only).
   */
  readonly nonImageFiles?: 'ignore' | 'error';
  /** Images decoded at once (default 4). */
  readonly concurrency?: number;
}

/** An image left out by `onInvalid: 'skip'`, with the decoder's reason. */
export type SkippedImage = {
  readonly file: string;
  readonly reason: string;
};

/** Images of a class folder tree. The caller owns `images` and `labels` (`tf.dispose(dataset)`). */
export type ImageFolderDataset = LabeledImages & {
  /** The file of each image, in tensor order. */
  readonly files: string[];
  /** Image files that could not be decoded and were left out (`onInvalid: 'skip'`). */
  readonly skipped: SkippedImage[];
  /** Files without an image extension, and files outside the class folders: not loaded, as in Keras. */
  readonly ignored: string[];
};

interface IndexedFile {
  readonly path: string;
  readonly label: number;
}

/**
 * Loads a folder with one subfolder per class, with Keras' `image_dataset_from_directory` semantics: class
 * names are the subfolder names sorted alphabetically (label i = classNames[i]); .jpg/.jpeg/.png/.bmp/.gif
 * files anywhere under a class folder (first frame of a gif); every image resized to `imageSize` as
 * TensorFlow does; files shuffled with `seed`; `validationSplit` keeps the last share of the shuffled files
 * for validation. Decoding goes through sharp (libvips); BMP through this package's decoder.
 *
 * An empty folder, a class folder without images, or an undecodable image (unless `onInvalid: 'skip'`) is a
 * DatasetFormatError naming the folder or file.
 */
export function loadImageFolder(dir: string, options?: ImageFolderOptions & { readonly subset?: 'training' | 'validation' }): Promise<ImageFolderDataset>;
export function loadImageFolder(dir: string, options: ImageFolderOptions & { readonly subset: 'both' }): Promise<{ training: ImageFolderDataset; validation: ImageFolderDataset }>;
export async function loadImageFolder(dir: string, options: ImageFolderOptions = {}): Promise<ImageFolderDataset | { training: ImageFolderDataset; validation: ImageFolderDataset }> {
  const settings = checkOptions(options);
  const { classNames, files, ignored } = await indexFolder(dir, options.classNames);
  if (options.nonImageFiles === 'error' && ignored.length > 0) {
    const first = [...ignored].sort()[0] as string;
    throw new DatasetFormatError(first, `only image files (${IMAGE_EXTENSIONS.join(', ')}) and class subfolders`, `a file with extension ${JSON.stringify(extname(first) || '(none)')}${ignored.length > 1 ? ` (and ${ignored.length - 1} more non-image files)` : ''}`);
  }
  let order = files;
  if (settings.shuffle) order = seedStream(options.seed).shuffle(files);
  if (options.validationSplit === undefined) return decodeAll(dir, order, classNames, ignored, settings);
  const validationCount = Math.trunc(options.validationSplit * order.length);
  if (validationCount === 0 || validationCount === order.length) {
    throw new InvalidArgumentError('options.validationSplit', `a share leaving both parts non-empty for ${order.length} files`, options.validationSplit);
  }
  const training = order.slice(0, order.length - validationCount);
  const validation = order.slice(order.length - validationCount);
  if (options.subset === 'training') return decodeAll(dir, training, classNames, ignored, settings);
  if (options.subset === 'validation') return decodeAll(dir, validation, classNames, ignored, settings);
  const trainingSet = await decodeAll(dir, training, classNames, ignored, settings);
  try {
    return { training: trainingSet, validation: await decodeAll(dir, validation, classNames, ignored, settings) };
  } catch (error) {
    tf.dispose([trainingSet.images, trainingSet.labels]);
    throw error;
  }
}

interface Settings {
  readonly height: number;
  readonly width: number;
  readonly channels: 1 | 3 | 4;
  readonly colorMode: ColorMode;
  readonly interpolation: 'bilinear' | 'nearest';
  readonly crop: boolean;
  readonly shuffle: boolean;
  readonly skip: boolean;
  readonly pixelScale: PixelScale;
  readonly concurrency: number;
}

function checkOptions(options: ImageFolderOptions): Settings {
  const size: unknown = options.imageSize ?? [256, 256];
  const [height, width] = Array.isArray(size) && size.length === 2 ? (size as [number, number]) : [Number.NaN, Number.NaN];
  if (!Number.isSafeInteger(height) || !Number.isSafeInteger(width) || height < 1 || width < 1) {
    throw new InvalidArgumentError('options.imageSize', '[height, width] of positive integers', options.imageSize);
  }
  const colorMode = options.colorMode ?? 'rgb';
  if (colorMode !== 'grayscale' && colorMode !== 'rgb' && colorMode !== 'rgba') throw new InvalidArgumentError('options.colorMode', "'grayscale', 'rgb' or 'rgba'", colorMode);
  const interpolation = options.interpolation ?? 'bilinear';
  if (interpolation !== 'bilinear' && interpolation !== 'nearest') throw new InvalidArgumentError('options.interpolation', "'bilinear' or 'nearest'", interpolation);
  const onInvalid = options.onInvalid ?? 'error';
  if (onInvalid !== 'error' && onInvalid !== 'skip') throw new InvalidArgumentError('options.onInvalid', "'error' or 'skip'", onInvalid);
  if (options.nonImageFiles !== undefined && options.nonImageFiles !== 'ignore' && options.nonImageFiles !== 'error') {
    throw new InvalidArgumentError('options.nonImageFiles', "'ignore' or 'error'", options.nonImageFiles);
  }
  const concurrency = options.concurrency ?? 4;
  if (!Number.isSafeInteger(concurrency) || concurrency < 1) throw new InvalidArgumentError('options.concurrency', 'a positive integer', concurrency);
  if (options.validationSplit !== undefined) {
    if (!(options.validationSplit > 0 && options.validationSplit < 1)) throw new InvalidArgumentError('options.validationSplit', 'a number in (0, 1)', options.validationSplit);
    if (options.subset !== 'training' && options.subset !== 'validation' && options.subset !== 'both') {
      throw new InvalidArgumentError('options.subset', "'training', 'validation' or 'both' with validationSplit", options.subset);
    }
  } else if (options.subset !== undefined) {
    throw new InvalidArgumentError('options.validationSplit', 'a number in (0, 1) when subset is set', undefined);
  }
  return {
    height,
    width,
    channels: colorMode === 'grayscale' ? 1 : colorMode === 'rgb' ? 3 : 4,
    colorMode,
    interpolation,
    crop: options.cropToAspectRatio ?? false,
    shuffle: options.shuffle ?? true,
    skip: onInvalid === 'skip',
    pixelScale: checkPixelScale(options.pixelScale ?? 'unit', 'options.pixelScale'),
    concurrency,
  };
}

async function indexFolder(dir: string, wanted: readonly string[] | undefined): Promise<{ classNames: string[]; files: IndexedFile[]; ignored: string[] }> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new DatasetNotFoundError(dir, 'no such folder');
    if (code === 'ENOTDIR') throw new DatasetNotFoundError(dir, 'is a file, expected a folder with one subfolder per class');
    throw error;
  }
  const ignored: string[] = [];
  const subfolders: string[] = [];
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() || (entry.isSymbolicLink() && (await stat(path)).isDirectory())) subfolders.push(entry.name);
    else ignored.push(path);
  }
  subfolders.sort();
  if (subfolders.length === 0) {
    throw new DatasetFormatError(dir, 'one subfolder per class', entries.length === 0 ? 'an empty folder' : `no subfolders (${entries.length} files)`);
  }
  let classNames = subfolders;
  if (wanted !== undefined) {
    const same = wanted.length === subfolders.length && new Set(wanted).size === wanted.length && wanted.every((name) => subfolders.includes(name));
    if (!same) throw new InvalidArgumentError('options.classNames', `exactly the subfolders ${subfolders.map((s) => JSON.stringify(s)).join(', ')}`, wanted);
    classNames = [...wanted];
  }
  const files: IndexedFile[] = [];
  for (const [label, name] of classNames.entries()) {
    const classDir = join(dir, name);
    const images = await walk(classDir, ignored);
    if (images.length === 0) {
      throw new DatasetFormatError(classDir, `at least one image (${IMAGE_EXTENSIONS.join(', ')}) in class folder ${JSON.stringify(name)}`, 'none');
    }
    for (const path of images) files.push({ path, label });
  }
  return { classNames, files, ignored };
}

/**
 * Image files under a folder, recursively, in Keras' order: folders sorted by path (as `sorted(os.walk(...))`),
 * and within each folder its files sorted by name.
 */
async function walk(root: string, ignored: string[]): Promise<string[]> {
  const folders: { path: string; files: string[] }[] = [];
  const visit = async (dir: string): Promise<void> => {
    const files: string[] = [];
    folders.push({ path: dir, files });
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      const isDir = entry.isDirectory() || (entry.isSymbolicLink() && (await stat(path)).isDirectory());
      if (isDir) await visit(path);
      else if (IMAGE_EXTENSIONS.includes(extname(entry.name).toLowerCase())) files.push(entry.name);
      else ignored.push(path);
    }
  };
  await visit(root);
  const byCodePoint = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  folders.sort((a, b) => byCodePoint(a.path, b.path));
  return folders.flatMap(({ path, files }) => files.sort(byCodePoint).map((name) => join(path, name)));
}

async function decodeAll(dir: string, files: readonly IndexedFile[], classNames: readonly string[], ignored: readonly string[], settings: Settings): Promise<ImageFolderDataset> {
  const { height, width, channels } = settings;
  const perImage = height * width * channels;
  const pixels = new Float32Array(files.length * perImage);
  const ok = new Uint8Array(files.length);
  const reasons = new Map<number, string>();
  let next = 0;
  let failure: unknown;
  const worker = async (): Promise<void> => {
    while (failure === undefined && next < files.length) {
      const index = next++;
      const file = files[index] as IndexedFile;
      try {
        await decodeInto(file.path, settings, pixels, index * perImage);
        ok[index] = 1;
      } catch (error) {
        if (!(error instanceof DatasetFormatError)) throw error;
        if (!settings.skip) {
          failure ??= new DatasetFormatError(error.file, error.expected, error.found, { ...error.location, entry: index });
          return;
        }
        reasons.set(index, error.found);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(settings.concurrency, files.length) }, worker));
  if (failure !== undefined) throw failure;
  const kept = files.flatMap((file, i) => (ok[i] === 1 ? [{ file, i }] : []));
  const skipped = files.flatMap((file, i) => (ok[i] === 1 ? [] : [{ file: file.path, reason: reasons.get(i) ?? 'not decoded' }]));
  if (kept.length === 0) {
    throw new DatasetFormatError(dir, 'at least one decodable image', `none of ${files.length} files (all skipped)`);
  }
  let data = pixels;
  if (skipped.length > 0) {
    // Close the gaps the skipped images left (a copy only when something was skipped).
    data = new Float32Array(kept.length * perImage);
    kept.forEach(({ i }, k) => data.set(pixels.subarray(i * perImage, (i + 1) * perImage), k * perImage));
  }
  return {
    images: tf.tensor4d(data, [kept.length, height, width, channels], 'float32'),
    labels: tf.tensor1d(Int32Array.from(kept, ({ file }) => file.label), 'int32'),
    classNames: [...classNames],
    files: kept.map(({ file }) => file.path),
    skipped,
    ignored: [...ignored],
  };
}

/** Decodes one image file to `settings` (size, colour, scale) and writes it at `offset` of `out`. */
async function decodeInto(path: string, settings: Settings, out: Float32Array, offset: number): Promise<void> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new DatasetFormatError(path, 'a readable image file', `an unreadable file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  let raw: { data: Uint8Array; width: number; height: number; channels: number };
  try {
    let pipeline: sharp.Sharp;
    if (isBmp(bytes)) {
      const bmp = decodeBmp(bytes, path);
      pipeline = sharp(bmp.data, { raw: { width: bmp.width, height: bmp.height, channels: bmp.channels } });
    } else {
      pipeline = sharp(bytes, { pages: 1, page: 0 });
    }
    // Colour conversion to 8-bit sRGB in libvips; grayscale is taken from RGB below with BT.601 weights.
    pipeline = settings.colorMode === 'rgba' ? pipeline.ensureAlpha().toColourspace('srgb') : pipeline.removeAlpha().toColourspace('srgb');
    const result = await pipeline.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
    raw = { data: new Uint8Array(result.data.buffer, result.data.byteOffset, result.data.byteLength), width: result.info.width, height: result.info.height, channels: result.info.channels };
  } catch (error) {
    if (error instanceof DatasetFormatError) throw error;
    throw new DatasetFormatError(path, `a decodable image (${IMAGE_EXTENSIONS.join(', ')})`, (error as Error).message.replace(/\s+/g, ' ').trim());
  }
  const expectedChannels = settings.colorMode === 'rgba' ? 4 : 3;
  if (raw.channels !== expectedChannels) {
    throw new DatasetFormatError(path, `${expectedChannels} channels after conversion`, `${raw.channels} channels`);
  }
  let source: Uint8Array | Float32Array = raw.data;
  let channels = raw.channels;
  if (settings.colorMode === 'grayscale') {
    const gray = new Float32Array(raw.width * raw.height);
    for (let i = 0; i < gray.length; i++) {
      gray[i] = Math.round(0.299 * (raw.data[3 * i] as number) + 0.587 * (raw.data[3 * i + 1] as number) + 0.114 * (raw.data[3 * i + 2] as number));
    }
    source = gray;
    channels = 1;
  }
  let [top, left, cropHeight, cropWidth] = [0, 0, raw.height, raw.width];
  if (settings.crop) [top, left, cropHeight, cropWidth] = aspectRatioCropBox(raw.height, raw.width, settings.height, settings.width);
  if (top !== 0 || left !== 0 || cropHeight !== raw.height || cropWidth !== raw.width) {
    const cropped = new Float32Array(cropHeight * cropWidth * channels);
    for (let y = 0; y < cropHeight; y++) {
      const from = ((top + y) * raw.width + left) * channels;
      cropped.set(source.subarray(from, from + cropWidth * channels), y * cropWidth * channels);
    }
    source = cropped;
  }
  resizePixels(source, cropHeight, cropWidth, channels, settings.height, settings.width, settings.interpolation, out, offset);
  if (settings.pixelScale === 'unit') {
    const end = offset + settings.height * settings.width * channels;
    for (let i = offset; i < end; i++) out[i] = (out[i] as number) / 255;
  }
}
