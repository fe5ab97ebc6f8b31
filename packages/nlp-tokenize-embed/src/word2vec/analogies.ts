import { InvalidArgumentError, tf } from '@deepcourse/backend';
import { TextFormatError } from '../errors.js';
import type { WordVectors } from './word-vectors.js';

export interface AnalogyQuestion {
  section: string;
  /** a : b = c : expected */
  words: [string, string, string, string];
  /** 1-based line in the file. */
  line: number;
}

/** Parses the Google analogy format (questions-words.txt): ": section" lines, then "a b c d" lines. */
export function parseAnalogyQuestions(text: string, source = 'analogy questions'): AnalogyQuestion[] {
  const out: AnalogyQuestion[] = [];
  let section: string | null = null;
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    if (line.startsWith(':')) {
      section = line.slice(1).trim();
      if (section === '') throw new TextFormatError(source, i + 1, 'a section line needs a name after ":"');
      return;
    }
    if (section === null) throw new TextFormatError(source, i + 1, 'expected a ": section" line before the first question');
    const words = line.split(/\s+/);
    if (words.length !== 4) throw new TextFormatError(source, i + 1, `expected 4 words, found ${words.length}`);
    out.push({ section, words: words as [string, string, string, string], line: i + 1 });
  });
  return out;
}

export interface AnalogySectionResult {
  section: string;
  correct: number;
  incorrect: number;
  /** Questions with a word outside the (restricted) vocabulary. */
  skipped: number;
  /** correct / (correct + incorrect), or 0 when nothing was answered. */
  accuracy: number;
}

export interface AnalogyEvaluation {
  sections: AnalogySectionResult[];
  /** All sections together. */
  overall: AnalogySectionResult;
}

export interface EvaluateAnalogiesOptions {
  /** Only the first N words of the vocabulary are used, for questions and answers (default 300000, as gensim). */
  restrictVocab?: number;
  /** Compare words lower-cased (default true, as gensim's case_insensitive). */
  caseInsensitive?: boolean;
  /** Questions per tfjs matmul (default 256). */
  batchSize?: number;
}

/**
 * Analogy accuracy as gensim's `evaluate_word_analogies` computes it: for "a b c d", predict the
 * nearest word to b − a + c (unit vectors, cosine) among the restricted vocabulary, a, b and c
 * excluded; questions with an unknown word are skipped and counted.
 *
 * @example
 * const result = evaluateAnalogies(vectors, fs.readFileSync('questions-words.txt', 'utf8'));
 * result.overall.accuracy;
 */
export function evaluateAnalogies(vectors: WordVectors, questions: string | readonly AnalogyQuestion[], options: EvaluateAnalogiesOptions = {}): AnalogyEvaluation {
  const { restrictVocab = 300_000, caseInsensitive = true, batchSize = 256 } = options;
  if (!Number.isSafeInteger(restrictVocab) || restrictVocab < 1) throw new InvalidArgumentError('restrictVocab', 'a positive integer', restrictVocab);
  const qs = typeof questions === 'string' ? parseAnalogyQuestions(questions) : questions;
  const limit = Math.min(restrictVocab, vectors.size);
  const d = vectors.dimension;
  // Case-insensitive lookup: the most frequent spelling wins (the vocabulary is ordered by frequency).
  const lookup = new Map<string, number>();
  for (let i = 0; i < limit; i++) {
    const key = caseInsensitive ? (vectors.words[i] as string).toLowerCase() : (vectors.words[i] as string);
    if (!lookup.has(key)) lookup.set(key, i);
  }
  const unit = vectors.unitVectors().subarray(0, limit * d);
  const sections = new Map<string, AnalogySectionResult>();
  const sectionOf = (name: string): AnalogySectionResult => {
    let s = sections.get(name);
    if (!s) sections.set(name, (s = { section: name, correct: 0, incorrect: 0, skipped: 0, accuracy: 0 }));
    return s;
  };
  const answerable: { q: AnalogyQuestion; ids: number[] }[] = [];
  for (const q of qs) {
    const s = sectionOf(q.section);
    const ids = q.words.map((w) => lookup.get(caseInsensitive ? w.toLowerCase() : w));
    if (ids.some((i) => i === undefined)) s.skipped++;
    else answerable.push({ q, ids: ids as number[] });
  }
  if (answerable.length > 0) {
    const matrix = tf.tensor2d(unit, [limit, d]);
    try {
      for (let start = 0; start < answerable.length; start += batchSize) {
        const chunk = answerable.slice(start, start + batchSize);
        const query = new Float32Array(chunk.length * d);
        chunk.forEach(({ ids }, r) => {
          const [a, b, c] = ids as [number, number, number];
          for (let k = 0; k < d; k++) query[r * d + k] = (unit[b * d + k] as number) - (unit[a * d + k] as number) + (unit[c * d + k] as number);
        });
        const k = Math.min(4, limit);
        const top = tf.tidy(() => tf.topk(tf.matMul(tf.tensor2d(query, [chunk.length, d]), matrix, false, true), k).indices);
        const idx = top.dataSync();
        top.dispose();
        chunk.forEach(({ q, ids }, r) => {
          let predicted = -1;
          for (let j = 0; j < k; j++) {
            const cand = idx[r * k + j] as number;
            if (cand !== ids[0] && cand !== ids[1] && cand !== ids[2]) {
              predicted = cand;
              break;
            }
          }
          const s = sectionOf(q.section);
          if (predicted === ids[3]) s.correct++;
          else s.incorrect++;
        });
      }
    } finally {
      matrix.dispose();
    }
  }
  const list = [...sections.values()];
  for (const s of list) s.accuracy = s.correct + s.incorrect > 0 ? s.correct / (s.correct + s.incorrect) : 0;
  const overall: AnalogySectionResult = { section: 'total', correct: 0, incorrect: 0, skipped: 0, accuracy: 0 };
  for (const s of list) {
    overall.correct += s.correct;
    overall.incorrect += s.incorrect;
    overall.skipped += s.skipped;
  }
  overall.accuracy = overall.correct + overall.incorrect > 0 ? overall.correct / (overall.correct + overall.incorrect) : 0;
  return { sections: list, overall };
}
