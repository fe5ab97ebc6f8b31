import { InvalidArgumentError, NonFiniteLossError, seedStream, tf } from '@deepcourse/backend';
import { buildWord2VecVocabulary, keepProbabilities, noiseDistribution, sampleFromCumulative } from './vocabulary.js';
import { WordVectors } from './word-vectors.js';

let variableCounter = 0;
/** Scores beyond ±6 saturate σ; gensim (and word2vec.c's table) treat 6 as the edge. */
const MAX_EXP = 6;

export interface Word2VecOptions {
  /** 'skipgram' (default: predict each context word from the centre word) or 'cbow' (predict the centre from the mean of its context). */
  architecture?: 'skipgram' | 'cbow';
  /** Vector length (default 100). */
  vectorSize?: number;
  /** Largest distance between centre and context words; each centre draws a window of 1..window (default 5). */
  window?: number;
  /** Words seen fewer times are dropped (default 5). */
  minCount?: number;
  /** Keep at most this many most frequent words (default all). */
  maxVocabSize?: number | null;
  /** Subsampling threshold for frequent words (default 1e-3; 0 turns it off). */
  sample?: number;
  /** Negative samples per positive pair, from unigram^0.75 (default 5). */
  negative?: number;
  /** Power of the noise distribution (default 0.75). */
  noisePower?: number;
  /** Initial learning rate, decayed linearly to minAlpha over all epochs (default 0.025). */
  alpha?: number;
  minAlpha?: number;
  /** Passes over the corpus (default 5). */
  epochs?: number;
  /**
   * How updates are computed. 'tfjs': each batch of examples is one set of TensorFlow.js ops (gather, batched
   * matmul, scatter-add): fast where gather/scatter are native (tensorflow, webgl). 'typed-arrays': the same
   * update applied one example at a time on Float32Arrays, as word2vec.c does: the fast choice on the cpu and
   * wasm backends, whose gather kernels cost ~100-200 ns per element. 'auto' (default) picks 'tfjs' on the
   * tensorflow, webgl and webgpu backends and 'typed-arrays' otherwise.
   */
  engine?: 'auto' | 'tfjs' | 'typed-arrays';
  /** Examples (context/centre pairs for skip-gram, centres for CBOW) per tfjs update (default 1024). */
  batchSize?: number;
  /** Seed for initialisation, subsampling, windows and negatives (default 42). */
  seed?: number;
  /** Called after each epoch. */
  onEpochEnd?: (epoch: number, stats: Word2VecEpochStats) => void;
}

export interface Word2VecEpochStats {
  /** Mean negative-sampling loss per example in the epoch. */
  loss: number;
  /** Learning rate at the end of the epoch. */
  alpha: number;
  /** Corpus tokens of kept words processed (before subsampling). */
  words: number;
  /** Tokens left after subsampling. */
  effectiveWords: number;
  seconds: number;
}

export interface Word2VecResult {
  vectors: WordVectors;
  /** The engine that ran. */
  engine: 'tfjs' | 'typed-arrays';
  /** The output (context) vectors, syn1neg in word2vec.c. */
  outputVectors: WordVectors;
  epochs: Word2VecEpochStats[];
  /** Corpus tokens of kept words per second of training, over all epochs. */
  wordsPerSecond: number;
}

/**
 * Trains word2vec (Mikolov et al. 2013) with TensorFlow.js ops: skip-gram or CBOW with negative sampling,
 * a unigram^0.75 noise distribution, frequent-word subsampling, dynamic windows and a learning rate
 * decaying linearly to `minAlpha`; like gensim, a target whose score is beyond ±6 (σ saturated) is not updated. Each update is a batch of examples: gather the rows, compute
 * (label − σ(u·v))·lr in tfjs, and scatter-add the row gradients back (sums over repeated words).
 *
 * @example
 * const { vectors } = await trainWord2Vec(sentences, { vectorSize: 50, epochs: 5, seed: 1 });
 * vectors.mostSimilar('king', { topN: 3 });
 */
export async function trainWord2Vec(sentences: readonly (readonly string[])[], options: Word2VecOptions = {}): Promise<Word2VecResult> {
  const {
    architecture = 'skipgram',
    vectorSize = 100,
    window = 5,
    minCount = 5,
    maxVocabSize = null,
    sample = 1e-3,
    negative = 5,
    noisePower = 0.75,
    alpha = 0.025,
    minAlpha = 0.0001,
    epochs = 5,
    batchSize = 1024,
    seed = 42,
    engine: requestedEngine = 'auto',
  } = options;
  if (!['auto', 'tfjs', 'typed-arrays'].includes(requestedEngine)) throw new InvalidArgumentError('engine', "'auto', 'tfjs' or 'typed-arrays'", requestedEngine);
  const engine = requestedEngine !== 'auto' ? requestedEngine : ['tensorflow', 'webgl', 'webgpu'].includes(tf.getBackend()) ? 'tfjs' : 'typed-arrays';
  if (architecture !== 'skipgram' && architecture !== 'cbow') throw new InvalidArgumentError('architecture', "'skipgram' or 'cbow'", architecture);
  for (const [name, v] of [['vectorSize', vectorSize], ['window', window], ['epochs', epochs], ['batchSize', batchSize], ['negative', negative]] as const) {
    if (!Number.isSafeInteger(v) || v < (name === 'negative' ? 1 : 1)) throw new InvalidArgumentError(name, 'a positive integer', v);
  }
  if (!(alpha > 0) || !(minAlpha >= 0) || minAlpha > alpha) throw new InvalidArgumentError('alpha, minAlpha', '0 <= minAlpha <= alpha, alpha > 0', `${alpha}, ${minAlpha}`);
  if (!(sample >= 0)) throw new InvalidArgumentError('sample', 'a number >= 0', sample);
  if (!Array.isArray(sentences)) throw new InvalidArgumentError('sentences', 'an array of token arrays', sentences);

  const vocab = buildWord2VecVocabulary(sentences, minCount, maxVocabSize);
  const V = vocab.words.length;
  if (V < 2) throw new InvalidArgumentError('sentences', `at least 2 distinct words seen >= minCount (${minCount}) times`, `${V}`);
  const d = vectorSize;
  const streams = seedStream(seed);
  const rng = fastRandom(streams.next());
  const cum = noiseDistribution(vocab.counts, noisePower);
  const keep = keepProbabilities(vocab.counts, vocab.retainedTokens, sample);
  const ids = sentences.map((s) => Int32Array.from(s.map((w: string) => vocab.index.get(w) ?? -1).filter((i: number) => i >= 0)));

  // gensim 4's initialisation (KeyedVectors prep_vectors): input vectors uniform in ±1/d, output vectors zero.
  // word2vec.c draws ±0.5/d; on the State of the Union benchmark the wider start answered 12-17 more analogy
  // questions per seed (rare words keep much of their start, and a wider one separates them more).
  const init = new Float32Array(V * d);
  for (let i = 0; i < init.length; i++) init[i] = (2 * rng() - 1) / d;
  const w0 = init;
  const w1 = new Float32Array(V * d);
  const makeVariable = (values: Float32Array, name: string): tf.Variable => {
    const initial = tf.tensor2d(values, [V, d]);
    const v = tf.variable(initial, false, name);
    initial.dispose(); // the variable holds its own reference to the data
    return v;
  };
  const syn0 = engine === 'tfjs' ? makeVariable(w0, `word2vec_syn0_${++variableCounter}`) : null;
  const syn1 = engine === 'tfjs' ? makeVariable(w1, `word2vec_syn1neg_${variableCounter}`) : null;
  const scratch = { h: new Float32Array(d), err: new Float32Array(d), g: new Float32Array(negative + 1) };
  const K = negative;
  const C = 2 * window; // CBOW context slots
  const totalWords = vocab.retainedTokens * epochs;
  const labelsRow = new Float32Array(K + 1);
  labelsRow[0] = 1;

  const stats: Word2VecEpochStats[] = [];
  let processed = 0;
  let trainSeconds = 0;
  try {
    for (let epoch = 0; epoch < epochs; epoch++) {
      const t0 = performance.now();
      let epochWords = 0;
      let effective = 0;
      let lossSum = 0;
      let examples = 0;
      let batch = 0;
      const inputs = new Int32Array(architecture === 'skipgram' ? batchSize : batchSize * C);
      const mask = new Float32Array(architecture === 'cbow' ? batchSize * C : 0);
      const outputs = new Int32Array(batchSize * (K + 1));
      let n = 0;
      let lr = alpha;
      const flush = async (): Promise<void> => {
        if (n === 0) return;
        let loss: number;
        if (syn0 && syn1) {
          loss = architecture === 'skipgram' ? skipgramStep(syn0, syn1, inputs, outputs, n, K, lr, labelsRow) : cbowStep(syn0, syn1, inputs, mask, outputs, n, K, C, lr, labelsRow);
        } else {
          loss = 0;
          for (let e = 0; e < n; e++) loss += sequentialStep(w0, w1, d, inputs, architecture === 'skipgram' ? null : mask, architecture === 'skipgram' ? 1 : C, e, outputs, K, lr, scratch);
          loss /= n;
        }
        if (!Number.isFinite(loss)) throw new NonFiniteLossError(epoch, batch, loss);
        lossSum += loss * n;
        examples += n;
        batch++;
        n = 0;
        await Promise.resolve();
      };
      const drawNegatives = (at: number, positive: number): void => {
        outputs[at] = positive;
        for (let k = 1; k <= K; k++) {
          let neg = sampleFromCumulative(cum, rng());
          // word2vec.c skips a negative equal to the target; drawing again keeps K negatives per example.
          for (let tries = 0; neg === positive && tries < 10; tries++) neg = sampleFromCumulative(cum, rng());
          outputs[at + k] = neg;
        }
      };
      for (const sentence of ids) {
        epochWords += sentence.length;
        const kept: number[] = [];
        for (const w of sentence) if ((keep[w] as number) >= 1 || (keep[w] as number) > rng()) kept.push(w);
        effective += kept.length;
        lr = Math.max(minAlpha, alpha - ((alpha - minAlpha) * (processed + epochWords)) / totalWords);
        for (let i = 0; i < kept.length; i++) {
          const b = Math.floor(rng() * window); // dynamic window: 1..window
          const reach = window - b;
          const lo = Math.max(0, i - reach);
          const hi = Math.min(kept.length - 1, i + reach);
          const centre = kept[i] as number;
          if (architecture === 'skipgram') {
            for (let j = lo; j <= hi; j++) {
              if (j === i) continue;
              // As word2vec.c and gensim: the context word's input vector predicts the centre word.
              inputs[n] = kept[j] as number;
              drawNegatives(n * (K + 1), centre);
              n++;
              if (n === batchSize) await flush();
            }
          } else {
            let c = 0;
            for (let j = lo; j <= hi; j++) {
              if (j === i) continue;
              inputs[n * C + c] = kept[j] as number;
              mask[n * C + c] = 1;
              c++;
            }
            if (c === 0) continue;
            for (; c < C; c++) {
              inputs[n * C + c] = 0;
              mask[n * C + c] = 0;
            }
            drawNegatives(n * (K + 1), centre);
            n++;
            if (n === batchSize) await flush();
          }
        }
      }
      await flush();
      processed += epochWords;
      const seconds = (performance.now() - t0) / 1000;
      trainSeconds += seconds;
      const s: Word2VecEpochStats = { loss: examples > 0 ? lossSum / examples : 0, alpha: lr, words: epochWords, effectiveWords: effective, seconds };
      stats.push(s);
      options.onEpochEnd?.(epoch, s);
    }
    const vectors = new WordVectors(vocab.words, syn0 ? ((await syn0.data()) as Float32Array) : w0, d);
    const outputVectors = new WordVectors(vocab.words, syn1 ? ((await syn1.data()) as Float32Array) : w1, d);
    return { vectors, outputVectors, engine, epochs: stats, wordsPerSecond: trainSeconds > 0 ? processed / trainSeconds : 0 };
  } finally {
    syn0?.dispose();
    syn1?.dispose();
  }
}

/** One skip-gram batch: input rows = centre words, output rows = [context, negatives...]. Returns the mean loss. */
function skipgramStep(syn0: tf.Variable, syn1: tf.Variable, inputs: Int32Array, outputs: Int32Array, n: number, K: number, lr: number, labelsRow: Float32Array): number {
  const loss = tf.tidy(() => {
    const inIdx = tf.tensor1d(inputs.subarray(0, n), 'int32');
    const outIdx = tf.tensor1d(outputs.subarray(0, n * (K + 1)), 'int32');
    const vin = tf.gather(syn0, inIdx) as tf.Tensor2D; // [n, d]
    return applyNegativeSampling(syn0, syn1, vin, inIdx, null, outIdx, n, K, lr, labelsRow, 1);
  });
  const value = loss.dataSync()[0] as number;
  loss.dispose();
  return value;
}

/** One CBOW batch: the hidden vector is the mean of the context rows; each context row gets the full error (word2vec.c, gensim cbow_mean=1). */
function cbowStep(syn0: tf.Variable, syn1: tf.Variable, inputs: Int32Array, mask: Float32Array, outputs: Int32Array, n: number, K: number, C: number, lr: number, labelsRow: Float32Array): number {
  const loss = tf.tidy(() => {
    const ctxIdx = tf.tensor1d(inputs.subarray(0, n * C), 'int32');
    const m = tf.tensor2d(mask.subarray(0, n * C), [n, C]);
    const outIdx = tf.tensor1d(outputs.subarray(0, n * (K + 1)), 'int32');
    const ctx = tf.gather(syn0, ctxIdx).reshape([n, C, -1]) as tf.Tensor3D;
    const count = m.sum(1, true); // [n, 1]
    const h = tf.matMul(m.expandDims(1), ctx).squeeze([1]).div(count) as tf.Tensor2D; // mean of context rows
    return applyNegativeSampling(syn0, syn1, h, ctxIdx, m, outIdx, n, K, lr, labelsRow, C);
  });
  const value = loss.dataSync()[0] as number;
  loss.dispose();
  return value;
}

function applyNegativeSampling(
  syn0: tf.Variable,
  syn1: tf.Variable,
  h: tf.Tensor2D,
  inIdx: tf.Tensor1D,
  ctxMask: tf.Tensor2D | null,
  outIdx: tf.Tensor1D,
  n: number,
  K: number,
  lr: number,
  labelsRow: Float32Array,
  C: number,
): tf.Scalar {
  const [V, d] = syn0.shape as [number, number];
  const vout = tf.gather(syn1, outIdx).reshape([n, K + 1, d]) as tf.Tensor3D;
  const scores = tf.matMul(vout, h.expandDims(2)).squeeze([2]) as tf.Tensor2D; // [n, K+1]
  const labels = tf.tensor1d(labelsRow).expandDims(0); // [1, K+1]
  const sig = tf.sigmoid(scores);
  // -log σ(u·v) for the positive, -log σ(-u·v) for negatives: softplus(-s) and softplus(s).
  const signs = labels.mul(2).sub(1);
  const loss = tf.softplus(scores.mul(signs).neg()).sum(1).mean();
  // [n, K+1]: the step of word2vec.c; targets with a saturated score (|s| >= MAX_EXP) are skipped, as gensim does.
  const g = labels.sub(sig).mul(lr).mul(tf.abs(scores).less(MAX_EXP).cast('float32'));
  const gradIn = tf.matMul(g.expandDims(1), vout).squeeze([1]) as tf.Tensor2D; // [n, d]
  const gradOut = g.expandDims(2).mul(h.expandDims(1)).reshape([n * (K + 1), d]);
  const deltaOut = tf.scatterND(outIdx.expandDims(1), gradOut, [V, d]);
  let deltaIn: tf.Tensor;
  if (ctxMask === null) deltaIn = tf.scatterND(inIdx.expandDims(1), gradIn, [V, d]);
  else {
    const perContext = gradIn.expandDims(1).mul(ctxMask.expandDims(2)).reshape([n * C, d]);
    deltaIn = tf.scatterND(inIdx.expandDims(1), perContext, [V, d]);
  }
  syn1.assign(syn1.add(deltaOut));
  syn0.assign(syn0.add(deltaIn));
  return loss as tf.Scalar;
}

/**
 * One example on Float32Arrays: h = the input row (skip-gram) or the mean of the context rows (CBOW);
 * for the target and each negative, g = (label − σ(h·u))·lr; u += g·h; each input row += Σ g·u.
 * All K+1 scores are taken before any row changes, exactly as one example of the tfjs engine.
 */
function sequentialStep(
  w0: Float32Array,
  w1: Float32Array,
  d: number,
  inputs: Int32Array,
  mask: Float32Array | null,
  C: number,
  e: number,
  outputs: Int32Array,
  K: number,
  lr: number,
  scratch: { h: Float32Array; err: Float32Array; g: Float32Array },
): number {
  const { h, err, g } = scratch;
  h.fill(0);
  err.fill(0);
  let count = 0;
  for (let c = 0; c < C; c++) {
    if (mask && mask[e * C + c] === 0) continue;
    const row = (inputs[e * C + c] as number) * d;
    for (let k = 0; k < d; k++) h[k] = (h[k] as number) + (w0[row + k] as number);
    count++;
  }
  if (count > 1) for (let k = 0; k < d; k++) h[k] = (h[k] as number) / count;
  let loss = 0;
  for (let t = 0; t <= K; t++) {
    const row = (outputs[e * (K + 1) + t] as number) * d;
    let f = 0;
    for (let k = 0; k < d; k++) f += (h[k] as number) * (w1[row + k] as number);
    if (t === 0) {
      g[t] = (1 - 1 / (1 + Math.exp(-f))) * lr;
      loss += softplus(-f);
    } else {
      g[t] = -lr / (1 + Math.exp(-f));
      loss += softplus(f);
    }
    // As gensim: a score beyond ±MAX_EXP (σ saturated) gives no update for this target.
    if (f >= MAX_EXP || f <= -MAX_EXP) g[t] = 0;
  }
  // The error for the inputs is taken from the output rows before they change (a row may repeat among the negatives).
  for (let t = 0; t <= K; t++) {
    const row = (outputs[e * (K + 1) + t] as number) * d;
    const gt = g[t] as number;
    for (let k = 0; k < d; k++) err[k] = (err[k] as number) + gt * (w1[row + k] as number);
  }
  for (let t = 0; t <= K; t++) {
    const row = (outputs[e * (K + 1) + t] as number) * d;
    const gt = g[t] as number;
    for (let k = 0; k < d; k++) w1[row + k] = (w1[row + k] as number) + gt * (h[k] as number);
  }
  for (let c = 0; c < C; c++) {
    if (mask && mask[e * C + c] === 0) continue;
    const row = (inputs[e * C + c] as number) * d;
    for (let k = 0; k < d; k++) w0[row + k] = (w0[row + k] as number) + (err[k] as number);
  }
  return loss;
}

function softplus(x: number): number {
  return x > 30 ? x : Math.log1p(Math.exp(x));
}

/** sfc-style 32-bit generator, inlined for the hot loops (seeded from the backend's seed stream). */
function fastRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
