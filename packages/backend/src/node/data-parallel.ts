// Synchronous data-parallel training across worker threads.
//
// tfjs runs wasm on one thread under Node, so a machine with several cores trains one model on one of them.
// Here every worker holds the same model (same seed), trains on its own shard of the data and, at every
// optimizer step, the workers average their gradients (weighted by their batch sizes) through shared memory
// before each applies the same update: the weights stay bitwise equal across workers, and the step equals a
// single-process step on the union of the batches. Non-trainable weights (batch-norm moving statistics) are
// averaged the same way after every step. Batch statistics themselves stay per worker ("ghost" batch norm).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { MessageChannel, parentPort, receiveMessageOnPort, Worker, workerData, type MessagePort } from 'node:worker_threads';
import { DeepcourseError, InvalidArgumentError } from '../errors.js';
import { getLearningRate, setLearningRate } from '../learning-rate.js';
import { seedStream } from '../seed.js';
import { tf } from '../tf.js';

/** A tensor with its variable's name, as optimizers exchange them (tfjs-core does not export the type). */
type NamedTensor = { name: string; tensor: tf.Tensor };

/** A worker failed, or another worker failed while this one waited for it. */
export class DataParallelError extends DeepcourseError {
  override name = 'DataParallelError';
}

export interface RunDataParallelOptions {
  /** Number of workers (default 2: the cores of the course machine). */
  workers?: number;
  /** Structured-cloneable data every worker reads as `dataParallelWorker().data`. */
  data?: unknown;
  /** Node options of the workers (default: the parent's, `process.execArgv`). */
  execArgv?: string[];
}

// Control words (Int32) at the start of the shared control buffer; then per worker its batch weight, then
// per worker the number of gradient memories the parent has sent it.
const COUNT = 0; // workers arrived at the barrier
const GENERATION = 1; // barrier generation
const ABORT = 2; // set when any worker failed
const HEADER = 3;
const RESULT = '__deepcourseDataParallelResult';

interface WorkerInit {
  __deepcourseDataParallel: true;
  rank: number;
  size: number;
  control: SharedArrayBuffer;
  port: MessagePort;
  data: unknown;
}

/**
 * Runs `workerModule` in `workers` threads and resolves with what each passed to `finish`, in rank order.
 * The module calls `dataParallelWorker()` to learn its rank and get the all-reduce optimizer. A TypeScript
 * module is loaded through tsx (installed beside it). Rejects with a `DataParallelError` naming the worker
 * when one fails; the others are stopped.
 *
 * ```ts
 * const [result] = await runDataParallel<{ accuracy: number }>(new URL('./train-worker.ts', import.meta.url), { workers: 2, data: { epochs: 5 } });
 * ```
 */
export async function runDataParallel<R = unknown>(workerModule: string | URL, options: RunDataParallelOptions = {}): Promise<(R | undefined)[]> {
  const size = options.workers ?? 2;
  if (!Number.isInteger(size) || size < 1) throw new InvalidArgumentError('workers', 'a positive integer', options.workers);
  const url = workerModule instanceof URL ? workerModule : pathToFileURL(workerModule);
  const control = new SharedArrayBuffer((HEADER + 2 * size) * 4);
  const words = new Int32Array(control);
  const results: (R | undefined)[] = new Array(size).fill(undefined);
  const workers: Worker[] = [];
  // Gradient memory per all-reduce optimizer (numbered in the order workers create them).
  const channels = new Map<number, { floats: number; rank: number; memory: SharedArrayBuffer }>();

  return new Promise((resolve, reject) => {
    let running = size;
    let failed = false;
    const fail = (error: Error) => {
      if (failed) return;
      failed = true;
      Atomics.store(words, ABORT, 1);
      Atomics.notify(words, GENERATION);
      for (let k = 0; k < size; k++) Atomics.notify(words, HEADER + size + k);
      for (const w of workers) void w.terminate();
      reject(error);
    };
    for (let rank = 0; rank < size; rank++) {
      const { port1, port2 } = new MessageChannel();
      const init: WorkerInit = { __deepcourseDataParallel: true, rank, size, control, port: port2, data: options.data };
      const [entry, evaluated] = workerEntry(url);
      const worker = new Worker(entry, { eval: evaluated, workerData: init, transferList: [port2], execArgv: options.execArgv ?? process.execArgv });
      workers.push(worker);
      // An optimizer's memory is sized by the first worker to take a step with it; every worker must ask for the same size.
      port1.on('message', ({ channel, floats }: { channel: number; floats: number }) => {
        let memory = channels.get(channel);
        if (memory === undefined) {
          memory = { floats, rank, memory: new SharedArrayBuffer(size * floats * 4) };
          channels.set(channel, memory);
        } else if (floats !== memory.floats) {
          fail(new DataParallelError(`worker ${rank} synchronises ${floats} values per step with optimizer ${channel}, worker ${memory.rank} ${memory.floats}: every worker must build the same model`));
          return;
        }
        port1.postMessage(memory.memory);
        Atomics.add(words, HEADER + size + rank, 1);
        Atomics.notify(words, HEADER + size + rank);
      });
      // The result comes on the worker's own port, whose messages arrive before its 'exit'.
      worker.on('message', (message: { [RESULT]?: R }) => {
        if (RESULT in message) results[rank] = message[RESULT];
      });
      worker.on('error', (error) => fail(new DataParallelError(`worker ${rank} failed: ${error.message}`, { cause: error })));
      worker.on('exit', (code) => {
        port1.close();
        if (code !== 0) {
          fail(new DataParallelError(`worker ${rank} exited with code ${code}`));
          return;
        }
        if (--running === 0 && !failed) resolve(results);
      });
    }
  });
}

/**
 * A TypeScript worker module starts after tsx's ESM hooks are registered in the worker (Node 20 does not carry
 * a parent's `--import tsx` hooks into a worker's own module loading); JavaScript starts as it is.
 */
function workerEntry(url: URL): [string | URL, boolean] {
  if (!/\.[cm]?tsx?$/.test(url.pathname)) return [url, false];
  let api: string;
  try {
    const manifest = createRequire(fileURLToPath(url)).resolve('tsx/package.json');
    const exported = (JSON.parse(readFileSync(manifest, 'utf8')) as { exports: Record<string, { import: { default: string } }> }).exports['./esm/api']!.import.default;
    api = pathToFileURL(join(dirname(manifest), exported)).href;
  } catch {
    throw new InvalidArgumentError('workerModule', 'a JavaScript module, or a TypeScript one with tsx installed beside it', url.href);
  }
  return [`import(${JSON.stringify(api)}).then(({ register }) => { register(); return import(${JSON.stringify(url.href)}); })`, true];
}

/** A variable whose value is averaged across workers after every step (tfjs-layers' LayerVariable fits). */
export interface SynchronisedVariable {
  read(): tf.Tensor;
  write(value: tf.Tensor): unknown;
}

export interface AllReduceOptimizerOptions {
  /** Variables averaged after every step, e.g. `model.nonTrainableWeights` (batch-norm moving statistics). */
  synchronise?: readonly SynchronisedVariable[];
}

/** This thread's place in `runDataParallel`. */
export interface DataParallelWorker<T = unknown> {
  readonly rank: number;
  readonly size: number;
  /** The `data` given to `runDataParallel`. */
  readonly data: T;
  /**
   * This worker's share of `n` examples: a seeded permutation of 0..n−1 (the same in every worker) cut into
   * `size` parts whose lengths differ by at most one.
   */
  shard(n: number, seed: number): Int32Array;
  /** Wraps an optimizer so every step averages the gradients of all workers; see `AllReduceOptimizer`. */
  allReduceOptimizer(inner: tf.Optimizer, options?: AllReduceOptimizerOptions): AllReduceOptimizer;
  /** Sends this worker's result to `runDataParallel` (structured-cloneable). */
  finish(result: unknown): void;
}

/** Whether this thread is a worker started by `runDataParallel`. */
export function isDataParallelWorker(): boolean {
  return (workerData as Partial<WorkerInit> | undefined)?.__deepcourseDataParallel === true;
}

/** The context of a worker started by `runDataParallel`; throws anywhere else. */
export function dataParallelWorker<T = unknown>(): DataParallelWorker<T> {
  const init = workerData as WorkerInit;
  if (!isDataParallelWorker()) throw new DataParallelError('dataParallelWorker() called outside a worker started by runDataParallel');
  communicator ??= new Communicator(init);
  const comm = communicator;
  return {
    rank: init.rank,
    size: init.size,
    data: init.data as T,
    shard: (n, seed) => shardOf(n, seed, init.rank, init.size),
    allReduceOptimizer: (inner, options) => new AllReduceOptimizer(inner, comm, options),
    finish: (result) => parentPort!.postMessage({ [RESULT]: result }),
  };
}

/** Part `rank` of `size` of a seeded permutation of 0..n−1 (lengths differ by at most one). */
export function shardOf(n: number, seed: number, rank: number, size: number): Int32Array {
  if (!Number.isInteger(n) || n < size) throw new InvalidArgumentError('n', `an integer of at least ${size} (one example per worker)`, n);
  const order = seedStream(seed).permutation(n);
  const start = Math.floor((rank * n) / size);
  return order.slice(start, Math.floor(((rank + 1) * n) / size));
}

let communicator: Communicator | undefined;

/** Shared memory and a barrier between the workers; one per worker, shared by its all-reduce optimizers. */
class Communicator {
  private readonly words: Int32Array;
  private readonly slots: Float32Array[][] = [];
  private channels = 0;
  readonly rank: number;
  readonly size: number;
  constructor(private readonly init: WorkerInit) {
    this.words = new Int32Array(init.control);
    this.rank = init.rank;
    this.size = init.size;
  }

  /** A number for a new all-reduce optimizer: the same in every worker that creates its optimizers in the same order. */
  openChannel(): number {
    return this.channels++;
  }

  /** Every worker's slot of `floats` values for `channel` (allocated by the parent on first use). */
  buffers(channel: number, floats: number): Float32Array[] {
    let slots = this.slots[channel];
    if (slots === undefined) {
      const ready = HEADER + this.size + this.rank;
      const received = Atomics.load(this.words, ready);
      this.init.port.postMessage({ channel, floats });
      // The parent answers on its event loop; wait for its answer without returning to ours.
      while (Atomics.load(this.words, ready) === received) {
        this.checkAbort();
        Atomics.wait(this.words, ready, received, 200);
      }
      const reply = receiveMessageOnPort(this.init.port);
      if (!reply) throw new DataParallelError('no gradient buffer from the parent');
      const memory = reply.message as SharedArrayBuffer;
      slots = Array.from({ length: this.size }, (_, k) => new Float32Array(memory, k * floats * 4, floats));
      this.slots[channel] = slots;
    }
    if (slots[0]!.length !== floats) {
      throw new DataParallelError(`a step synchronises ${floats} values, the first step ${slots[0]!.length}: the trained variables changed`);
    }
    return slots;
  }

  setWeight(weight: number): void {
    Atomics.store(this.words, HEADER + this.rank, weight);
  }

  weight(rank: number): number {
    return Atomics.load(this.words, HEADER + rank);
  }

  /** Returns once every worker has arrived; throws if a worker failed meanwhile. */
  barrier(): void {
    const generation = Atomics.load(this.words, GENERATION);
    if (Atomics.add(this.words, COUNT, 1) === this.size - 1) {
      Atomics.store(this.words, COUNT, 0);
      Atomics.add(this.words, GENERATION, 1);
      Atomics.notify(this.words, GENERATION);
      return;
    }
    while (Atomics.load(this.words, GENERATION) === generation) {
      this.checkAbort();
      Atomics.wait(this.words, GENERATION, generation, 200);
    }
  }

  private checkAbort(): void {
    if (Atomics.load(this.words, ABORT) !== 0) throw new DataParallelError(`worker ${this.rank}: another worker failed`);
  }
}

/**
 * An optimizer whose every step averages the gradients of all workers, weighted by each worker's batch size,
 * then applies `inner`'s update to the average (so all workers take the same step), and then averages the
 * `synchronise` variables. Pass `callback` to `fit`/`fitDataset` (or set `batchSize` before each step of a
 * custom loop): it records the batch size of the step. Learning-rate changes go to `inner`. A worker may hold
 * several (a GAN's two, stepped by hand): create them in the same order in every worker.
 */
export class AllReduceOptimizer extends tf.Optimizer {
  static readonly className = 'AllReduceOptimizer';
  /** Examples in this worker's current batch; the weight of its gradient. */
  batchSize: number | undefined;
  /** Records each batch's size from `fit`'s batch logs. */
  readonly callback: tf.Callback;
  private readonly synchronise: readonly SynchronisedVariable[];
  private batchLogs: tf.Logs | undefined;
  private readonly channel: number;

  constructor(
    readonly inner: tf.Optimizer,
    private readonly comm: Communicator,
    options: AllReduceOptimizerOptions = {},
  ) {
    super();
    if (!(inner instanceof tf.Optimizer)) throw new InvalidArgumentError('inner', 'a tf.Optimizer', inner);
    this.synchronise = options.synchronise ?? [];
    this.channel = comm.openChannel();
    const self = this;
    this.callback = new (class extends tf.Callback {
      // \`fit\` fills in the size after this call (\`fitDataset\` before it): keep the object, read it at the step.
      override async onBatchBegin(_batch: number, logs?: tf.Logs): Promise<void> {
        self.batchLogs = logs;
      }
    })();
  }

  get learningRate(): number {
    return getLearningRate(this.inner);
  }

  set learningRate(rate: number) {
    setLearningRate(this.inner, rate);
  }

  setLearningRate(rate: number): void {
    setLearningRate(this.inner, rate);
  }

  override applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    const batchSize = this.batchSize ?? this.batchLogs?.size;
    if (!(typeof batchSize === 'number' && Number.isInteger(batchSize) && batchSize > 0)) {
      throw new InvalidArgumentError('batchSize', 'a positive integer for this step (pass optimizer.callback to fit, or set it)', batchSize);
    }
    const named = Array.isArray(variableGradients) ? variableGradients : Object.keys(variableGradients).map((name) => ({ name, tensor: variableGradients[name]! }));
    const values = [...named.map((g) => g.tensor), ...this.synchronise.map((v) => v.read())];
    const floats = values.reduce((sum, t) => sum + t.size, 0);
    const slots = this.comm.buffers(this.channel, floats);
    const mine = slots[this.comm.rank]!;
    let offset = 0;
    for (const t of values) {
      mine.set(t.dataSync() as Float32Array, offset);
      offset += t.size;
    }
    this.comm.setWeight(batchSize);
    this.batchSize = undefined;
    this.batchLogs = undefined;
    this.comm.barrier();
    // Every worker sums in rank order, so every worker gets the same bits.
    const weights = slots.map((_, k) => this.comm.weight(k));
    const total = weights.reduce((a, b) => a + b, 0);
    const mean = new Float32Array(floats);
    for (let i = 0; i < floats; i++) {
      let sum = 0;
      for (let k = 0; k < slots.length; k++) sum += weights[k]! * slots[k]![i]!;
      mean[i] = sum / total;
    }
    // Nobody writes the next step's values before everyone has read these.
    this.comm.barrier();
    offset = 0;
    const slice = (t: tf.Tensor) => tf.tensor(mean.subarray(offset, (offset += t.size)), t.shape, 'float32');
    const averaged = named.map((g) => ({ name: g.name, tensor: slice(g.tensor) }));
    try {
      this.inner.applyGradients(averaged);
    } finally {
      tf.dispose(averaged.map((g) => g.tensor));
    }
    for (const variable of this.synchronise) {
      const value = slice(variable.read());
      variable.write(value);
      value.dispose();
    }
  }

  override async getWeights(): Promise<NamedTensor[]> {
    return this.inner.getWeights();
  }

  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    await this.inner.setWeights(weightValues);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return this.inner.getConfig();
  }

  override dispose(): void {
    this.inner.dispose();
  }
}
