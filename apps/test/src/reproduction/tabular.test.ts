// The course's tabular exercises on the real CSV files (COURSE_DATA_DIR): the same small MLPs, a seeded
// stratified 75/25 split, features standardised on the training part only, accuracy on the held-out part.
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { initBackend, tf, accuracy } from '@deepcourse/backend';
import { fitStandardScaler, trainTestSplit } from '@deepcourse/datasets';
import { loadCsv } from '@deepcourse/datasets/node';
import { COURSE_DATA_DIR } from '../paths.js';

if (!COURSE_DATA_DIR) console.warn('skipping the tabular reproduction suite: COURSE_DATA_DIR is not set (point it at shared/data/course)');

interface Exercise {
  file: string;
  header: boolean;
  hidden: number[];
  epochs: number;
  batchSize: number;
  /** What a correct pipeline reaches on the held-out quarter (the course prints training-set figures only). */
  atLeast: number;
}

const EXERCISES: Record<string, Exercise> = {
  iris: { file: 'iris3.csv', header: true, hidden: [12, 8], epochs: 50, batchSize: 5, atLeast: 0.85 },
  sonar: { file: 'sonar3.csv', header: false, hidden: [24, 10], epochs: 100, batchSize: 10, atLeast: 0.7 },
  wine: { file: 'wine.csv', header: false, hidden: [30, 12, 8], epochs: 50, batchSize: 500, atLeast: 0.97 },
};

async function run(name: string, exercise: Exercise, seed: number): Promise<number> {
  const table = await loadCsv(join(COURSE_DATA_DIR as string, exercise.file), { header: exercise.header, labelType: 'class' });
  const classes = table.classNames?.length ?? 2;
  const { train, test } = trainTestSplit({ x: table.features, y: table.labels as tf.Tensor1D }, { testFraction: 0.25, seed, stratify: 'y' });
  const scaler = fitStandardScaler(train.x as tf.Tensor2D);
  const [xTrain, xTest] = [scaler.transform(train.x as tf.Tensor2D), scaler.transform(test.x as tf.Tensor2D)];
  const binary = classes === 2;
  const model = tf.sequential();
  exercise.hidden.forEach((units, i) =>
    model.add(tf.layers.dense({ units, activation: 'relu', ...(i === 0 ? { inputShape: [table.features.shape[1]] } : {}), kernelInitializer: tf.initializers.heUniform({ seed: seed + i }) })),
  );
  model.add(tf.layers.dense({ units: binary ? 1 : classes, activation: binary ? 'sigmoid' : 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 9 }) }));
  const optimizer = tf.train.adam(0.001); // Keras' default, as in the course
  model.compile({ optimizer, loss: binary ? 'binaryCrossentropy' : 'categoricalCrossentropy' });
  const yTrain = binary ? train.y.reshape([-1, 1]).toFloat() : tf.oneHot(train.y as tf.Tensor1D, classes).toFloat();
  await model.fit(xTrain, yTrain, { epochs: exercise.epochs, batchSize: exercise.batchSize, verbose: 0, shuffle: true });
  const predicted = model.predict(xTest) as tf.Tensor;
  const score = accuracy(test.y as tf.Tensor1D, predicted);
  console.log(`${name}: held-out accuracy ${score.toFixed(3)} (${test.y.shape[0]} rows; the course reports training accuracy only)`);
  tf.dispose([table.features, table.labels as tf.Tensor, train.x, train.y, test.x, test.y, xTrain, xTest, yTrain, predicted]);
  model.dispose();
  optimizer.dispose();
  return score;
}

describe.skipIf(!COURSE_DATA_DIR)('course reproduction: tabular exercises', () => {
  test.each(Object.entries(EXERCISES))('%s', { timeout: 600_000 }, async (name, exercise) => {
    await initBackend({ backend: 'wasm', seed: 42 });
    expect(await run(name, exercise, 42)).toBeGreaterThanOrEqual(exercise.atLeast);
  });
});
