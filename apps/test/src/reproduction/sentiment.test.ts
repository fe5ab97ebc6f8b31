// The course's Transformer exercise on its real sentiment_data.csv (COURSE_DATA_DIR): 2,000 English sentences
// labelled 1 (positive) or 0 (negative), of which only 450 are distinct; the most frequent sentence occurs 38
// times. The course reports a validation accuracy of 0.995 (issue 11's target: ≥ 0.99).
//
// The course's split, inferred from the file: its rows are sorted by label (1,000 positive, then 1,000 negative),
// so an unshuffled Keras `validation_split` would validate on negatives only; the figure must come from a shuffled
// 80/20 split of the rows (scikit-learn's `train_test_split(test_size=0.2)`, not stratified). That split puts
// copies of most validation sentences in the training part, so the figure is also reported (1) on the validation
// rows whose sentence never occurs in training, and (2) from a second model trained on a split of the distinct
// sentences (stratified 80/20; a training sentence keeps all its rows), validated on 90 sentences it never saw.
//
// Model: sequence-models' `transformerClassifier` with the Keras "text classification with Transformer" sizes
// (embedding 32, 2 heads, feed-forward 32, one block), Adam 1e-3, batch 32, 5 epochs, seeded per-epoch shuffling.
// The tokenizer (nlp-tokenize-embed's Keras-compatible WordTokenizer, OOV id 1) is fitted on the training part
// only (the course fits it on every sentence; with this vocabulary it makes no difference to the row split).
// REPRODUCTION_SEED=<n> reruns with another seed (default 42).
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { accuracy, initBackend, tf } from '@deepcourse/backend';
import { splitIndices } from '@deepcourse/datasets';
import { readCsvTable } from '@deepcourse/datasets/node';
import { WordTokenizer, padSequences } from '@deepcourse/nlp-tokenize-embed';
import { tokenIdTensor, transformerClassifier } from '@deepcourse/sequence-models';
import { expectTensorDelta, fitSeeded, liveTensors, secondsSince } from '../integration/support.js';
import { COURSE_DATA_DIR } from '../paths.js';

if (!COURSE_DATA_DIR) console.warn('skipping the sentiment reproduction suite: COURSE_DATA_DIR is not set (point it at shared/data/course)');

const SEED = Number(process.env.REPRODUCTION_SEED ?? 42);
const COURSE_ACCURACY = 0.995;
const ISSUE_TARGET = 0.99;
const EPOCHS = 5;

let texts: string[];
let labels: number[];

interface Run {
  /** Accuracy on every validation row. */
  accuracy: number;
  rows: number;
  /** Accuracy on the validation rows whose sentence never occurs in the training part, and their count. */
  unseenAccuracy: number;
  unseenRows: number;
  unseenSentences: number;
  vocabSize: number;
  sequenceLength: number;
  seconds: string;
  finalLoss: number;
}

/** Tokenizes with a vocabulary of the training rows, trains a Transformer on them, scores the validation rows. */
async function trainAndValidate(trainRows: readonly number[], validationRows: readonly number[]): Promise<Run> {
  const atStart = liveTensors();
  const tokenizer = new WordTokenizer({ oovToken: '<OOV>' }).fitOnTexts(trainRows.map((i) => texts[i]!));
  expect(tokenizer.wordIndex.get('<OOV>')).toBe(1);
  const vocabSize = tokenizer.wordIndex.size + 1;
  const tokenized = tokenizer.textsToSequences(texts);
  const sequenceLength = Math.max(...tokenized.map((s) => s.length)); // nothing is cut
  const sequences = padSequences(tokenized, { maxlen: sequenceLength, padding: 'post' });
  const trainTexts = new Set(trainRows.map((i) => texts[i]!));
  const unseen = validationRows.filter((i) => !trainTexts.has(texts[i]!));
  // Unseen sentences still share most words with training sentences; the few new words become the OOV id.
  const pick = async (rows: readonly number[]) => ({
    x: await expectTensorDelta(1, () => tokenIdTensor(rows.map((i) => sequences[i]!), { sequenceLength, vocabSize })),
    y: tf.tensor2d(rows.map((i) => labels[i]!), [rows.length, 1]),
  });
  const train = await pick(trainRows);
  const validation = await pick(validationRows);
  const unseenPart = await pick(unseen);

  const model = transformerClassifier({ vocabSize, sequenceLength, embeddingDim: 32, numHeads: 2, feedForwardDim: 32, learningRate: 1e-3, seed: SEED });
  const started = performance.now();
  const losses = await fitSeeded(model, train.x, train.y, { epochs: EPOCHS, batchSize: 32, seed: SEED });
  const seconds = secondsSince(started);
  const score = (part: { x: tf.Tensor2D; y: tf.Tensor2D }) =>
    expectTensorDelta(0, () => tf.tidy(() => accuracy(part.y, model.predict(part.x) as tf.Tensor)));
  const result: Run = {
    accuracy: await score(validation),
    rows: validationRows.length,
    unseenAccuracy: unseen.length > 0 ? await score(unseenPart) : NaN,
    unseenRows: unseen.length,
    unseenSentences: new Set(unseen.map((i) => texts[i]!)).size,
    vocabSize,
    sequenceLength,
    seconds,
    finalLoss: losses.at(-1) as number,
  };
  model.dispose();
  tf.dispose([train, validation, unseenPart] as unknown as tf.Tensor[]);
  expect(liveTensors()).toBe(atStart);
  return result;
}

describe.skipIf(!COURSE_DATA_DIR)('course reproduction: sentiment Transformer', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', seed: SEED });
    const table = await readCsvTable(join(COURSE_DATA_DIR as string, 'sentiment_data.csv'));
    expect(table.columns).toEqual(['sentence', 'label']);
    texts = table.rows.map((row) => row[0]!);
    labels = table.rows.map((row) => Number(row[1]));
    expect(texts).toHaveLength(2000);
    expect(labels.filter((l) => l === 1)).toHaveLength(1000);
    expect(labels.every((l) => l === 0 || l === 1)).toBe(true);
    expect(labels.slice(0, 1000).every((l) => l === 1)).toBe(true); // sorted by label: a split must shuffle
    const labelOf = new Map<string, number>();
    for (const [i, text] of texts.entries()) {
      expect(labelOf.get(text) ?? labels[i], `every copy of "${text}" has one label`).toBe(labels[i]);
      labelOf.set(text, labels[i]!);
    }
    expect(labelOf.size).toBe(450);
  });

  test('the course split: a shuffled 80/20 split of the rows', { timeout: 300_000 }, async () => {
    const { train, test: validation } = splitIndices(texts.length, { testFraction: 0.2, seed: SEED });
    const run = await trainAndValidate(Array.from(train), Array.from(validation));
    console.log(
      `sentiment: Transformer validation accuracy on ${run.rows} rows, ours ${run.accuracy.toFixed(3)} (course ${COURSE_ACCURACY.toFixed(3)}; ${run.accuracy >= ISSUE_TARGET ? 'meets' : 'misses'} issue 11's target ${ISSUE_TARGET}) ` +
        `[${train.length} training rows, vocabulary ${run.vocabSize}, length ${run.sequenceLength}, ${EPOCHS} epochs, final loss ${run.finalLoss.toFixed(4)}, seed ${SEED}, ${run.seconds} s on wasm]`,
    );
    console.log(
      `sentiment: the same model on the ${run.unseenRows} validation rows (${run.unseenSentences} distinct sentences) whose sentence is not in training, ` +
        `ours ${run.unseenAccuracy.toFixed(3)} (course: not reported); the other ${run.rows - run.unseenRows} validation rows repeat a training sentence`,
    );
    // Measured (seeds 42, 1, 2; the same with 10 epochs): 0.993 on the 400 rows each time, i.e. 3 errors, all on
    // sentences absent from training (new words such as 'malfunctioned', 'cheated', 'unsatisfied' become the OOV
    // id, and 'Absolutely awful experience.' shares its first word with positives); 0.953-0.959 on those 64-73 rows.
    // That meets issue 11's target of 0.99 by one sentence; the floor allows 6 errors of 400, so a seed or
    // rounding change does not fail it, while a broken mask, tokenizer or label hand-off falls far below.
    expect(run.accuracy).toBeGreaterThanOrEqual(0.985);
    expect(run.unseenRows).toBeGreaterThan(20);
    expect(run.unseenAccuracy).toBeGreaterThanOrEqual(0.9);
  });

  test('without duplicates across the split: validated on 90 distinct sentences the model never saw', { timeout: 300_000 }, async () => {
    const distinct = [...new Set(texts)];
    const firstRow = new Map<string, number>();
    texts.forEach((text, i) => firstRow.has(text) || firstRow.set(text, i));
    const groups = splitIndices(distinct.length, { testFraction: 0.2, seed: SEED, stratify: distinct.map((text) => labels[firstRow.get(text)!]!) });
    const validationTexts = new Set(Array.from(groups.test, (i) => distinct[i]!));
    const trainRows = texts.flatMap((text, i) => (validationTexts.has(text) ? [] : [i]));
    const validationRows = Array.from(groups.test, (i) => firstRow.get(distinct[i]!)!);
    const run = await trainAndValidate(trainRows, validationRows);
    expect(run.unseenRows).toBe(run.rows); // no validation sentence occurs in training
    console.log(
      `sentiment: Transformer validation accuracy on ${run.rows} distinct sentences absent from training, ours ${run.accuracy.toFixed(3)} (course: not reported) ` +
        `[${groups.train.length} distinct training sentences in ${trainRows.length} rows, vocabulary ${run.vocabSize}, ${EPOCHS} epochs, seed ${SEED}, ${run.seconds} s on wasm]`,
    );
    // Measured (seeds 42, 1, 2): 1.000, 0.989, 1.000 (at most one of the 90 wrong).
    expect(run.accuracy).toBeGreaterThanOrEqual(0.9);
  });
});
