import { InvalidArgumentError, tf } from '@deepcourse/backend';
import { NotFittedError, TextFormatError } from '../errors.js';
import { pythonJsonDumps, type PyJson } from '../python-json.js';

/** Keras's default filter: ASCII punctuation except the apostrophe, plus tab and newline. */
export const KERAS_DEFAULT_FILTERS = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n';

export interface TextToWordSequenceOptions {
  /** Characters replaced by `split` before splitting (default {@link KERAS_DEFAULT_FILTERS}). */
  filters?: string;
  /** Lower-case the text first (default true). */
  lower?: boolean;
  /** The separator (default ' '); only this exact string splits, as in Python's `str.split(' ')`. */
  split?: string;
}

/**
 * Keras `text_to_word_sequence`: lower-case, replace every filter character by `split`, split on `split`,
 * drop empty pieces. Other whitespace (\r, non-breaking space, ...) stays inside words, as in Keras.
 */
export function textToWordSequence(text: string, options: TextToWordSequenceOptions = {}): string[] {
  const { filters = KERAS_DEFAULT_FILTERS, lower = true, split = ' ' } = options;
  if (typeof text !== 'string') throw new InvalidArgumentError('text', 'a string', text);
  if (split.length === 0) throw new InvalidArgumentError('split', 'a non-empty separator', split);
  let s = lower ? text.toLowerCase() : text;
  const filterSet = new Set(Array.from(filters));
  if (filterSet.size > 0) {
    let out = '';
    for (const ch of s) out += filterSet.has(ch) ? split : ch;
    s = out;
  }
  return s.split(split).filter((w) => w.length > 0);
}

export interface WordTokenizerOptions extends TextToWordSequenceOptions {
  /** Keep only words with index < numWords when converting texts (Keras `num_words`); the index itself keeps all. */
  numWords?: number | null;
  /** Treat every character as a token (Keras `char_level`). */
  charLevel?: boolean;
  /** Token for out-of-vocabulary words, placed at index 1 (Keras `oov_token`). */
  oovToken?: string | null;
}

export type TextsToMatrixMode = 'binary' | 'count' | 'freq' | 'tfidf';

/**
 * A word tokenizer with the semantics of Keras's `Tokenizer` (keras.preprocessing.text): index 0 reserved,
 * the OOV token at 1, then words by descending count with ties in order of first appearance; `numWords`
 * applies only when texts are converted. `toJSON()` writes the same string as Keras `tokenizer.to_json()`.
 *
 * @example
 * const tok = new WordTokenizer({ oovToken: '<OOV>' });
 * tok.fitOnTexts(['I love my dog', 'I love my cat']);
 * tok.wordIndex.get('love'); // 2
 * tok.textsToSequences(['I love my fish']); // [[3, 2, 4, 1]]
 */
export class WordTokenizer {
  readonly filters: string;
  readonly lower: boolean;
  readonly split: string;
  readonly numWords: number | null;
  readonly charLevel: boolean;
  readonly oovToken: string | null;
  documentCount = 0;
  /** Word → count, in order of first appearance. */
  readonly wordCounts = new Map<string, number>();
  /** Word → number of documents that contain it, in order of first appearance. */
  readonly wordDocs = new Map<string, number>();
  /** Word → index (1-based). */
  wordIndex = new Map<string, number>();
  /** Index → word. */
  indexWord = new Map<number, string>();
  /** Index → number of documents. */
  indexDocs = new Map<number, number>();

  constructor(options: WordTokenizerOptions = {}) {
    const { filters = KERAS_DEFAULT_FILTERS, lower = true, split = ' ', numWords = null, charLevel = false, oovToken = null } = options;
    if (numWords !== null && (!Number.isSafeInteger(numWords) || numWords < 0)) {
      throw new InvalidArgumentError('numWords', 'a non-negative integer or null', numWords);
    }
    if (typeof split !== 'string' || split.length === 0) throw new InvalidArgumentError('split', 'a non-empty string', split);
    if (oovToken !== null && typeof oovToken !== 'string') throw new InvalidArgumentError('oovToken', 'a string or null', oovToken);
    this.filters = filters;
    this.lower = lower;
    this.split = split;
    this.numWords = numWords;
    this.charLevel = charLevel;
    this.oovToken = oovToken;
  }

  /** The tokens of one text (a string, or an array taken as tokens already), as Keras sees them. */
  tokensOf(text: string | readonly string[]): string[] {
    if (Array.isArray(text)) return text.map((t: string) => (this.lower ? t.toLowerCase() : t));
    if (typeof text !== 'string') throw new InvalidArgumentError('text', 'a string or an array of strings', text);
    if (this.charLevel) return Array.from(this.lower ? text.toLowerCase() : text);
    return textToWordSequence(text, { filters: this.filters, lower: this.lower, split: this.split });
  }

  /** Updates the counts and rebuilds the index (Keras `fit_on_texts`). */
  fitOnTexts(texts: Iterable<string | readonly string[]>): this {
    for (const text of texts) {
      this.documentCount++;
      const seq = this.tokensOf(text);
      for (const w of seq) this.wordCounts.set(w, (this.wordCounts.get(w) ?? 0) + 1);
      for (const w of new Set(seq)) this.wordDocs.set(w, (this.wordDocs.get(w) ?? 0) + 1);
    }
    // Array.prototype.sort is stable, like Python's list.sort: ties keep first-appearance order.
    const sorted = [...this.wordCounts.entries()].sort((a, b) => b[1] - a[1]).map(([w]) => w);
    const vocab = this.oovToken === null ? sorted : [this.oovToken, ...sorted];
    // dict(zip(vocab, 1..n)): a repeated key keeps its first position and takes the last index.
    this.wordIndex = new Map();
    vocab.forEach((w, i) => this.wordIndex.set(w, i + 1));
    this.indexWord = new Map();
    for (const [w, i] of this.wordIndex) this.indexWord.set(i, w);
    this.indexDocs = new Map();
    for (const [w, c] of this.wordDocs) this.indexDocs.set(this.wordIndex.get(w) as number, c);
    return this;
  }

  /** Texts → lists of indices (Keras `texts_to_sequences`): unknown words become the OOV index or are dropped. */
  textsToSequences(texts: Iterable<string | readonly string[]>): number[][] {
    const oovIndex = this.oovToken === null ? undefined : this.wordIndex.get(this.oovToken);
    const out: number[][] = [];
    for (const text of texts) {
      const vect: number[] = [];
      for (const w of this.tokensOf(text)) {
        const i = this.wordIndex.get(w);
        if (i !== undefined) {
          if (this.numWords && i >= this.numWords) {
            if (oovIndex !== undefined) vect.push(oovIndex);
          } else vect.push(i);
        } else if (this.oovToken !== null && oovIndex !== undefined) vect.push(oovIndex);
      }
      out.push(vect);
    }
    return out;
  }

  /** Lists of indices → space-joined texts (Keras `sequences_to_texts`). */
  sequencesToTexts(sequences: Iterable<readonly number[]>): string[] {
    const oovIndex = this.oovToken === null ? undefined : this.wordIndex.get(this.oovToken);
    const oovWord = oovIndex === undefined ? undefined : this.indexWord.get(oovIndex);
    const out: string[] = [];
    for (const seq of sequences) {
      const words: string[] = [];
      for (const num of seq) {
        const word = this.indexWord.get(num);
        if (word !== undefined) {
          if (this.numWords && num >= this.numWords) {
            if (oovWord !== undefined) words.push(oovWord);
          } else words.push(word);
        } else if (this.oovToken !== null && oovWord !== undefined) words.push(oovWord);
      }
      out.push(words.join(' '));
    }
    return out;
  }

  /** Keras `texts_to_matrix`: one row per text, `numWords` (or vocabulary + 1) columns. Caller disposes. */
  textsToMatrix(texts: Iterable<string | readonly string[]>, mode: TextsToMatrixMode = 'binary'): tf.Tensor2D {
    return this.sequencesToMatrix(this.textsToSequences(texts), mode);
  }

  /** Keras `sequences_to_matrix` (tf-idf uses Keras's weighting: (1 + ln c) · ln(1 + N / (1 + df))). */
  sequencesToMatrix(sequences: readonly (readonly number[])[], mode: TextsToMatrixMode = 'binary'): tf.Tensor2D {
    let width: number;
    if (!this.numWords) {
      if (this.wordIndex.size === 0) throw new NotFittedError('WordTokenizer', 'pass numWords or call fitOnTexts first');
      width = this.wordIndex.size + 1;
    } else width = this.numWords;
    if (!['binary', 'count', 'freq', 'tfidf'].includes(mode)) {
      throw new InvalidArgumentError('mode', "'binary', 'count', 'freq' or 'tfidf'", mode);
    }
    if (mode === 'tfidf' && this.documentCount === 0) throw new NotFittedError('WordTokenizer', 'fit on texts before tfidf mode');
    const x = new Float32Array(sequences.length * width);
    sequences.forEach((seq, row) => {
      const counts = new Map<number, number>();
      for (const j of seq) if (j < width) counts.set(j, (counts.get(j) ?? 0) + 1);
      for (const [j, c] of counts) {
        let v: number;
        if (mode === 'count') v = c;
        else if (mode === 'freq') v = c / seq.length;
        else if (mode === 'binary') v = 1;
        else v = (1 + Math.log(c)) * Math.log(1 + this.documentCount / (1 + (this.indexDocs.get(j) ?? 0)));
        x[row * width + j] = v;
      }
    });
    return tf.tensor2d(x, [sequences.length, width]);
  }

  /** The Keras `get_config()` dictionary (the inner maps as JSON strings, as Keras stores them). */
  getConfig(): Record<string, PyJson> {
    const obj = <V extends PyJson>(m: Map<string | number, V>): Map<string, PyJson> =>
      new Map([...m.entries()].map(([k, v]) => [String(k), v]));
    return {
      num_words: this.numWords,
      filters: this.filters,
      lower: this.lower,
      split: this.split,
      char_level: this.charLevel,
      oov_token: this.oovToken,
      document_count: this.documentCount,
      word_counts: pythonJsonDumps(obj(this.wordCounts)),
      word_docs: pythonJsonDumps(obj(this.wordDocs)),
      index_docs: pythonJsonDumps(obj(this.indexDocs)),
      index_word: pythonJsonDumps(obj(this.indexWord)),
      word_index: pythonJsonDumps(obj(this.wordIndex)),
    };
  }

  /** The string Keras `tokenizer.to_json()` writes: `{"class_name": "Tokenizer", "config": {...}}`. */
  toJSONString(): string {
    return pythonJsonDumps({ class_name: 'Tokenizer', config: this.getConfig() });
  }

  /** Reads a Keras `tokenizer.to_json()` string (Keras `tokenizer_from_json`). */
  static fromJSONString(json: string, source = 'tokenizer JSON'): WordTokenizer {
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch (e) {
      throw new TextFormatError(source, undefined, `not valid JSON (${(e as Error).message})`);
    }
    const config = (parsed as { config?: unknown } | null)?.config;
    if (typeof config !== 'object' || config === null) {
      throw new TextFormatError(source, undefined, 'expected an object with a "config" object (Keras tokenizer.to_json())');
    }
    const c = config as Record<string, unknown>;
    const inner = (key: string): Record<string, unknown> => {
      const raw = c[key];
      if (typeof raw !== 'string') throw new TextFormatError(source, undefined, `config.${key}: expected a JSON string, found ${typeof raw}`);
      try {
        const v: unknown = JSON.parse(raw);
        if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('not an object');
        return v as Record<string, unknown>;
      } catch (e) {
        throw new TextFormatError(source, undefined, `config.${key}: ${(e as Error).message}`);
      }
    };
    const num = (key: string, v: unknown): number => {
      if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw new TextFormatError(source, undefined, `${key}: expected an integer, found ${JSON.stringify(v)}`);
      return v;
    };
    const str = (key: string, v: unknown): string => {
      if (typeof v !== 'string') throw new TextFormatError(source, undefined, `${key}: expected a string, found ${JSON.stringify(v)}`);
      return v;
    };
    const tok = new WordTokenizer({
      numWords: c.num_words === null || c.num_words === undefined ? null : num('config.num_words', c.num_words),
      filters: c.filters === undefined ? KERAS_DEFAULT_FILTERS : str('config.filters', c.filters),
      lower: c.lower === undefined ? true : Boolean(c.lower),
      split: c.split === undefined ? ' ' : str('config.split', c.split),
      charLevel: Boolean(c.char_level),
      oovToken: c.oov_token === null || c.oov_token === undefined ? null : str('config.oov_token', c.oov_token),
    });
    tok.documentCount = c.document_count === undefined ? 0 : num('config.document_count', c.document_count);
    // JSON.parse would put integer-like keys ("1990", "2") first; Keras keeps file order, so scan in order.
    const entries = (key: string): [string, unknown][] => {
      inner(key);
      return orderedEntries(c[key] as string, `${source}: config.${key}`);
    };
    for (const [w, v] of entries('word_counts')) tok.wordCounts.set(w, num(`word_counts[${w}]`, v));
    for (const [w, v] of entries('word_docs')) tok.wordDocs.set(w, num(`word_docs[${w}]`, v));
    for (const [k, v] of entries('index_docs')) tok.indexDocs.set(num('index_docs key', Number(k)), num(`index_docs[${k}]`, v));
    for (const [k, v] of entries('index_word')) tok.indexWord.set(num('index_word key', Number(k)), str(`index_word[${k}]`, v));
    for (const [w, v] of entries('word_index')) tok.wordIndex.set(w, num(`word_index[${w}]`, v));
    return tok;
  }
}

/** The entries of a flat JSON object in the order they appear in the text (JSON.parse reorders integer keys). */
function orderedEntries(json: string, where: string): [string, unknown][] {
  const out: [string, unknown][] = [];
  // A flat object of string keys and scalar values: scan key/value pairs with the JSON grammar.
  const re = /\s*("(?:[^"\\]|\\.)*")\s*:\s*("(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|true|false|null)\s*,?/gy;
  const body = json.trim();
  if (!body.startsWith('{') || !body.endsWith('}')) throw new TextFormatError(where, undefined, 'expected a JSON object');
  re.lastIndex = 1;
  const end = body.length - 1;
  while (re.lastIndex < end) {
    const m = re.exec(body);
    if (!m) throw new TextFormatError(where, undefined, `expected a flat object of scalars, stopped at offset ${re.lastIndex}`);
    out.push([JSON.parse(m[1] as string) as string, JSON.parse(m[2] as string) as unknown]);
  }
  return out;
}
