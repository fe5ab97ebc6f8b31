// nlp-tokenize-embed → sequence-models: texts become token ids with the Keras-compatible WordTokenizer and
// padSequences (English e-mails) or the Korean syllable tokenizer (Korean sentences), and text classifiers from
// sequence-models learn them. Held-out accuracy must clear the majority-class baseline by a wide margin.
// Public entries only; wasm backend, seeded; public calls are checked for leaked tensors.
import { beforeAll, describe, expect, test } from 'vitest';
import { accuracy, initBackend, seedStream, tf } from '@deepcourse/backend';
import { KOREAN_SENTIMENT_TOPICS, koreanSentiment, splitIndices } from '@deepcourse/datasets';
import { spamAssassin } from '@deepcourse/datasets/node';
import { WordTokenizer, padSequences, syllableTokenize } from '@deepcourse/nlp-tokenize-embed';
import { recurrentTextClassifier, tokenIdTensor, transformerClassifier } from '@deepcourse/sequence-models';
import { expectTensorDelta, fitSeeded, liveTensors, secondsSince } from './support.js';

const SEED = 42;

beforeAll(async () => {
  await initBackend({ backend: 'wasm', seed: SEED });
});

/** Held-out accuracy of a binary classifier, checked to leave no tensor behind; also the share predicted positive. */
async function heldOutAccuracy(model: tf.LayersModel, x: tf.Tensor2D, y: tf.Tensor2D): Promise<{ accuracy: number; positiveShare: number }> {
  return expectTensorDelta(0, () =>
    tf.tidy(() => {
      const scores = model.predict(x) as tf.Tensor;
      return { accuracy: accuracy(y, scores), positiveShare: scores.greater(0.5).toFloat().mean().dataSync()[0] as number };
    }),
  );
}

/**
 * The rows `indices` of padded id sequences as a model input (through sequence-models' `tokenIdTensor`, checked
 * to add exactly the one tensor it returns) and their 0/1 labels as a column.
 */
async function pickRows(sequences: readonly number[][], labels: readonly number[], indices: Int32Array, shape: { sequenceLength: number; vocabSize: number }): Promise<{ x: tf.Tensor2D; y: tf.Tensor2D }> {
  return {
    x: await expectTensorDelta(1, () => tokenIdTensor(Array.from(indices, (i) => sequences[i]!), shape)),
    y: tf.tensor2d(Array.from(indices, (i) => labels[i]!), [indices.length, 1]),
  };
}

const majorityShare = (labels: readonly number[]) => {
  const positives = labels.reduce((a, b) => a + b, 0) / labels.length;
  return Math.max(positives, 1 - positives);
};

describe('nlp-tokenize-embed → sequence-models', () => {
  test('SpamAssassin: WordTokenizer + padSequences → transformerClassifier separates spam from ham', { timeout: 120_000 }, async () => {
    const atStart = liveTensors();
    const numWords = 4000;
    const sequenceLength = 80;
    // A seeded subset of 1,200 of the 6,046 e-mails (bodies and subjects; headers would give the answer away).
    const all = spamAssassin();
    const chosen = seedStream(SEED).permutation(all.length).subarray(0, 1200);
    const mails = Array.from(chosen, (i) => all[i]!);
    const texts = mails.map((m) => `${m.subject} ${m.text}`);
    const labels = mails.map((m) => m.label);
    const { train, test: held } = splitIndices(mails.length, { testFraction: 0.25, seed: SEED, stratify: labels });

    // The tokenizer sees the training texts only.
    const tokenizer = new WordTokenizer({ numWords, oovToken: '<OOV>' }).fitOnTexts(Array.from(train, (i) => texts[i]!));
    expect(tokenizer.wordIndex.get('<OOV>')).toBe(1);
    const sequences = padSequences(tokenizer.textsToSequences(texts), { maxlen: sequenceLength, padding: 'post', truncating: 'post' });
    expect(sequences.every((s) => s.length === sequenceLength)).toBe(true);
    // Padding is id 0 after the tokens, which the model masks; every id fits the model's vocabulary.
    expect(sequences.every((s) => s[0] !== 0)).toBe(true);
    const padded = sequences.filter((s) => s.includes(0));
    expect(padded.length).toBeGreaterThan(0);
    expect(padded.every((s) => s.slice(s.indexOf(0)).every((id) => id === 0))).toBe(true);
    const trainSet = await pickRows(sequences, labels, train, { sequenceLength, vocabSize: numWords });
    const testSet = await pickRows(sequences, labels, held, { sequenceLength, vocabSize: numWords });
    expect(trainSet.x.dtype).toBe('int32');
    expect(tf.tidy(() => trainSet.x.max().dataSync()[0] as number)).toBeLessThan(numWords);

    const model = transformerClassifier({ vocabSize: numWords, sequenceLength, embeddingDim: 32, numHeads: 2, learningRate: 2e-3, seed: SEED });
    const started = performance.now();
    const losses = await fitSeeded(model, trainSet.x, trainSet.y, { epochs: 3, batchSize: 32, seed: SEED });
    const seconds = secondsSince(started);
    const result = await heldOutAccuracy(model, testSet.x, testSet.y);
    const baseline = majorityShare(Array.from(held, (i) => labels[i]!));
    console.log(
      `integration text: SpamAssassin transformer held-out accuracy ours ${result.accuracy.toFixed(4)} (majority baseline ${baseline.toFixed(4)}; ` +
        `${train.length} train / ${held.length} test e-mails, vocabulary ${numWords}, length ${sequenceLength}, 3 epochs, seed ${SEED}, ${seconds} s on wasm; losses ${losses.map((l) => l.toFixed(3)).join(' ')})`,
    );
    expect(result.accuracy).toBeGreaterThan(0.9);
    expect(result.accuracy).toBeGreaterThan(baseline + 0.15);
    expect(result.positiveShare).toBeGreaterThan(0.15); // not one class for everything
    expect(result.positiveShare).toBeLessThan(0.6);

    model.dispose();
    tf.dispose([trainSet.x, trainSet.y, testSet.x, testSet.y]);
    expect(liveTensors()).toBe(atStart);
  });

  test('Korean sentiment: syllable tokens (as bigrams) + WordTokenizer + padSequences → bidirectional GRU', { timeout: 120_000 }, async () => {
    const atStart = liveTensors();
    const sentences = koreanSentiment();
    expect(sentences).toHaveLength(320);
    // Syllable bigrams across the '▁' space marker: 김치찌개는 → 김치 치찌 찌개 개는 …, so words split by particles
    // still share most of their tokens.
    const documents = sentences.map((s) => {
      const syllables = syllableTokenize(s.text, { whitespace: 'marker' });
      return syllables.slice(1).map((syllable, i) => `${syllables[i]}${syllable}`).join(' ');
    });
    const labels = sentences.map((s) => s.label as number);
    const strata = sentences.map((s) => s.label * 100 + KOREAN_SENTIMENT_TOPICS.indexOf(s.topic));
    const { train, test: held } = splitIndices(sentences.length, { testFraction: 0.25, seed: SEED, stratify: strata });

    const tokenizer = new WordTokenizer({ oovToken: '<OOV>', filters: '', lower: false }).fitOnTexts(Array.from(train, (i) => documents[i]!));
    const vocabSize = tokenizer.wordIndex.size + 1;
    const sequenceLength = 48;
    const tokenized = tokenizer.textsToSequences(documents);
    expect(Math.max(...tokenized.map((s) => s.length))).toBeLessThanOrEqual(sequenceLength); // nothing is cut
    // Unseen bigrams of the held-out sentences become the OOV id, not dropped.
    expect(Array.from(held).some((i) => tokenized[i]!.includes(1))).toBe(true);
    const sequences = padSequences(tokenized, { maxlen: sequenceLength, padding: 'post' });
    const trainSet = await pickRows(sequences, labels, train, { sequenceLength, vocabSize });
    const testSet = await pickRows(sequences, labels, held, { sequenceLength, vocabSize });

    const model = recurrentTextClassifier({ vocabSize, sequenceLength, cell: 'bidirectional-gru', embeddingDim: 32, units: 32, learningRate: 5e-3, seed: SEED });
    const started = performance.now();
    const losses = await fitSeeded(model, trainSet.x, trainSet.y, { epochs: 8, batchSize: 16, seed: SEED });
    const seconds = secondsSince(started);
    const result = await heldOutAccuracy(model, testSet.x, testSet.y);
    const baseline = majorityShare(Array.from(held, (i) => labels[i]!));
    console.log(
      `integration text: Korean sentiment bidirectional GRU held-out accuracy ours ${result.accuracy.toFixed(4)} (majority baseline ${baseline.toFixed(4)}; ` +
        `${train.length} train / ${held.length} test sentences, vocabulary ${vocabSize} syllable bigrams, 8 epochs, seed ${SEED}, ${seconds} s on wasm; final loss ${losses.at(-1)?.toFixed(4)})`,
    );
    // 80 held-out sentences: one error is 1.25 points, so the floor leaves room for seed variance (0.76-0.86 seen).
    expect(result.accuracy).toBeGreaterThan(0.7);
    expect(result.accuracy).toBeGreaterThan(baseline + 0.1);

    model.dispose();
    tf.dispose([trainSet.x, trainSet.y, testSet.x, testSet.y]);
    expect(liveTensors()).toBe(atStart);
  });
});
