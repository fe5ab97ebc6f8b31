import { tf } from './tf.js';
import { BackendUnavailableError, InvalidArgumentError } from './errors.js';
import { setGlobalSeed, getGlobalSeed } from './seed.js';
import { registerWasmTrainingKernels, unregisterWasmTrainingKernels } from './wasm/register.js';
import { registerCpuKernels, unregisterCpuKernels } from './cpu/unsorted-segment-sum.js';

/** A concrete TensorFlow.js backend deepcourse can run on. */
export type BackendName = 'tensorflow' | 'wasm' | 'cpu' | 'webgl';
/** What `initBackend` accepts: a backend, or `'auto'` for the fastest one installed. */
export type BackendRequest = BackendName | 'auto';

export interface InitBackendOptions {
  /** `'auto'` (default) tries native TensorFlow, then wasm, then cpu. */
  backend?: BackendRequest;
  /** Default seed for every `seedStream()` created without one. */
  seed?: number;
  /**
   * On wasm, register deepcourse's training kernels (conv/depthwise backprop, segment sum, fast
   * transposed and batched matmul). Default true; false keeps tfjs-backend-wasm's stock kernels,
   * for comparison (stock wasm cannot train convolutions or embeddings).
   */
  wasmKernels?: boolean;
  /**
   * On cpu, register deepcourse's single-pass UnsortedSegmentSum (the Embedding gradient; stock cpu makes one
   * pass per vocabulary entry). Default true; false keeps the stock kernel.
   */
  cpuKernels?: boolean;
}

export interface BackendSelection {
  /** The backend now active. */
  backend: BackendName;
  requested: BackendRequest;
  /** One sentence on why this backend was chosen. */
  reason: string;
  /** The npm package that provided the native backend, when `backend` is `'tensorflow'`. */
  nativePackage?: string;
  /** Backends tried before this one and why each was passed over. */
  skipped: { backend: string; reason: string }[];
  /** The process-wide default seed now in force. */
  seed: number;
}

/** Native TensorFlow bindings, most capable first; optional peer dependencies. */
export const NATIVE_PACKAGES = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'] as const;

/** What backend selection needs from the outside world; tests replace it to fake installed packages. */
export interface BackendEnvironment {
  /** Loads an optional package by name (dynamic import). */
  importModule(name: string): Promise<unknown>;
  /** True where native Node modules can exist at all (Node, not a browser). */
  isNode: boolean;
}

const defaultEnvironment: BackendEnvironment = {
  importModule: (name) => import(/* @vite-ignore */ name),
  isNode: typeof process !== 'undefined' && typeof process.versions?.node === 'string',
};

const INSTALL_HINT: Record<BackendName, string> = {
  tensorflow: 'install @tensorflow/tfjs-node (CPU) or @tensorflow/tfjs-node-gpu (CUDA) next to @deepcourse/backend',
  wasm: 'install @tensorflow/tfjs-backend-wasm 4.22.x (a dependency of @deepcourse/backend; reinstall if it is missing)',
  cpu: 'install @tensorflow/tfjs-backend-cpu 4.22.x',
  webgl: 'run in a browser with WebGL (the webgl backend ships with @tensorflow/tfjs)',
};

/**
 * Chooses and starts the TensorFlow.js backend for the whole process and sets
 * the default seed. An explicit backend that cannot start is an error naming
 * what to install, never a silent fallback.
 */
export function initBackend(options: InitBackendOptions = {}): Promise<BackendSelection> {
  return selectBackend(options, defaultEnvironment);
}

/** `initBackend` with its environment passed in (exported for tests). */
export async function selectBackend(options: InitBackendOptions, environment: BackendEnvironment): Promise<BackendSelection> {
  const requested = options.backend ?? 'auto';
  if (!['auto', 'tensorflow', 'wasm', 'cpu', 'webgl'].includes(requested)) {
    throw new InvalidArgumentError('backend', "'auto', 'tensorflow', 'wasm', 'cpu' or 'webgl'", requested);
  }
  if (options.wasmKernels !== undefined && typeof options.wasmKernels !== 'boolean') {
    throw new InvalidArgumentError('wasmKernels', 'true or false', options.wasmKernels);
  }
  if (options.cpuKernels !== undefined && typeof options.cpuKernels !== 'boolean') {
    throw new InvalidArgumentError('cpuKernels', 'true or false', options.cpuKernels);
  }
  if (options.seed !== undefined) setGlobalSeed(options.seed);
  const skipped: BackendSelection['skipped'] = [];
  const done = (backend: BackendName, reason: string, nativePackage?: string): BackendSelection => ({
    backend,
    requested,
    reason,
    skipped,
    seed: getGlobalSeed(),
    ...(nativePackage ? { nativePackage } : {}),
  });

  if (requested === 'tensorflow' || requested === 'auto') {
    const native = await startNative(environment, skipped);
    if (native) return done('tensorflow', `native TensorFlow from ${native}`, native);
    if (requested === 'tensorflow') {
      throw new BackendUnavailableError(
        `backend 'tensorflow' is not available: ${skipped.map((s) => s.reason).join('; ')}. To use it, ${INSTALL_HINT.tensorflow}.`,
      );
    }
  }
  const order: BackendName[] = requested === 'auto' ? ['wasm', 'cpu'] : [requested];
  for (const name of order) {
    const failure = await startBuiltIn(name);
    if (failure === undefined && name === 'wasm') {
      if (options.wasmKernels === false) unregisterWasmTrainingKernels();
      else registerWasmTrainingKernels();
    }
    if (failure === undefined && name === 'cpu') {
      if (options.cpuKernels === false) unregisterCpuKernels();
      else registerCpuKernels();
    }
    if (failure === undefined) {
      const reason =
        requested === 'auto'
          ? `${name} is the fastest backend available${skipped.length ? ` (${skipped.map((s) => `${s.backend}: ${s.reason}`).join('; ')})` : ''}`
          : `${name} was requested`;
      return done(name, reason);
    }
    if (requested !== 'auto') {
      throw new BackendUnavailableError(`backend '${name}' could not start: ${failure}. To use it, ${INSTALL_HINT[name]}.`);
    }
    skipped.push({ backend: name, reason: failure });
  }
  throw new BackendUnavailableError(
    `no TensorFlow.js backend could start (${skipped.map((s) => `${s.backend}: ${s.reason}`).join('; ')})`,
  );
}

/** Loads the first native package that is installed; records why each was skipped. */
async function startNative(environment: BackendEnvironment, skipped: BackendSelection['skipped']): Promise<string | undefined> {
  if (!environment.isNode) {
    skipped.push({ backend: 'tensorflow', reason: 'native TensorFlow needs Node.js' });
    return undefined;
  }
  for (const name of NATIVE_PACKAGES) {
    try {
      await environment.importModule(name);
    } catch (error) {
      skipped.push({ backend: 'tensorflow', reason: isNotInstalled(error, name) ? `${name} is not installed` : `${name} failed to load: ${messageOf(error)}` });
      continue;
    }
    // The native package registers the 'tensorflow' backend with the shared engine when imported.
    const failure = await startBuiltIn('tensorflow');
    if (failure === undefined) return name;
    skipped.push({ backend: 'tensorflow', reason: `${name} loaded but its backend did not start: ${failure}` });
  }
  return undefined;
}

/** Activates a registered backend; returns why it failed, or undefined on success. */
async function startBuiltIn(name: BackendName): Promise<string | undefined> {
  if (tf.findBackendFactory(name) == null) return `the '${name}' backend is not registered`;
  try {
    const ok = await tf.setBackend(name);
    if (!ok) return `the '${name}' backend failed to initialise`;
    await tf.ready();
  } catch (error) {
    return messageOf(error);
  }
  if (name === 'cpu') {
    // tfjs-backend-cpu prints a banner recommending tfjs-node on first use; our selection reason says it already.
    (tf.backend() as unknown as { firstUse?: boolean }).firstUse = false;
  }
  return undefined;
}

function isNotInstalled(error: unknown, name: string): boolean {
  // Node says ERR_MODULE_NOT_FOUND; bundlers and Vite's module runner only word it.
  const code = (error as { code?: string } | null)?.code;
  const message = messageOf(error);
  const missing = code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND' || /cannot find (package|module)|could not resolve|failed to resolve/i.test(message);
  return missing && message.includes(name);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
