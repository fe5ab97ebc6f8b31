import { tf, seedStream, InvalidArgumentError, type SeedStream } from '@deepcourse/backend';
import { checkPositiveInteger, compileWithOwnOptimizer, resolveLayerSeed } from '../layers/layer-support.js';
import { SeededDropout } from '../layers/pooling.js';
import { TokenEmbedding } from '../layers/token-embedding.js';
import type { CharVocabulary } from './char-vocabulary.js';

export interface CharExamples {
  /** Row-major [count, sequenceLength] character ids. */
  inputs: Int32Array;
  /** [count]: the id of the character after each input sequence. */
  targets: Int32Array;
  count: number;
  sequenceLength: number;
}

/** Next-character examples: every `stride` characters, `sequenceLength` characters and the one that follows. */
export function charExamples(text: string, vocabulary: CharVocabulary, options: { sequenceLength: number; stride?: number }): CharExamples {
  const sequenceLength = checkPositiveInteger(options.sequenceLength, 'sequenceLength');
  const stride = checkPositiveInteger(options.stride ?? 1, 'stride');
  const ids = vocabulary.encode(text);
  if (ids.length <= sequenceLength) {
    throw new InvalidArgumentError('text', `more than sequenceLength=${sequenceLength} characters`, `${ids.length} characters`);
  }
  const count = Math.floor((ids.length - sequenceLength - 1) / stride) + 1;
  const inputs = new Int32Array(count * sequenceLength);
  const targets = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const start = i * stride;
    inputs.set(ids.subarray(start, start + sequenceLength), i * sequenceLength);
    targets[i] = ids[start + sequenceLength] as number;
  }
  return { inputs, targets, count, sequenceLength };
}

/** xs int32 [count, sequenceLength], ys float32 [count, 1] (sparse labels). The caller disposes them. */
export function charExamplesToTensors(examples: CharExamples): { xs: tf.Tensor2D; ys: tf.Tensor2D } {
  return {
    xs: tf.tensor2d(examples.inputs, [examples.count, examples.sequenceLength], 'int32'),
    ys: tf.tensor2d(Float32Array.from(examples.targets), [examples.count, 1]),
  };
}

export interface CharLstmOptions {
  vocabSize: number;
  /** Size of the character vectors (default 32). */
  embeddingDim?: number;
  /** Units of each stacked LSTM layer (default [128]). */
  units?: number | number[];
  /** Dropout after each LSTM layer (default 0). */
  dropout?: number;
  learningRate?: number;
  compile?: boolean;
  seed?: number;
}

/**
 * Character-level language model: ids [batch, time] (any time length) → Embedding → LSTM(s) →
 * softmax over the next character. Compiled with Adam and sparse categorical cross-entropy.
 */
export function charLstmModel(options: CharLstmOptions): tf.LayersModel {
  const vocabSize = checkPositiveInteger(options.vocabSize, 'vocabSize');
  const embeddingDim = checkPositiveInteger(options.embeddingDim ?? 32, 'embeddingDim');
  const units = Array.isArray(options.units) ? options.units : [options.units ?? 128];
  if (units.length === 0) throw new InvalidArgumentError('units', 'at least one layer size', units);
  units.forEach((u, i) => checkPositiveInteger(u, `units[${i}]`));
  const dropout = options.dropout ?? 0;
  if (!(dropout >= 0 && dropout < 1)) throw new InvalidArgumentError('dropout', 'a number in [0, 1)', dropout);
  const learningRate = options.learningRate ?? 1e-2;
  if (!(learningRate > 0)) throw new InvalidArgumentError('learningRate', 'a positive number', learningRate);
  const seeds = seedStream(resolveLayerSeed(options.seed));

  const ids = tf.input({ shape: [null], name: 'char_ids' });
  let x = new TokenEmbedding({ vocabSize, embeddingDim, seed: seeds.next(), name: 'char_embedding' }).apply(ids) as tf.SymbolicTensor;
  units.forEach((u, i) => {
    x = tf.layers
      .lstm({
        units: u,
        returnSequences: i < units.length - 1,
        kernelInitializer: tf.initializers.glorotUniform({ seed: seeds.next() }),
        recurrentInitializer: tf.initializers.orthogonal({ gain: 1, seed: seeds.next() }),
      })
      .apply(x) as tf.SymbolicTensor;
    if (dropout > 0) x = new SeededDropout({ rate: dropout, seed: seeds.next() }).apply(x) as tf.SymbolicTensor;
  });
  const probabilities = tf.layers
    .dense({ units: vocabSize, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: seeds.next() }), name: 'next_char' })
    .apply(x) as tf.SymbolicTensor;
  const model = tf.model({ inputs: ids, outputs: probabilities, name: 'char_lstm' });
  if (options.compile ?? true) {
    compileWithOwnOptimizer(model, { optimizer: tf.train.adam(learningRate), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  }
  return model;
}

/**
 * The distribution after temperature scaling: p_i^(1/T) / Σ_j p_j^(1/T) (softmax of log p / T).
 * T < 1 sharpens, T > 1 flattens; T = 0 puts all mass on the most likely entry.
 */
export function applyTemperature(probabilities: ArrayLike<number>, temperature: number): Float64Array {
  if (!(typeof temperature === 'number' && temperature >= 0 && Number.isFinite(temperature))) {
    throw new InvalidArgumentError('temperature', 'a finite number >= 0', temperature);
  }
  const n = probabilities.length;
  if (n === 0) throw new InvalidArgumentError('probabilities', 'a non-empty distribution', 'an empty array');
  const out = new Float64Array(n);
  let best = 0;
  for (let i = 0; i < n; i++) {
    const p = probabilities[i] as number;
    if (!(p >= 0)) throw new InvalidArgumentError(`probabilities[${i}]`, 'a non-negative number', p);
    if (p > (probabilities[best] as number)) best = i;
  }
  if (temperature === 0) {
    out[best] = 1;
    return out;
  }
  let max = -Infinity;
  const logits = Array.from({ length: n }, (_, i) => {
    const l = Math.log(probabilities[i] as number) / temperature;
    if (l > max) max = l;
    return l;
  });
  let total = 0;
  logits.forEach((l, i) => {
    const e = l === -Infinity ? 0 : Math.exp(l - max);
    out[i] = e;
    total += e;
  });
  for (let i = 0; i < n; i++) out[i] = (out[i] as number) / total;
  return out;
}

/** Draws an index from `probabilities` after temperature scaling, using a seed stream. */
export function sampleWithTemperature(probabilities: ArrayLike<number>, temperature: number, random: SeedStream): number {
  const scaled = applyTemperature(probabilities, temperature);
  const u = random.uniform();
  let cumulative = 0;
  for (let i = 0; i < scaled.length; i++) {
    cumulative += scaled[i] as number;
    if (u < cumulative) return i;
  }
  // Rounding can leave the total a hair under 1: fall back to the last entry with mass.
  for (let i = scaled.length - 1; i >= 0; i--) if ((scaled[i] as number) > 0) return i;
  return scaled.length - 1;
}

export interface GenerateTextOptions {
  /** Text to continue (at least one character of the vocabulary). */
  prompt: string;
  /** Characters to generate. */
  length: number;
  /** Sampling temperature (default 1; 0 = always the most likely character). */
  temperature?: number;
  /** Seed of the sampling. */
  seed?: number;
  /** Characters of context fed at each step (default: the model's input length, or 100 for variable-length models). */
  contextLength?: number;
}

/** Continues `prompt` one character at a time with a character-level model and temperature sampling. */
export function generateText(model: tf.LayersModel, vocabulary: CharVocabulary, options: GenerateTextOptions): string {
  const length = options.length;
  if (!Number.isInteger(length) || length < 0) throw new InvalidArgumentError('length', 'a non-negative integer', length);
  const ids = Array.from(vocabulary.encode(options.prompt));
  if (ids.length === 0) throw new InvalidArgumentError('prompt', 'at least one character of the vocabulary', options.prompt);
  const fixed = model.inputs[0]?.shape[1];
  const contextLength = checkPositiveInteger(options.contextLength ?? (typeof fixed === 'number' ? fixed : 100), 'contextLength');
  if (typeof fixed === 'number' && ids.length < fixed) {
    throw new InvalidArgumentError('prompt', `at least ${fixed} characters (the model reads fixed-length input)`, `${ids.length} characters`);
  }
  const outputSize = model.outputs[0]?.shape[1];
  if (outputSize !== vocabulary.size) {
    throw new InvalidArgumentError('vocabulary', `${String(outputSize)} characters (the model's output size)`, `${vocabulary.size} characters`);
  }
  const random = seedStream(resolveLayerSeed(options.seed));
  const temperature = options.temperature ?? 1;
  const generated: number[] = [];
  for (let step = 0; step < length; step++) {
    const context = ids.slice(-contextLength);
    const probabilities = tf.tidy(() =>
      (model.predict(tf.tensor2d(context, [1, context.length], 'int32')) as tf.Tensor).dataSync(),
    );
    const next = sampleWithTemperature(probabilities, temperature, random);
    ids.push(next);
    generated.push(next);
  }
  return vocabulary.decode(generated);
}
