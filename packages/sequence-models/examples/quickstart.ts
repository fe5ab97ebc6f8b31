// Quick tour of @deepcourse/sequence-models on small seeded data (about a minute on one cpu core).
// Run: pnpm --filter @deepcourse/sequence-models example
import { initBackend, seedStream, tf } from '@deepcourse/backend';
import {
  CharVocabulary,
  baselineForWindows,
  charExamples,
  charExamplesToTensors,
  charLstmModel,
  fitStandardScaler,
  forecastWindows,
  generateText,
  makeWindows,
  meanAbsoluteError,
  recurrentForecaster,
  tokenIdTensor,
  transformerClassifier,
  windowsToTensors,
} from '@deepcourse/sequence-models';

await initBackend({ backend: 'cpu', seed: 1 });
const rng = seedStream(1);

// 1. A Transformer text classifier on token ids (from any tokenizer): is token 7 in the sentence?
const sentences = Array.from({ length: 256 }, (_, i) => {
  const ids = Array.from({ length: rng.uniformInt(3, 11) }, () => rng.uniformInt(8, 50));
  if (i % 2 === 0) ids[rng.uniformInt(0, ids.length)] = 7;
  return ids;
});
const xs = tokenIdTensor(sentences, { sequenceLength: 10 }); // pads with 0, which the model masks
const ys = tf.tensor2d(sentences.map((_, i) => (i % 2 === 0 ? 1 : 0)), [256, 1]);
const classifier = transformerClassifier({ vocabSize: 50, sequenceLength: 10, embeddingDim: 16, numHeads: 2, learningRate: 1e-2, seed: 1 });
const history = await classifier.fit(xs, ys, { epochs: 15, batchSize: 64, verbose: 0 });
console.log('transformer training accuracy', (history.history['acc'] as number[]).at(-1)?.toFixed(3));

// 2. An LSTM forecaster, 3 steps ahead, against the seasonal-naive baseline.
const series = Array.from({ length: 300 }, (_, t) => 10 + Math.sin((2 * Math.PI * t) / 12) + 0.3 * Math.sin(t / 7) + 0.1 * rng.normal());
const scaler = fitStandardScaler(series.slice(0, 240));
const scaled = scaler.transform(series);
const train = makeWindows(scaled.subarray(0, 240), { inputWidth: 24, horizon: 3 });
const test = makeWindows(scaled.subarray(216), { inputWidth: 24, horizon: 3 });
const forecaster = recurrentForecaster({ inputWidth: 24, horizon: 3, units: 16, learningRate: 1e-2, seed: 2 });
const t = windowsToTensors(train);
await forecaster.fit(t.xs, t.ys, { epochs: 30, batchSize: 64, verbose: 0 });
const actual = scaler.inverse(test.targets);
console.log('LSTM MAE', meanAbsoluteError(actual, scaler.inverse(forecastWindows(forecaster, test))).toFixed(3));
console.log('seasonal-naive MAE', meanAbsoluteError(actual, scaler.inverse(baselineForWindows(test, { seasonLength: 12 }))).toFixed(3));

// 3. Character-level generation with temperature.
const text = 'the cat sat on the mat. '.repeat(10);
const vocabulary = CharVocabulary.fromText(text);
const examples = charExamplesToTensors(charExamples(text, vocabulary, { sequenceLength: 8 }));
const charModel = charLstmModel({ vocabSize: vocabulary.size, units: 32, seed: 3 });
await charModel.fit(examples.xs, examples.ys, { epochs: 20, batchSize: 64, verbose: 0 });
console.log(JSON.stringify(generateText(charModel, vocabulary, { prompt: 'the cat', length: 30, temperature: 0.5, seed: 4, contextLength: 8 })));

tf.dispose([xs, ys, t.xs, t.ys, examples.xs, examples.ys]);
