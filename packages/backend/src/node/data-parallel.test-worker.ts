// Worker side of data-parallel.test.ts: trains a small model on its shard and reports its weights.
import { tf } from '../tf.js';
import { dataParallelWorker, isDataParallelWorker } from './data-parallel.js';

export type Kind = 'dense' | 'batchnorm' | 'fail' | 'mismatch' | 'two-optimizers';
export interface WorkerReport {
  /** Weight names without their layer prefix, in the order of `weights`. */
  names: string[];
  weights: number[][];
  leaked: number;
}

export const EXAMPLES = 12;
export const BATCH = 3;

/** The same model in every worker and in the single-process reference. */
export function buildModel(kind: Kind, hidden = 4): tf.LayersModel {
  const layers: tf.layers.Layer[] = [];
  if (kind === 'batchnorm') layers.push(tf.layers.batchNormalization({ inputShape: [3], momentum: 0.5 }));
  layers.push(
    tf.layers.dense({ ...(kind === 'batchnorm' ? {} : { inputShape: [3] }), units: hidden, activation: 'tanh', kernelInitializer: tf.initializers.glorotUniform({ seed: 7 }) }),
    tf.layers.dense({ units: 2, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 8 }) }),
  );
  return tf.sequential({ layers });
}

export function examples(): { x: number[][]; y: number[][] } {
  const x = Array.from({ length: EXAMPLES }, (_, i) => [Math.sin(i + 1) * 2, Math.cos(3 * i) + 0.5, (i % 5) - 2]);
  const y = x.map(([a, b]) => (a! + b! > 0 ? [1, 0] : [0, 1]));
  return { x, y };
}

export const weightNames = (model: tf.LayersModel): string[] => model.weights.map((w) => w.originalName.split('/').at(-1)!);

// Adam (not Momentum, whose dispose() leaves a scalar behind in tfjs 4.22), so the leak check is exact.
export const optimizer = (): tf.Optimizer => tf.train.adam(0.05);

/**
 * Two models with an optimizer each, stepped alternately by hand (as a GAN's loop does): model `a` learns the
 * labels, model `b` the opposite labels from `a`'s output. Each step's batch is `batch` examples of x and y.
 */
export function alternatingSteps(a: tf.LayersModel, b: tf.LayersModel, optimizers: [tf.Optimizer, tf.Optimizer], batches: [tf.Tensor, tf.Tensor][], setBatchSize?: (n: number) => void): void {
  for (const [x, y] of batches) {
    const n = x.shape[0] as number;
    setBatchSize?.(n);
    optimizers[0].minimize(() => tf.metrics.categoricalCrossentropy(y, a.apply(x) as tf.Tensor).mean() as tf.Scalar, false, a.trainableWeights.map((w) => w.read() as tf.Variable));
    optimizers[1].minimize(() => tf.metrics.categoricalCrossentropy(tf.sub(1, y), b.apply(a.apply(x)) as tf.Tensor).mean() as tf.Scalar, false, b.trainableWeights.map((w) => w.read() as tf.Variable));
  }
}

export const secondModel = (): tf.LayersModel =>
  tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 2, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 9 }) })] });

async function main(): Promise<void> {
  const context = dataParallelWorker<{ kind: Kind; seed: number }>();
  const { kind, seed } = context.data;
  await tf.setBackend('cpu');
  const start = tf.memory().numTensors;
  if (kind === 'fail' && context.rank === 1) throw new Error('worker 1 breaks on purpose');
  if (kind === 'two-optimizers') {
    const [a, b] = [buildModel('dense'), secondModel()];
    const optimizers = [context.allReduceOptimizer(optimizer()), context.allReduceOptimizer(optimizer())] as const;
    const { x, y } = examples();
    const mine = Array.from(context.shard(EXAMPLES, seed));
    const batches: [tf.Tensor, tf.Tensor][] = [];
    for (let epoch = 0; epoch < 3; epoch++) {
      for (let i = 0; i < mine.length; i += BATCH) {
        const ids = mine.slice(i, i + BATCH);
        batches.push([tf.tensor2d(ids.map((k) => x[k]!)), tf.tensor2d(ids.map((k) => y[k]!))]);
      }
    }
    alternatingSteps(a, b, [...optimizers], batches, (n) => optimizers.forEach((o) => (o.batchSize = n)));
    const weights = [...a.getWeights(), ...b.getWeights()].map((w) => Array.from(w.dataSync()));
    const names = [...weightNames(a), ...weightNames(b)];
    tf.dispose(batches.flat());
    a.dispose();
    b.dispose();
    optimizers.forEach((o) => o.dispose());
    context.finish({ names, weights, leaked: tf.memory().numTensors - start } satisfies WorkerReport);
    return;
  }
  const model = buildModel(kind, kind === 'mismatch' && context.rank === 1 ? 5 : 4);
  const parallel = context.allReduceOptimizer(optimizer(), { synchronise: model.nonTrainableWeights });
  model.compile({ optimizer: parallel, loss: 'categoricalCrossentropy' });
  const { x, y } = examples();
  const mine = Array.from(context.shard(EXAMPLES, seed));
  const xs = tf.tensor2d(mine.map((i) => x[i]!));
  const ys = tf.tensor2d(mine.map((i) => y[i]!));
  await model.fit(xs, ys, { batchSize: BATCH, epochs: 3, shuffle: false, verbose: 0, callbacks: [parallel.callback] });
  const weights = model.getWeights().map((w) => Array.from(w.dataSync()));
  const names = weightNames(model);
  tf.dispose([xs, ys]);
  model.dispose();
  parallel.dispose();
  context.finish({ names, weights, leaked: tf.memory().numTensors - start } satisfies WorkerReport);
}

if (isDataParallelWorker()) await main();
