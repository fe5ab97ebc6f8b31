// Train a tiny classifier on the fastest backend available, with progress,
// early stopping and NaN detection, then save it, load it back and render a PNG.
import { initBackend, tf, progressReporter, earlyStopping, nanGuard, accuracy, seedStream, imageGrid } from '@deepcourse/backend';
import { saveModel, loadModel, writePng } from '@deepcourse/backend/node';

const selection = await initBackend({ backend: 'auto', seed: 42 });
console.log(`backend: ${selection.backend} (${selection.reason})`);

// Two interleaved spirals-ish clusters: points inside or outside the unit circle.
const s = seedStream(42);
const points = Array.from({ length: 512 }, () => [s.uniform() * 4 - 2, s.uniform() * 4 - 2] as const);
const x = tf.tensor2d(points.map(([a, b]) => [a, b]));
const y = tf.tensor2d(points.map(([a, b]) => [a * a + b * b < 1.5 ? 1 : 0]), [points.length, 1]);

const model = tf.sequential({
  layers: [
    tf.layers.dense({ units: 16, activation: 'relu', inputShape: [2], kernelInitializer: tf.initializers.heNormal({ seed: s.next() }) }),
    tf.layers.dense({ units: 1, activation: 'sigmoid', kernelInitializer: tf.initializers.glorotUniform({ seed: s.next() }) }),
  ],
});
model.compile({ optimizer: tf.train.adam(0.05), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
await model.fit(x, y, {
  epochs: 30,
  batchSize: 64,
  validationSplit: 0.2,
  verbose: 0,
  callbacks: [progressReporter(), earlyStopping({ monitor: 'val_loss', patience: 5 }), nanGuard()],
});

const predictions = model.predict(x) as tf.Tensor;
console.log(`training accuracy: ${accuracy(y, predictions).toFixed(3)}`);

const dir = 'demo-output/quickstart-model';
await saveModel(model, dir, { metadata: { labels: ['outside', 'inside'] } });
const loaded = await loadModel(dir);
const again = loaded.predict(x) as tf.Tensor;
console.log(`saved to ${dir}; loaded model agrees: ${tf.equal(predictions, again).all().dataSync()[0] === 1}`);

// The decision surface as a 64x64 picture.
const grid = tf.tidy(() => {
  const axis = tf.linspace(-2, 2, 64);
  const xs = tf.stack([tf.tile(axis, [64]), tf.reshape(tf.tile(axis.reshape([64, 1]), [1, 64]), [-1])], 1);
  const surface = (loaded.predict(xs) as tf.Tensor).reshape([1, 64, 64, 1]);
  return imageGrid(surface as tf.Tensor4D, { padding: 0 });
});
await writePng('demo-output/quickstart-surface.png', grid);
console.log('wrote demo-output/quickstart-surface.png');
tf.dispose([x, y, predictions, again, grid]); model.dispose(); loaded.dispose();
