import { InvalidArgumentError, tf } from '@deepcourse/backend';
import { NotFittedError } from '../errors.js';

/** TextVectorization's default strip pattern: ASCII punctuation including the apostrophe. */
const STRIP_PUNCTUATION = /[!"#$%&()*+,\-./:;<=>?@[\\\]^_`{|}~']/g;
/** tf.strings.split without a separator splits on runs of ASCII whitespace. */
const ASCII_WHITESPACE = /[ \t\n\v\f\r]+/;

export type Standardize = 'lower_and_strip_punctuation' | 'lower' | 'strip_punctuation' | null | ((text: string) => string);

export interface TextVectorizerOptions {
  /** Largest vocabulary, counting '' (padding) and '[UNK]' (default: unlimited). */
  maxTokens?: number | null;
  /** Text standardisation (default 'lower_and_strip_punctuation'). */
  standardize?: Standardize;
  /** 'whitespace' (default), 'character', or a function. */
  split?: 'whitespace' | 'character' | ((text: string) => string[]);
  /** Pad (with 0, at the end) or truncate (at the end) each output to this length. */
  outputSequenceLength?: number | null;
}

/**
 * Keras `TextVectorization` in 'int' mode: vocabulary '' at 0 and '[UNK]' at 1, then tokens by descending
 * count, ties in descending token order (Keras sorts with `np.lexsort((tokens, counts))[::-1]`); with
 * `outputSequenceLength` outputs are padded with 0 or cut at the end.
 *
 * @example
 * const vec = new TextVectorizer({ outputSequenceLength: 4 });
 * vec.adapt(['the cat sat', 'the dog']);
 * vec.getVocabulary(); // ['', '[UNK]', 'the', 'sat', 'dog', 'cat']
 * vec.encode(['the bird sat']); // [[2, 1, 3, 0]]
 */
export class TextVectorizer {
  readonly maxTokens: number | null;
  readonly standardize: Standardize;
  readonly split: 'whitespace' | 'character' | ((text: string) => string[]);
  readonly outputSequenceLength: number | null;
  private vocabulary: string[] = [];
  private index = new Map<string, number>();

  constructor(options: TextVectorizerOptions = {}) {
    const { maxTokens = null, standardize = 'lower_and_strip_punctuation', split = 'whitespace', outputSequenceLength = null } = options;
    if (maxTokens !== null && (!Number.isSafeInteger(maxTokens) || maxTokens < 2)) {
      throw new InvalidArgumentError('maxTokens', "an integer >= 2 (it counts '' and '[UNK]') or null", maxTokens);
    }
    if (outputSequenceLength !== null && (!Number.isSafeInteger(outputSequenceLength) || outputSequenceLength < 1)) {
      throw new InvalidArgumentError('outputSequenceLength', 'a positive integer or null', outputSequenceLength);
    }
    this.maxTokens = maxTokens;
    this.standardize = standardize;
    this.split = split;
    this.outputSequenceLength = outputSequenceLength;
  }

  /** The tokens of one text after standardisation and splitting. */
  tokenize(text: string): string[] {
    if (typeof text !== 'string') throw new InvalidArgumentError('text', 'a string', text);
    let s = text;
    const st = this.standardize;
    if (typeof st === 'function') s = st(s);
    else if (st === 'lower') s = s.toLowerCase();
    else if (st === 'strip_punctuation') s = s.replace(STRIP_PUNCTUATION, '');
    else if (st === 'lower_and_strip_punctuation') s = s.toLowerCase().replace(STRIP_PUNCTUATION, '');
    if (typeof this.split === 'function') return this.split(s);
    if (this.split === 'character') return Array.from(s);
    return s.split(ASCII_WHITESPACE).filter((t) => t.length > 0);
  }

  /** Builds the vocabulary from texts (Keras `adapt`). */
  adapt(texts: Iterable<string>): this {
    const counts = new Map<string, number>();
    for (const text of texts) for (const t of this.tokenize(text)) counts.set(t, (counts.get(t) ?? 0) + 1);
    const utf8 = new TextEncoder();
    const bytes = new Map<string, Uint8Array>();
    for (const t of counts.keys()) bytes.set(t, utf8.encode(t));
    const tokens = [...counts.keys()].sort((a, b) => {
      const d = (counts.get(b) as number) - (counts.get(a) as number);
      return d !== 0 ? d : compareBytes(bytes.get(b) as Uint8Array, bytes.get(a) as Uint8Array);
    });
    const limit = this.maxTokens === null ? tokens.length : Math.max(0, this.maxTokens - 2);
    this.setVocabulary(tokens.slice(0, limit));
    return this;
  }

  /** Sets the vocabulary (without '' and '[UNK]', which are added in front). */
  setVocabulary(tokens: readonly string[]): this {
    const seen = new Set<string>();
    for (const t of tokens) {
      if (t === '' || t === '[UNK]' || seen.has(t)) throw new InvalidArgumentError('tokens', "distinct tokens other than '' and '[UNK]'", t);
      seen.add(t);
    }
    this.vocabulary = ['', '[UNK]', ...tokens];
    this.index = new Map(this.vocabulary.map((t, i) => [t, i]));
    return this;
  }

  /** '' , '[UNK]', then the learned tokens. */
  getVocabulary(): string[] {
    return this.vocabulary.slice();
  }

  vocabularySize(): number {
    return this.vocabulary.length;
  }

  /** Texts → id lists ('[UNK]' = 1 for unknown tokens; padded/cut to outputSequenceLength when set). */
  encode(texts: readonly string[]): number[][] {
    if (this.vocabulary.length === 0) throw new NotFittedError('TextVectorizer', 'call adapt() or setVocabulary() first');
    return texts.map((text) => {
      const ids = this.tokenize(text).map((t) => this.index.get(t) ?? 1);
      const n = this.outputSequenceLength;
      if (n === null) return ids;
      return ids.length >= n ? ids.slice(0, n) : [...ids, ...new Array<number>(n - ids.length).fill(0)];
    });
  }

  /** Like `encode`, as an int32 tensor [texts, outputSequenceLength]; needs outputSequenceLength. Caller disposes. */
  encodeTensor(texts: readonly string[]): tf.Tensor2D {
    if (this.outputSequenceLength === null) {
      throw new InvalidArgumentError('outputSequenceLength', 'a length set in the constructor to build a rectangular tensor', null);
    }
    return tf.tensor2d(this.encode(texts), [texts.length, this.outputSequenceLength], 'int32');
  }

  /** Ids → tokens joined by spaces (padding 0 skipped). */
  decode(ids: readonly number[]): string {
    return ids
      .filter((i) => i !== 0)
      .map((i) => this.vocabulary[i] ?? '[UNK]')
      .join(' ');
  }
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number);
  return a.length - b.length;
}
