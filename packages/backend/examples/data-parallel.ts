// Train one model on two cores: this file is both the parent and the worker. Each worker trains on half of
// the data; every step averages the two gradients, so both workers hold the same weights throughout.
//   node --conditions=@deepcourse/source --import tsx examples/data-parallel.ts
import { initBackend, seedStream, tf } from '@deepcourse/backend';
import { dataParallelWorker, isDataParallelWorker, runDataParallel } from '@deepcourse/backend/node';

interface Report {
  rank: number;
  accuracy: number;
  checksum: number;
}

if (!isDataParallelWorker()) {
  const reports = (await runDataParallel<Report>(new URL(import.meta.url), { workers: 2, data: { epochs: 20 } })) as Report[];
  for (const r of reports) console.log(`worker ${r.rank}: accuracy on all points ${r.accuracy.toFixed(3)}, weight checksum ${r.checksum}`);
} else {
  const context = dataParallelWorker<{ epochs: number }>();
  await initBackend({ backend: 'cpu', seed: 42 });

  // The same 1,024 points in every worker (inside or outside a circle); each trains on its shard.
  const s = seedStream(42);
  const points = Array.from({ length: 1024 }, () => [s.uniform() * 4 - 2, s.uniform() * 4 - 2]);
  const labels = points.map(([a, b]) => [a! * a! + b! * b! < 1.5 ? 1 : 0]);
  const mine = Array.from(context.shard(points.length, 42));
  const x = tf.tensor2d(mine.map((i) => points[i]!));
  const y = tf.tensor2d(mine.map((i) => labels[i]!));

  // Same seeds, same initial weights in every worker.
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ units: 16, inputShape: [2], kernelInitializer: tf.initializers.heNormal({ seed: 1 }) }),
      tf.layers.batchNormalization(),
      tf.layers.activation({ activation: 'relu' }),
      tf.layers.dense({ units: 1, activation: 'sigmoid', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
    ],
  });
  const optimizer = context.allReduceOptimizer(tf.train.adam(0.05), { synchronise: model.nonTrainableWeights });
  model.compile({ optimizer, loss: 'binaryCrossentropy' });
  // 32 examples per worker per step: the steps of a single process with batches of 64.
  await model.fit(x, y, { epochs: context.data.epochs, batchSize: 32, verbose: 0, callbacks: [optimizer.callback] });

  const all = tf.tensor2d(points);
  const predicted = (model.predict(all) as tf.Tensor).greater(0.5).dataSync();
  const accuracy = labels.reduce((n, [l], i) => n + (predicted[i] === l ? 1 : 0), 0) / labels.length;
  const checksum = model.getWeights().reduce((sum, w) => sum + w.sum().dataSync()[0]!, 0);
  context.finish({ rank: context.rank, accuracy, checksum } satisfies Report);
}
