// The README example (pnpm --filter @deepcourse/transfer example).
import { initBackend, tf } from '@deepcourse/backend';
import { disposeWithBase, fineTune, replaceHead } from '../src/index.js';
import { loadDigitBase } from '../src/node/index.js';

await initBackend();
// The base shipped with the package: a small CNN trained on the MNIST digits 0-4.
const base = await loadDigitBase({ inputShape: [28, 28, 1] });
// New head for 5 classes; the base is frozen and nested as one layer named 'base'.
const model = replaceHead(base, { numClasses: 5, hidden: 64, dropout: 0.3, seed: 1 });

// Your few labelled images: [N, 28, 28, 1] in [0, 1] and class ids (random stand-ins here).
const images = tf.randomUniform([50, 28, 28, 1], 0, 1, 'float32', 1);
const labels = tf.tensor1d(Array.from({ length: 50 }, (_, i) => i % 5), 'int32');

// Phase 1: head only at 1e-3. Phase 2: the top conv layer unfrozen too, at 1e-4.
const { phases } = await fineTune(model, { images, labels }, {
  phases: [{ epochs: 10 }, { epochs: 10, unfreezeTop: 1, learningRate: 1e-4 }],
  batchSize: 16,
  seed: 1,
});
console.log(phases.map((p) => p.trainedLayers)); // [['head_dense_1', 'head_output'], ['base/conv3', 'head_dense_1', 'head_output']]
tf.dispose([images, labels]);
disposeWithBase(model, base); // the model shares the base's layers: free them together
