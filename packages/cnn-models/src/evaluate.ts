import { confusionMatrix, InvalidArgumentError, tf } from '@deepcourse/backend';
import { modelClassCount, readClassificationData, type ClassificationData } from './data.js';

export interface ClassMetrics {
  /** Class id. */
  classId: number;
  /** Class name, when names were given. */
  name?: string;
  /** Of the examples predicted as this class, the fraction that are (0 when none were predicted). */
  precision: number;
  /** Of the examples of this class, the fraction predicted as it (0 when the class has none). */
  recall: number;
  /** Harmonic mean of precision and recall (0 when both are 0). */
  f1: number;
  /** Examples of this class. */
  support: number;
}

export interface ConfusedPair {
  trueClass: number;
  predictedClass: number;
  /** Examples of `trueClass` predicted as `predictedClass`. */
  count: number;
  /** `count` over the examples of `trueClass`. */
  rate: number;
  trueName?: string;
  predictedName?: string;
}

export interface ClassificationMetrics {
  accuracy: number;
  /** `confusion[true][predicted]` counts. */
  confusion: number[][];
  perClass: ClassMetrics[];
  /** Unweighted means over classes of precision, recall and F1. */
  macroAverage: { precision: number; recall: number; f1: number };
  /** Means weighted by support. */
  weightedAverage: { precision: number; recall: number; f1: number };
  /** Off-diagonal cells, most examples first (ties: lower true class, then lower predicted class). */
  mostConfused: ConfusedPair[];
}

export interface ClassifierEvaluation extends ClassificationMetrics {
  /** Mean cross-entropy of the model's probabilities (clipped to [1e-7, 1 - 1e-7] as Keras does). */
  loss: number;
  /** Examples evaluated. */
  count: number;
}

export interface EvaluateClassifierOptions {
  /** Prediction batch size (default 256). */
  batchSize?: number;
  /** Names of the classes, for the per-class rows and confused pairs. */
  classNames?: readonly string[];
  /** How many confused pairs to list (default 10). */
  topConfusions?: number;
}

const EPSILON = 1e-7;

/**
 * Evaluates a classifier: cross-entropy loss, accuracy, confusion matrix,
 * per-class precision / recall / F1 and the most confused pairs.
 */
export async function evaluateClassifier(
  model: tf.LayersModel,
  data: ClassificationData,
  options: EvaluateClassifierOptions = {},
): Promise<ClassifierEvaluation> {
  const { inputs, ids } = readClassificationData(data, 'data');
  const { classes, binary } = modelClassCount(model);
  const batchSize = options.batchSize ?? 256;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new InvalidArgumentError('batchSize', 'a positive integer', options.batchSize);
  if (options.classNames !== undefined && options.classNames.length !== classes) {
    throw new InvalidArgumentError('classNames', `${classes} names (the model's classes)`, options.classNames);
  }
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i] as number;
    if (id < 0 || id >= classes) throw new InvalidArgumentError(`data.labels[${i}]`, `a class id in [0, ${classes})`, id);
  }
  const n = ids.length;
  const predicted = new Int32Array(n);
  let lossSum = 0;
  for (let start = 0; start < n; start += batchSize) {
    const count = Math.min(batchSize, n - start);
    const probabilities = tf.tidy(() => {
      const out = model.predict(inputs.slice(start, count), { batchSize }) as tf.Tensor;
      return out.reshape([count, binary ? 1 : classes]);
    });
    const values = (await probabilities.data()) as Float32Array;
    probabilities.dispose();
    for (let i = 0; i < count; i++) {
      const label = ids[start + i] as number;
      if (binary) {
        const p = values[i] as number;
        predicted[start + i] = p >= 0.5 ? 1 : 0;
        lossSum -= Math.log(clip(label === 1 ? p : 1 - p));
      } else {
        let best = 0;
        for (let k = 1; k < classes; k++) if ((values[i * classes + k] as number) > (values[i * classes + best] as number)) best = k;
        predicted[start + i] = best;
        lossSum -= Math.log(clip(values[i * classes + label] as number));
      }
    }
  }
  const metrics = classificationMetrics(confusionMatrix(ids, predicted, classes), options);
  return { loss: lossSum / n, count: n, ...metrics };
}

function clip(p: number): number {
  return Math.min(1 - EPSILON, Math.max(EPSILON, p));
}

/** Accuracy, per-class precision/recall/F1, averages and most confused pairs from a confusion matrix `[true][predicted]`. */
export function classificationMetrics(
  confusion: number[][],
  options: Pick<EvaluateClassifierOptions, 'classNames' | 'topConfusions'> = {},
): ClassificationMetrics {
  const k = confusion.length;
  if (k === 0 || confusion.some((row) => !Array.isArray(row) || row.length !== k)) {
    throw new InvalidArgumentError('confusion', 'a square matrix [K][K] of counts', confusion);
  }
  const names = options.classNames;
  const rowSums = confusion.map((row) => row.reduce((a, b) => a + b, 0));
  const colSums = confusion[0]!.map((_, j) => confusion.reduce((a, row) => a + (row[j] as number), 0));
  const total = rowSums.reduce((a, b) => a + b, 0);
  if (total === 0) throw new InvalidArgumentError('confusion', 'at least one counted example', 'all zeros');
  let correct = 0;
  const perClass: ClassMetrics[] = [];
  for (let c = 0; c < k; c++) {
    const tp = confusion[c]![c] as number;
    correct += tp;
    const precision = (colSums[c] as number) === 0 ? 0 : tp / (colSums[c] as number);
    const recall = (rowSums[c] as number) === 0 ? 0 : tp / (rowSums[c] as number);
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    perClass.push({ classId: c, ...(names ? { name: names[c] as string } : {}), precision, recall, f1, support: rowSums[c] as number });
  }
  const mean = (key: 'precision' | 'recall' | 'f1', weighted: boolean) =>
    perClass.reduce((sum, m) => sum + m[key] * (weighted ? m.support / total : 1 / k), 0);
  const pairs: ConfusedPair[] = [];
  for (let t = 0; t < k; t++) {
    for (let p = 0; p < k; p++) {
      const count = confusion[t]![p] as number;
      if (t === p || count === 0) continue;
      pairs.push({
        trueClass: t,
        predictedClass: p,
        count,
        rate: count / (rowSums[t] as number),
        ...(names ? { trueName: names[t] as string, predictedName: names[p] as string } : {}),
      });
    }
  }
  pairs.sort((a, b) => b.count - a.count || a.trueClass - b.trueClass || a.predictedClass - b.predictedClass);
  return {
    accuracy: correct / total,
    confusion: confusion.map((row) => row.slice()),
    perClass,
    macroAverage: { precision: mean('precision', false), recall: mean('recall', false), f1: mean('f1', false) },
    weightedAverage: { precision: mean('precision', true), recall: mean('recall', true), f1: mean('f1', true) },
    mostConfused: pairs.slice(0, options.topConfusions ?? 10),
  };
}

/** A text report like scikit-learn's `classification_report`, plus the most confused pairs. */
export function formatClassificationReport(metrics: ClassificationMetrics): string {
  const label = (m: ClassMetrics) => m.name ?? String(m.classId);
  const width = Math.max(12, ...metrics.perClass.map((m) => label(m).length));
  const row = (name: string, p: number, r: number, f: number, s: number | string) =>
    `${name.padStart(width)}  ${p.toFixed(4).padStart(9)}  ${r.toFixed(4).padStart(9)}  ${f.toFixed(4).padStart(9)}  ${String(s).padStart(7)}`;
  const total = metrics.perClass.reduce((a, m) => a + m.support, 0);
  const lines = [
    `${''.padStart(width)}  ${'precision'.padStart(9)}  ${'recall'.padStart(9)}  ${'f1-score'.padStart(9)}  ${'support'.padStart(7)}`,
    ...metrics.perClass.map((m) => row(label(m), m.precision, m.recall, m.f1, m.support)),
    '',
    `${'accuracy'.padStart(width)}  ${''.padStart(9)}  ${''.padStart(9)}  ${metrics.accuracy.toFixed(4).padStart(9)}  ${String(total).padStart(7)}`,
    row('macro avg', metrics.macroAverage.precision, metrics.macroAverage.recall, metrics.macroAverage.f1, total),
    row('weighted avg', metrics.weightedAverage.precision, metrics.weightedAverage.recall, metrics.weightedAverage.f1, total),
  ];
  if (metrics.mostConfused.length > 0) {
    lines.push('', 'most confused (true -> predicted):');
    for (const pair of metrics.mostConfused) {
      lines.push(`  ${pair.trueName ?? pair.trueClass} -> ${pair.predictedName ?? pair.predictedClass}: ${pair.count} (${(pair.rate * 100).toFixed(1)}% of ${pair.trueName ?? pair.trueClass})`);
    }
  }
  return lines.join('\n');
}
