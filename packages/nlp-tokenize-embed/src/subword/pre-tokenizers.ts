// Pre-tokenizers written to split text exactly as the Hugging Face tokenizer.json components of the same
// name do (checked against @huggingface/tokenizers in the tests).

/** GPT-2's split pattern, used by the ByteLevel pre-tokenizer. */
const BYTE_LEVEL_PATTERN = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

/** Punctuation as BERT sees it: Unicode P plus every ASCII symbol. */
const BERT_PUNCTUATION = '\\p{P}\\u0021-\\u002F\\u003A-\\u0040\\u005B-\\u0060\\u007B-\\u007E';
const BERT_PATTERN = new RegExp(`[^\\s${BERT_PUNCTUATION}]+|[${BERT_PUNCTUATION}]`, 'gu');

/** GPT-2's reversible map from the 256 byte values to printable characters. */
export const BYTE_TO_CHAR: readonly string[] = (() => {
  const printable: number[] = [];
  for (let b = 0x21; b <= 0x7e; b++) printable.push(b);
  for (let b = 0xa1; b <= 0xac; b++) printable.push(b);
  for (let b = 0xae; b <= 0xff; b++) printable.push(b);
  const table = new Array<string>(256);
  for (const b of printable) table[b] = String.fromCharCode(b);
  let n = 0;
  for (let b = 0; b < 256; b++) {
    if (table[b] === undefined) table[b] = String.fromCharCode(256 + n++);
  }
  return table;
})();

export const CHAR_TO_BYTE: ReadonlyMap<string, number> = new Map(BYTE_TO_CHAR.map((c, b) => [c, b]));

const utf8Encoder = new TextEncoder();

/** Byte-level pre-tokens: GPT-2 regex pieces, each as its UTF-8 bytes mapped through {@link BYTE_TO_CHAR}. */
export function byteLevelPreTokenize(text: string): string[] {
  const pieces = text.match(BYTE_LEVEL_PATTERN) ?? [];
  return pieces.map((p) => {
    let s = '';
    for (const b of utf8Encoder.encode(p)) s += BYTE_TO_CHAR[b] as string;
    return s;
  });
}

/** Bytes-as-characters back to text (invalid UTF-8 becomes U+FFFD, as in the HF ByteLevel decoder). */
export function byteLevelDecode(text: string): string {
  const bytes: number[] = [];
  for (const ch of text) {
    const b = CHAR_TO_BYTE.get(ch);
    if (b !== undefined) bytes.push(b);
  }
  return new TextDecoder('utf-8', { fatal: false, ignoreBOM: true }).decode(new Uint8Array(bytes));
}

/** BERT pre-tokens: split on whitespace, every punctuation character a piece of its own. */
export function bertPreTokenize(text: string): string[] {
  return text.trim().match(BERT_PATTERN) ?? [];
}

/** Pieces between runs of whitespace. */
export function whitespacePreTokenize(text: string): string[] {
  return text.match(/\S+/g) ?? [];
}

export interface SubwordNormalizerOptions {
  /** Unicode normalisation form applied first (default none). */
  unicodeForm?: 'NFC' | 'NFD' | 'NFKC' | 'NFKD' | null;
  /** Lower-case (default false). */
  lowercase?: boolean;
}

export function normalizeForSubwords(text: string, options: SubwordNormalizerOptions): string {
  let s = options.unicodeForm ? text.normalize(options.unicodeForm) : text;
  if (options.lowercase) s = s.toLowerCase();
  return s;
}

/** The tokenizer.json `normalizer` entry for these options. */
export function normalizerJson(options: SubwordNormalizerOptions): Record<string, unknown> | null {
  const steps: Record<string, unknown>[] = [];
  if (options.unicodeForm) steps.push({ type: options.unicodeForm });
  if (options.lowercase) steps.push({ type: 'Lowercase' });
  if (steps.length === 0) return null;
  if (steps.length === 1) return steps[0] as Record<string, unknown>;
  return { type: 'Sequence', normalizers: steps };
}

/** Reads a tokenizer.json `normalizer` back into options; null when it has steps we do not implement. */
export function normalizerFromJson(json: unknown): SubwordNormalizerOptions | null {
  if (json === null || json === undefined) return {};
  const steps = (json as { type?: string; normalizers?: unknown[] }).type === 'Sequence' ? ((json as { normalizers?: unknown[] }).normalizers ?? []) : [json];
  const out: SubwordNormalizerOptions = {};
  for (const step of steps) {
    const type = (step as { type?: unknown }).type;
    if (type === 'Lowercase') out.lowercase = true;
    else if (type === 'NFC' || type === 'NFD' || type === 'NFKC' || type === 'NFKD') out.unicodeForm = type;
    else return null;
  }
  return out;
}

/**
 * Splits text around special tokens (longest match first), as HF does before normalising:
 * returns pieces with a flag telling whether each is a special token.
 */
export function splitOnSpecialTokens(text: string, specials: readonly string[]): { text: string; special: boolean }[] {
  if (specials.length === 0) return [{ text, special: false }];
  const sorted = [...specials].filter((s) => s.length > 0).sort((a, b) => b.length - a.length);
  const out: { text: string; special: boolean }[] = [];
  let plain = '';
  let i = 0;
  outer: while (i < text.length) {
    for (const s of sorted) {
      if (text.startsWith(s, i)) {
        if (plain) out.push({ text: plain, special: false });
        plain = '';
        out.push({ text: s, special: true });
        i += s.length;
        continue outer;
      }
    }
    plain += text[i];
    i++;
  }
  if (plain) out.push({ text: plain, special: false });
  return out;
}
