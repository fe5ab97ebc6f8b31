import { InvalidArgumentError } from '@deepcourse/backend';
import { TextFormatError } from '../errors.js';
import { learnMerges } from './merge-trainer.js';
import {
  BYTE_TO_CHAR,
  byteLevelDecode,
  byteLevelPreTokenize,
  normalizeForSubwords,
  normalizerFromJson,
  normalizerJson,
  splitOnSpecialTokens,
  whitespacePreTokenize,
  type SubwordNormalizerOptions,
} from './pre-tokenizers.js';
import { addedTokensJson, parseTokenizerJson, type SubwordEncoding, type TokenizerJson } from './tokenizer-json.js';

export interface BpeModel extends SubwordNormalizerOptions {
  /** Token → id (special tokens included). */
  vocab: ReadonlyMap<string, number>;
  /** Merges in priority order. */
  merges: readonly (readonly [string, string])[];
  /** Byte-level BPE (GPT-2 style): every string is encodable, decode(encode(x)) === x. */
  byteLevel: boolean;
  /** Suffix of a word's last symbol (e.g. '</w>') in whitespace-split mode. */
  endOfWordSuffix: string | null;
  /** Token for characters outside the alphabet (whitespace-split mode). */
  unkToken: string | null;
  /** Special tokens, never split and never merged. */
  specialTokens: readonly string[];
}

export interface TrainBpeOptions extends SubwordNormalizerOptions {
  /** Size of the final vocabulary, special tokens included (default 8000). */
  vocabSize?: number;
  /** Only pairs seen at least this often are merged (default 2). */
  minFrequency?: number;
  /** Special tokens, placed first in the vocabulary (default: none for byte-level, ['<unk>'] otherwise). */
  specialTokens?: readonly string[];
  /** Byte-level (default true) or characters with whitespace splitting. */
  byteLevel?: boolean;
  /** End-of-word suffix in character mode (default '</w>'; null for none). */
  endOfWordSuffix?: string | null;
  /** Unknown-character token in character mode (default the first special token). */
  unkToken?: string | null;
  onProgress?: (merges: number) => void;
}

/**
 * Trains a BPE tokenizer (Sennrich et al. 2016): start from bytes (or characters), repeatedly merge the most
 * frequent adjacent pair (ties: the pair of earlier symbols), until `vocabSize` or no pair reaches
 * `minFrequency`. The result saves as a Hugging Face tokenizer.json.
 *
 * @example
 * const bpe = trainBpe(['low lower lowest', 'new newer newest'], { vocabSize: 280 });
 * const { ids } = bpe.encode('lowest newer');
 * bpe.decode(ids); // 'lowest newer'
 */
export function trainBpe(texts: Iterable<string>, options: TrainBpeOptions = {}): BpeTokenizer {
  const byteLevel = options.byteLevel ?? true;
  const vocabSize = options.vocabSize ?? 8000;
  const minFrequency = options.minFrequency ?? 2;
  const specialTokens = [...(options.specialTokens ?? (byteLevel ? [] : ['<unk>']))];
  const endOfWordSuffix = byteLevel ? null : options.endOfWordSuffix === undefined ? '</w>' : options.endOfWordSuffix;
  const unkToken = byteLevel ? (options.unkToken ?? null) : options.unkToken === undefined ? (specialTokens[0] ?? null) : options.unkToken;
  if (!Number.isSafeInteger(vocabSize) || vocabSize < 1) throw new InvalidArgumentError('vocabSize', 'a positive integer', vocabSize);
  if (!Number.isSafeInteger(minFrequency) || minFrequency < 1) throw new InvalidArgumentError('minFrequency', 'a positive integer', minFrequency);
  if (new Set(specialTokens).size !== specialTokens.length || specialTokens.some((s) => typeof s !== 'string' || s === '')) {
    throw new InvalidArgumentError('specialTokens', 'distinct non-empty strings', specialTokens);
  }
  if (!byteLevel && (unkToken === null || !specialTokens.includes(unkToken))) {
    throw new InvalidArgumentError('unkToken', 'one of specialTokens (character-level BPE needs it for unseen characters)', unkToken);
  }
  const normalizer: SubwordNormalizerOptions = { unicodeForm: options.unicodeForm ?? null, lowercase: options.lowercase ?? false };
  const wordCounts = new Map<string, number>();
  for (const text of texts) {
    if (typeof text !== 'string') throw new InvalidArgumentError('texts', 'strings', text);
    for (const piece of splitOnSpecialTokens(text, specialTokens)) {
      if (piece.special) continue;
      const norm = normalizeForSubwords(piece.text, normalizer);
      for (const w of byteLevel ? byteLevelPreTokenize(norm) : whitespacePreTokenize(norm)) wordCounts.set(w, (wordCounts.get(w) ?? 0) + 1);
    }
  }
  const words = [...wordCounts].map(([w, count]) => ({ symbols: initialSymbols(w, byteLevel, endOfWordSuffix), count }));
  const { symbols, merges } = learnMerges({
    words,
    maxSymbols: vocabSize - specialTokens.length,
    minFrequency,
    join: (a, b) => a + b,
    // Byte-level: the whole byte alphabet, so nothing is ever unknown. Character mode: every character seen,
    // both inside a word and word-final (with the suffix), so any word of seen characters is encodable.
    extraSymbols: byteLevel ? BYTE_TO_CHAR : alphabetWithSuffix(words, endOfWordSuffix),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  const vocab = new Map<string, number>();
  for (const s of specialTokens) vocab.set(s, vocab.size);
  for (const s of symbols) if (!vocab.has(s)) vocab.set(s, vocab.size);
  return new BpeTokenizer({ vocab, merges, byteLevel, endOfWordSuffix, unkToken, specialTokens, ...normalizer });
}

function alphabetWithSuffix(words: { symbols: string[] }[], suffix: string | null): Set<string> {
  const out = new Set<string>();
  for (const w of words) {
    for (const s of w.symbols) {
      const bare = suffix && s.endsWith(suffix) ? s.slice(0, -suffix.length) : s;
      out.add(bare);
      if (suffix) out.add(bare + suffix);
    }
  }
  return out;
}

function initialSymbols(word: string, byteLevel: boolean, suffix: string | null): string[] {
  const chars = Array.from(word);
  if (!byteLevel && suffix && chars.length > 0) chars[chars.length - 1] += suffix;
  return chars;
}

/** A BPE tokenizer: encodes with merge priorities exactly like Hugging Face `tokenizers`. */
export class BpeTokenizer {
  readonly model: BpeModel;
  private readonly idToToken: string[];
  private readonly ranks: Map<string, number>;
  private readonly specialIds: Set<number>;
  private readonly cache = new Map<string, string[]>();

  constructor(model: BpeModel) {
    this.model = model;
    this.idToToken = [];
    for (const [t, i] of model.vocab) this.idToToken[i] = t;
    this.ranks = new Map(model.merges.map(([a, b], i) => [pairKey(a, b), i]));
    this.specialIds = new Set(model.specialTokens.map((t) => model.vocab.get(t)).filter((i): i is number => i !== undefined));
  }

  get vocabSize(): number {
    return this.model.vocab.size;
  }

  tokenToId(token: string): number | undefined {
    return this.model.vocab.get(token);
  }

  idToTokenString(id: number): string | undefined {
    return this.idToToken[id];
  }

  /** The BPE symbols of one pre-token (lowest-rank pair first, leftmost among equals). */
  private bpe(word: string): string[] {
    const cached = this.cache.get(word);
    if (cached) return cached;
    const symbols = initialSymbols(word, this.model.byteLevel, this.model.endOfWordSuffix);
    for (;;) {
      let best = -1;
      let bestRank = Infinity;
      for (let i = 0; i + 1 < symbols.length; i++) {
        const r = this.ranks.get(pairKey(symbols[i] as string, symbols[i + 1] as string));
        if (r !== undefined && r < bestRank) {
          bestRank = r;
          best = i;
        }
      }
      if (best < 0) break;
      symbols.splice(best, 2, (symbols[best] as string) + (symbols[best + 1] as string));
    }
    if (this.cache.size > 100_000) this.cache.clear();
    this.cache.set(word, symbols);
    return symbols;
  }

  /** Text → tokens and ids. Special tokens in the text are kept whole. */
  encode(text: string): SubwordEncoding {
    if (typeof text !== 'string') throw new InvalidArgumentError('text', 'a string', text);
    const tokens: string[] = [];
    const ids: number[] = [];
    const unkId = this.model.unkToken === null ? undefined : this.model.vocab.get(this.model.unkToken);
    for (const piece of splitOnSpecialTokens(text, this.model.specialTokens)) {
      if (piece.special) {
        tokens.push(piece.text);
        ids.push(this.model.vocab.get(piece.text) as number);
        continue;
      }
      const norm = normalizeForSubwords(piece.text, this.model);
      const words = this.model.byteLevel ? byteLevelPreTokenize(norm) : whitespacePreTokenize(norm);
      for (const w of words) {
        for (const s of this.bpe(w)) {
          const id = this.model.vocab.get(s);
          if (id !== undefined) {
            tokens.push(s);
            ids.push(id);
          } else if (unkId !== undefined) {
            tokens.push(this.model.unkToken as string);
            ids.push(unkId);
          }
        }
      }
    }
    return { ids, tokens };
  }

  /** Ids → text. Byte-level: the exact original text; character mode: words joined by single spaces. */
  decode(ids: readonly number[], options: { skipSpecialTokens?: boolean } = {}): string {
    const parts: string[] = [];
    let run: string[] = [];
    const flush = (): void => {
      if (run.length === 0) return;
      if (this.model.byteLevel) parts.push(byteLevelDecode(run.join('')));
      else {
        const suffix = this.model.endOfWordSuffix;
        let s = run.join('');
        if (suffix) s = s.split(suffix).join(' ').replace(/ $/, '');
        parts.push(s);
      }
      run = [];
    };
    for (const id of ids) {
      const token = this.idToToken[id];
      if (token === undefined) throw new InvalidArgumentError('ids', `ids in [0, ${this.idToToken.length})`, id);
      if (this.specialIds.has(id)) {
        flush();
        if (!options.skipSpecialTokens) parts.push(token);
      } else run.push(token);
    }
    flush();
    return this.model.byteLevel ? parts.join('') : parts.join(' ');
  }

  /** The Hugging Face tokenizer.json object. */
  toTokenizerJson(): TokenizerJson {
    const m = this.model;
    return {
      version: '1.0',
      truncation: null,
      padding: null,
      added_tokens: addedTokensJson(m.specialTokens, m.vocab),
      normalizer: normalizerJson(m),
      pre_tokenizer: m.byteLevel ? { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true } : { type: 'WhitespaceSplit' },
      post_processor: null,
      decoder: m.byteLevel ? { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true } : { type: 'BPEDecoder', suffix: m.endOfWordSuffix ?? '' },
      model: {
        type: 'BPE',
        dropout: null,
        unk_token: m.unkToken,
        continuing_subword_prefix: null,
        end_of_word_suffix: m.endOfWordSuffix,
        fuse_unk: false,
        byte_fallback: false,
        ignore_merges: false,
        vocab: Object.fromEntries(m.vocab),
        merges: m.merges.map(([a, b]) => [a, b]),
      },
    };
  }

  /** tokenizer.json text (pretty-printed with two spaces). */
  toJSONString(): string {
    return JSON.stringify(this.toTokenizerJson(), null, 2);
  }

  /** Reads a tokenizer.json written by us or by Hugging Face with the same components (BPE, ByteLevel or WhitespaceSplit). */
  static fromTokenizerJson(json: string | object, source = 'tokenizer.json'): BpeTokenizer {
    const { root, model, vocab, specialTokens } = parseTokenizerJson(json, source, 'BPE');
    const pre = (root.pre_tokenizer as { type?: string } | null)?.type;
    if (pre !== 'ByteLevel' && pre !== 'WhitespaceSplit') {
      throw new TextFormatError(source, undefined, `pre_tokenizer: expected ByteLevel or WhitespaceSplit, found ${JSON.stringify(pre ?? null)}`);
    }
    const normalizer = normalizerFromJson(root.normalizer);
    if (normalizer === null) throw new TextFormatError(source, undefined, 'normalizer: only NFC/NFD/NFKC/NFKD and Lowercase steps are supported');
    const rawMerges = model.merges;
    if (!Array.isArray(rawMerges)) throw new TextFormatError(source, undefined, 'model.merges: expected an array');
    const merges = rawMerges.map((m, i): [string, string] => {
      if (Array.isArray(m) && m.length === 2 && typeof m[0] === 'string' && typeof m[1] === 'string') return [m[0], m[1]];
      if (typeof m === 'string') {
        const parts = m.split(' ');
        if (parts.length === 2) return [parts[0] as string, parts[1] as string];
      }
      throw new TextFormatError(source, undefined, `model.merges[${i}]: expected ["a", "b"] or "a b", found ${JSON.stringify(m)}`);
    });
    return new BpeTokenizer({
      vocab,
      merges,
      byteLevel: pre === 'ByteLevel',
      endOfWordSuffix: typeof model.end_of_word_suffix === 'string' && model.end_of_word_suffix ? model.end_of_word_suffix : null,
      unkToken: typeof model.unk_token === 'string' ? model.unk_token : null,
      specialTokens,
      ...normalizer,
    });
  }
}

function pairKey(a: string, b: string): string {
  return `${a}\u0000${b}`;
}
