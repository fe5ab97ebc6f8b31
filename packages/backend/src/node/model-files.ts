import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tf } from '../tf.js';
import { ModelFileError } from '../errors.js';

/** Labels, input normalisation and anything else a model needs beside its weights. */
export interface ModelMetadata {
  labels?: string[];
  normalization?: { mean?: number | number[]; std?: number | number[]; scale?: number };
  [key: string]: unknown;
}

export interface SaveModelOptions {
  /** Written to `metadata.json` beside the model. */
  metadata?: ModelMetadata;
  /** Also save the optimizer state, to resume training (default false). */
  includeOptimizer?: boolean;
}

const MODEL_JSON = 'model.json';
const WEIGHTS_BIN = 'weights.bin';
const METADATA_JSON = 'metadata.json';

/**
 * Saves a layers model to `dir` in the standard TensorFlow.js layers format
 * (`model.json` + `weights.bin`, which `tensorflowjs_converter` turns into
 * Keras), plus `metadata.json` when metadata is given. Works without tfjs-node.
 */
export async function saveModel(model: tf.LayersModel, dir: string, options: SaveModelOptions = {}): Promise<tf.io.SaveResult> {
  await mkdir(dir, { recursive: true });
  const result = await model.save(fileSaveHandler(dir), { includeOptimizer: options.includeOptimizer ?? false });
  if (options.metadata) await writeAtomically(join(dir, METADATA_JSON), JSON.stringify(options.metadata, null, 2));
  return result;
}

/**
 * Loads a layers model from a folder, a `model.json` path, a `file://` URL or
 * an http(s) URL of the folder or its `model.json`. Weight files are checked
 * against the manifest before any tensor is made.
 */
export async function loadModel(source: string): Promise<tf.LayersModel> {
  const artifacts = await readModelArtifacts(source);
  try {
    return await tf.loadLayersModel(tf.io.fromMemory(artifacts));
  } catch (error) {
    throw new ModelFileError(`${source}: model.json does not describe a loadable layers model (${(error as Error).message})`, { cause: error });
  }
}

/** Reads `metadata.json` beside a saved model; undefined when there is none. */
export async function loadModelMetadata(source: string): Promise<ModelMetadata | undefined> {
  const location = locate(source);
  const text = await location.readText(METADATA_JSON, true);
  if (text === undefined) return undefined;
  return parseJson(text, `${location.name}/${METADATA_JSON}`) as ModelMetadata;
}

/** An IOHandler that writes the layers format into `dir` (used by `saveModel` and the `file://` router). */
export function fileSaveHandler(dir: string): tf.io.IOHandler {
  return tf.io.withSaveHandler(async (artifacts) => {
    if (artifacts.modelTopology instanceof ArrayBuffer) {
      throw new ModelFileError('saving graph models (binary topology) is not supported; save a layers model');
    }
    const weightData = artifacts.weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(artifacts.weightData);
    const modelJson = {
      modelTopology: artifacts.modelTopology,
      format: artifacts.format ?? 'layers-model',
      generatedBy: artifacts.generatedBy,
      convertedBy: artifacts.convertedBy ?? null,
      weightsManifest: [{ paths: [`./${WEIGHTS_BIN}`], weights: artifacts.weightSpecs ?? [] }],
      ...(artifacts.trainingConfig ? { trainingConfig: artifacts.trainingConfig } : {}),
      ...(artifacts.userDefinedMetadata ? { userDefinedMetadata: artifacts.userDefinedMetadata } : {}),
    };
    await mkdir(dir, { recursive: true });
    await writeAtomically(join(dir, WEIGHTS_BIN), new Uint8Array(weightData));
    await writeAtomically(join(dir, MODEL_JSON), JSON.stringify(modelJson));
    return {
      modelArtifactsInfo: {
        dateSaved: new Date(),
        modelTopologyType: 'JSON',
        modelTopologyBytes: JSON.stringify(artifacts.modelTopology).length,
        weightSpecsBytes: JSON.stringify(artifacts.weightSpecs ?? []).length,
        weightDataBytes: weightData.byteLength,
      },
    };
  });
}

/** Reads model.json and its weights, validating both; the result feeds `tf.io.fromMemory`. */
export async function readModelArtifacts(source: string): Promise<tf.io.ModelArtifacts> {
  const location = locate(source);
  const name = `${location.name}/${location.modelFile}`;
  const text = await location.readText(location.modelFile, false);
  const json = parseJson(text as string, name) as Partial<tf.io.ModelJSON>;
  if (typeof json !== 'object' || json === null || typeof json.modelTopology !== 'object' || !Array.isArray(json.weightsManifest)) {
    throw new ModelFileError(`${name}: expected a tfjs layers model.json with modelTopology and weightsManifest, found keys ${Object.keys(json ?? {}).join(', ') || '(none)'}`);
  }
  const weightSpecs: tf.io.WeightsManifestEntry[] = [];
  const buffers: Uint8Array[] = [];
  for (const group of json.weightsManifest) {
    weightSpecs.push(...group.weights);
    for (const path of group.paths) buffers.push(await location.readBytes(path));
  }
  const total = buffers.reduce((sum, b) => sum + b.byteLength, 0);
  const expected = weightSpecs.reduce((sum, spec) => sum + weightByteLength(spec, name), 0);
  if (total !== expected) {
    const files = json.weightsManifest.flatMap((g) => g.paths).join(', ');
    throw new ModelFileError(
      `${location.name}: weight files (${files}) hold ${total} bytes but ${location.modelFile} describes ${expected} bytes for ${weightSpecs.length} weights; the files are truncated, corrupt or from another model`,
    );
  }
  const weightData = new Uint8Array(total);
  let offset = 0;
  for (const b of buffers) {
    weightData.set(b, offset);
    offset += b.byteLength;
  }
  return {
    modelTopology: json.modelTopology as object,
    weightSpecs,
    weightData: weightData.buffer,
    ...(json.format ? { format: json.format } : {}),
    ...(json.generatedBy ? { generatedBy: json.generatedBy } : {}),
    ...(json.convertedBy ? { convertedBy: json.convertedBy } : {}),
    ...(json.trainingConfig ? { trainingConfig: json.trainingConfig } : {}),
    ...(json.userDefinedMetadata ? { userDefinedMetadata: json.userDefinedMetadata } : {}),
  };
}

const DTYPE_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, complex64: 8, uint8: 1, uint16: 2, float16: 2 };

function weightByteLength(spec: tf.io.WeightsManifestEntry, file: string): number {
  const dtype = spec.quantization?.dtype ?? spec.dtype;
  const bytes = DTYPE_BYTES[dtype];
  if (bytes === undefined || !Array.isArray(spec.shape)) {
    throw new ModelFileError(`${file}: weight ${spec.name} has an unsupported dtype ${dtype} or no shape`);
  }
  return spec.shape.reduce((a, b) => a * b, 1) * bytes;
}

interface Location {
  name: string;
  modelFile: string;
  readText(path: string, optional: boolean): Promise<string | undefined>;
  readBytes(path: string): Promise<Uint8Array>;
}

/** Resolves a folder, file or URL into a way to read the files of a saved model. */
function locate(source: string): Location {
  if (/^https?:\/\//i.test(source)) {
    const modelFile = source.endsWith('.json') ? source.slice(source.lastIndexOf('/') + 1) : MODEL_JSON;
    const base = source.endsWith('.json') ? source.slice(0, source.lastIndexOf('/') + 1) : source.replace(/\/?$/, '/');
    const get = async (path: string, optional: boolean): Promise<Response | undefined> => {
      const url = new URL(path, base).href;
      let response: Response;
      try {
        response = await fetch(url);
      } catch (error) {
        throw new ModelFileError(`${url}: request failed (${(error as Error).message})`, { cause: error });
      }
      if (response.status === 404 && optional) return undefined;
      if (!response.ok) throw new ModelFileError(`${url}: HTTP ${response.status} ${response.statusText}`);
      return response;
    };
    return {
      name: base.replace(/\/$/, ''),
      modelFile,
      readText: async (path, optional) => (await get(path, optional))?.text(),
      readBytes: async (path) => new Uint8Array(await (await get(path, false))!.arrayBuffer()),
    };
  }
  const path = source.startsWith('file://') ? fileURLToPath(source) : source;
  const isJson = path.endsWith('.json');
  const dir = resolve(isJson ? join(path, '..') : path);
  const modelFile = isJson ? path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1) : MODEL_JSON;
  const read = async (file: string, optional: boolean): Promise<Buffer | undefined> => {
    try {
      return await readFile(join(dir, file));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        if (optional) return undefined;
        throw new ModelFileError(`${join(dir, file)}: file not found`, { cause: error });
      }
      throw new ModelFileError(`${join(dir, file)}: cannot be read (${(error as Error).message})`, { cause: error });
    }
  };
  return {
    name: dir,
    modelFile,
    readText: async (file, optional) => (await read(file, optional))?.toString('utf8'),
    readBytes: async (file) => new Uint8Array((await read(file, false)) as Buffer),
  };
}

function parseJson(text: string, name: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ModelFileError(`${name}: not valid JSON (${(error as Error).message})`, { cause: error });
  }
}


/** Writes to a temporary file and renames it, so a crash never leaves half a model file. */
async function writeAtomically(path: string, data: string | Uint8Array): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, data);
  await rename(temporary, path);
}

/** Registers `file://` save and load routers, unless another (tfjs-node) already handles them. */
export function registerFileRouter(): void {
  const strip = (url: string) => (url.startsWith('file://') ? fileURLToPath(url) : undefined);
  if (tf.io.getSaveHandlers('file://probe').length === 0) {
    tf.io.registerSaveRouter((url) => {
      const dir = typeof url === 'string' ? strip(url) : undefined;
      // tfjs routers return null for URLs they do not handle.
      return (dir === undefined ? null : fileSaveHandler(dir)) as tf.io.IOHandler;
    });
  }
  if (tf.io.getLoadHandlers('file://probe').length === 0) {
    tf.io.registerLoadRouter((url) => {
      const path = typeof url === 'string' ? strip(url) : undefined;
      return (path === undefined ? null : { load: () => readModelArtifacts(path) }) as tf.io.IOHandler;
    });
  }
}
