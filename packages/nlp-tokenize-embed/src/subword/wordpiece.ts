import { InvalidArgumentError } from '@deepcourse/backend';
import { TextFormatError } from '../errors.js';
import { learnMerges } from './merge-trainer.js';
import {
  bertPreTokenize,
  normalizeForSubwords,
  normalizerFromJson,
  normalizerJson,
  splitOnSpecialTokens,
  type SubwordNormalizerOptions,
} from './pre-tokenizers.js';
import { addedTokensJson, parseTokenizerJson, type SubwordEncoding, type TokenizerJson } from './tokenizer-json.js';

export interface WordPieceModel extends SubwordNormalizerOptions {
  vocab: ReadonlyMap<string, number>;
  unkToken: string;
  /** Marks a piece that continues a word (default '##'). */
  continuingSubwordPrefix: string;
  /** Longer words become the unknown token (default 100 characters). */
  maxInputCharsPerWord: number;
  specialTokens: readonly string[];
}

export interface TrainWordPieceOptions extends SubwordNormalizerOptions {
  /** Final vocabulary size, special tokens included (default 8000). */
  vocabSize?: number;
  /** Only pairs seen at least this often are merged (default 2). */
  minFrequency?: number;
  /** Special tokens first in the vocabulary (default BERT's: [PAD] [UNK] [CLS] [SEP] [MASK]). */
  specialTokens?: readonly string[];
  /** Unknown token (default '[UNK]'; must be among the special tokens). */
  unkToken?: string;
  continuingSubwordPrefix?: string;
  maxInputCharsPerWord?: number;
  onProgress?: (merges: number) => void;
}

/**
 * Trains a WordPiece vocabulary the way Hugging Face's WordPieceTrainer does: BERT pre-tokenization
 * (whitespace, each punctuation mark alone), then frequency-ranked pair merges where every non-initial
 * piece carries the '##' prefix; the vocabulary is the specials, every character seen (as initial and as
 * '##' piece, even if seen in one position only), and the merged pieces. Encoding is greedy longest-match-first, as in BERT.
 *
 * @example
 * const wp = trainWordPiece(['the cat sat on the mat', 'the cats sat'], { vocabSize: 60, minFrequency: 1 });
 * wp.encode('the cats').tokens; // e.g. ['the', 'cat', '##s']
 */
export function trainWordPiece(texts: Iterable<string>, options: TrainWordPieceOptions = {}): WordPieceTokenizer {
  const vocabSize = options.vocabSize ?? 8000;
  const minFrequency = options.minFrequency ?? 2;
  const specialTokens = [...(options.specialTokens ?? ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'])];
  const unkToken = options.unkToken ?? '[UNK]';
  const prefix = options.continuingSubwordPrefix ?? '##';
  const maxInputCharsPerWord = options.maxInputCharsPerWord ?? 100;
  if (!Number.isSafeInteger(vocabSize) || vocabSize < 1) throw new InvalidArgumentError('vocabSize', 'a positive integer', vocabSize);
  if (!Number.isSafeInteger(minFrequency) || minFrequency < 1) throw new InvalidArgumentError('minFrequency', 'a positive integer', minFrequency);
  if (!specialTokens.includes(unkToken)) throw new InvalidArgumentError('unkToken', `one of specialTokens (${specialTokens.join(', ')})`, unkToken);
  if (new Set(specialTokens).size !== specialTokens.length || specialTokens.some((s) => typeof s !== 'string' || s === '')) {
    throw new InvalidArgumentError('specialTokens', 'distinct non-empty strings', specialTokens);
  }
  if (prefix.length === 0) throw new InvalidArgumentError('continuingSubwordPrefix', 'a non-empty string', prefix);
  const normalizer: SubwordNormalizerOptions = { unicodeForm: options.unicodeForm ?? null, lowercase: options.lowercase ?? false };
  const wordCounts = new Map<string, number>();
  for (const text of texts) {
    if (typeof text !== 'string') throw new InvalidArgumentError('texts', 'strings', text);
    for (const piece of splitOnSpecialTokens(text, specialTokens)) {
      if (piece.special) continue;
      for (const w of bertPreTokenize(normalizeForSubwords(piece.text, normalizer))) wordCounts.set(w, (wordCounts.get(w) ?? 0) + 1);
    }
  }
  const words = [...wordCounts]
    .filter(([w]) => Array.from(w).length <= maxInputCharsPerWord)
    .map(([w, count]) => ({ symbols: Array.from(w).map((c, i) => (i === 0 ? c : prefix + c)), count }));
  const { symbols } = learnMerges({
    words,
    maxSymbols: vocabSize - specialTokens.length,
    minFrequency,
    join: (a, b) => a + (b.startsWith(prefix) ? b.slice(prefix.length) : b),
    // Every character seen is in the vocabulary both as a word start and as a '##' continuation, so any word
    // made of seen characters is encodable (HF's trainer adds only the forms it saw).
    extraSymbols: new Set(words.flatMap((w) => w.symbols.flatMap((s) => (s.startsWith(prefix) ? [s, s.slice(prefix.length)] : [s, prefix + s])))),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  const vocab = new Map<string, number>();
  for (const s of specialTokens) vocab.set(s, vocab.size);
  for (const s of symbols) if (!vocab.has(s)) vocab.set(s, vocab.size);
  return new WordPieceTokenizer({ vocab, unkToken, continuingSubwordPrefix: prefix, maxInputCharsPerWord, specialTokens, ...normalizer });
}

/** A WordPiece tokenizer (greedy longest match first; a word with an unknown character becomes the unknown token). */
export class WordPieceTokenizer {
  readonly model: WordPieceModel;
  private readonly idToToken: string[] = [];
  private readonly specialIds: Set<number>;

  constructor(model: WordPieceModel) {
    if (!model.vocab.has(model.unkToken)) throw new InvalidArgumentError('unkToken', 'a token of the vocabulary', model.unkToken);
    this.model = model;
    for (const [t, i] of model.vocab) this.idToToken[i] = t;
    this.specialIds = new Set(model.specialTokens.map((t) => model.vocab.get(t)).filter((i): i is number => i !== undefined));
  }

  get vocabSize(): number {
    return this.model.vocab.size;
  }

  tokenToId(token: string): number | undefined {
    return this.model.vocab.get(token);
  }

  /** The pieces of one pre-token, or [unkToken]. */
  wordPieces(word: string): string[] {
    const { vocab, continuingSubwordPrefix: prefix, unkToken } = this.model;
    const chars = Array.from(word);
    if (chars.length > this.model.maxInputCharsPerWord) return [unkToken];
    const pieces: string[] = [];
    let start = 0;
    while (start < chars.length) {
      let end = chars.length;
      let found: string | null = null;
      while (start < end) {
        const sub = (start > 0 ? prefix : '') + chars.slice(start, end).join('');
        if (vocab.has(sub)) {
          found = sub;
          break;
        }
        end--;
      }
      if (found === null) return [unkToken];
      pieces.push(found);
      start = end;
    }
    return pieces;
  }

  encode(text: string): SubwordEncoding {
    if (typeof text !== 'string') throw new InvalidArgumentError('text', 'a string', text);
    const tokens: string[] = [];
    for (const piece of splitOnSpecialTokens(text, this.model.specialTokens)) {
      if (piece.special) tokens.push(piece.text);
      else for (const w of bertPreTokenize(normalizeForSubwords(piece.text, this.model))) tokens.push(...this.wordPieces(w));
    }
    return { tokens, ids: tokens.map((t) => this.model.vocab.get(t) as number) };
  }

  /** Ids → text: pieces joined, '##' pieces glued to the previous one, words separated by one space. */
  decode(ids: readonly number[], options: { skipSpecialTokens?: boolean } = {}): string {
    const prefix = this.model.continuingSubwordPrefix;
    let out = '';
    for (const id of ids) {
      const token = this.idToToken[id];
      if (token === undefined) throw new InvalidArgumentError('ids', `ids in [0, ${this.idToToken.length})`, id);
      if (options.skipSpecialTokens && this.specialIds.has(id)) continue;
      if (token.startsWith(prefix) && out.length > 0 && !this.specialIds.has(id)) out += token.slice(prefix.length);
      else out += (out.length > 0 ? ' ' : '') + token;
    }
    return out;
  }

  toTokenizerJson(): TokenizerJson {
    const m = this.model;
    return {
      version: '1.0',
      truncation: null,
      padding: null,
      added_tokens: addedTokensJson(m.specialTokens, m.vocab),
      normalizer: normalizerJson(m),
      pre_tokenizer: { type: 'BertPreTokenizer' },
      post_processor: null,
      decoder: { type: 'WordPiece', prefix: m.continuingSubwordPrefix, cleanup: false },
      model: {
        type: 'WordPiece',
        unk_token: m.unkToken,
        continuing_subword_prefix: m.continuingSubwordPrefix,
        max_input_chars_per_word: m.maxInputCharsPerWord,
        vocab: Object.fromEntries(m.vocab),
      },
    };
  }

  toJSONString(): string {
    return JSON.stringify(this.toTokenizerJson(), null, 2);
  }

  static fromTokenizerJson(json: string | object, source = 'tokenizer.json'): WordPieceTokenizer {
    const { root, model, vocab, specialTokens } = parseTokenizerJson(json, source, 'WordPiece');
    const pre = (root.pre_tokenizer as { type?: string } | null)?.type;
    if (pre !== 'BertPreTokenizer') throw new TextFormatError(source, undefined, `pre_tokenizer: expected BertPreTokenizer, found ${JSON.stringify(pre ?? null)}`);
    const normalizer = normalizerFromJson(root.normalizer);
    if (normalizer === null) throw new TextFormatError(source, undefined, 'normalizer: only NFC/NFD/NFKC/NFKD and Lowercase steps are supported');
    if (typeof model.unk_token !== 'string') throw new TextFormatError(source, undefined, 'model.unk_token: expected a string');
    return new WordPieceTokenizer({
      vocab,
      unkToken: model.unk_token,
      continuingSubwordPrefix: typeof model.continuing_subword_prefix === 'string' ? model.continuing_subword_prefix : '##',
      maxInputCharsPerWord: typeof model.max_input_chars_per_word === 'number' ? model.max_input_chars_per_word : 100,
      specialTokens,
      ...normalizer,
    });
  }
}
