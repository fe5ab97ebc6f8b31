import { InvalidArgumentError } from '@deepcourse/backend';

const graphemeSegmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** User-perceived characters (grapheme clusters): a Hangul syllable, '👍🏽', 'é' as e + accent are one each. */
export function graphemes(text: string): string[] {
  if (typeof text !== 'string') throw new InvalidArgumentError('text', 'a string', text);
  return Array.from(graphemeSegmenter.segment(text), (s) => s.segment);
}

export interface CharacterTokenizeOptions {
  /** 'drop' (default) leaves spaces out; 'keep' keeps each whitespace character as a token; 'marker' emits '▁' for each run. */
  whitespace?: 'drop' | 'keep' | 'marker';
}

/**
 * Character (and, for Korean, syllable/음절) tokens: one token per grapheme cluster, so emoji with
 * modifiers or ZWJ sequences stay whole.
 *
 * @example
 * characterTokenize('커피 한잔'); // ['커', '피', '한', '잔']
 * characterTokenize('커피 한잔', { whitespace: 'marker' }); // ['커', '피', '▁', '한', '잔']
 */
export function characterTokenize(text: string, options: CharacterTokenizeOptions = {}): string[] {
  const { whitespace = 'drop' } = options;
  if (!['drop', 'keep', 'marker'].includes(whitespace)) throw new InvalidArgumentError('whitespace', "'drop', 'keep' or 'marker'", whitespace);
  const out: string[] = [];
  let inSpace = false;
  for (const g of graphemes(text)) {
    if (/^\s+$/u.test(g)) {
      if (whitespace === 'keep') out.push(g);
      else if (whitespace === 'marker' && !inSpace) out.push('▁');
      inSpace = true;
    } else {
      out.push(g);
      inSpace = false;
    }
  }
  return out;
}

/** Syllable (음절) tokens: {@link characterTokenize} under its Korean name. */
export const syllableTokenize = characterTokenize;

const WORD_START = /^[\p{L}\p{N}\p{M}]/u;

/**
 * Words split on whitespace, with punctuation and symbols (emoji included) as tokens of their own;
 * letters, digits and marks of any script (Hangul, Latin, Han, ...) form words.
 *
 * @example
 * wordTokenize('커피 한잔 어때?'); // ['커피', '한잔', '어때', '?']
 */
export function wordTokenize(text: string): string[] {
  const out: string[] = [];
  let word = '';
  for (const g of graphemes(text)) {
    if (WORD_START.test(g)) {
      word += g;
      continue;
    }
    if (word) out.push(word);
    word = '';
    if (!/^\s+$/u.test(g)) out.push(g);
  }
  if (word) out.push(word);
  return out;
}

export interface SplitSentencesOptions {
  /** Also end a sentence at a line break (default true). */
  splitOnNewlines?: boolean;
  /**
   * Also end a sentence after a word that ends in a common Korean final ending (다, 요, 죠, 까, 니다)
   * followed by whitespace and no punctuation: chat-style text often has no full stops (default false).
   */
  koreanEndings?: boolean;
}

const TERMINATORS = '.!?。！？…‼⁇⁈⁉';
const CLOSERS = '"\'”’)]}」』》〉）';

/**
 * Sentences of a text, trimmed, without empty ones. A sentence ends at . ! ? … (and their full-width
 * forms) followed by optional closing quotes/brackets and then whitespace or the end; "3.14" and "e.g.x"
 * do not split because no whitespace follows. A single capital letter before '.' (initials like "J. Kim")
 * does not end a sentence.
 *
 * @example
 * splitSentences('오늘 날씨가 좋네요. 커피 한잔 어때? Sure!'); // ['오늘 날씨가 좋네요.', '커피 한잔 어때?', 'Sure!']
 */
export function splitSentences(text: string, options: SplitSentencesOptions = {}): string[] {
  if (typeof text !== 'string') throw new InvalidArgumentError('text', 'a string', text);
  const { splitOnNewlines = true, koreanEndings = false } = options;
  const chars = Array.from(text);
  const sentences: string[] = [];
  let start = 0;
  const push = (end: number): void => {
    const s = chars.slice(start, end).join('').trim();
    if (s) sentences.push(s);
    start = end;
  };
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i] as string;
    if (splitOnNewlines && (ch === '\n' || ch === '\r' || ch === '\u2028' || ch === '\u2029')) {
      push(i + 1);
      continue;
    }
    if (TERMINATORS.includes(ch)) {
      let j = i + 1;
      while (j < chars.length && (TERMINATORS.includes(chars[j] as string) || CLOSERS.includes(chars[j] as string))) j++;
      const atEnd = j >= chars.length;
      const spaceFollows = !atEnd && /\s/u.test(chars[j] as string);
      const initial = ch === '.' && i >= 1 && /\p{Lu}/u.test(chars[i - 1] as string) && (i < 2 || /[\s(]/u.test(chars[i - 2] as string));
      if ((atEnd || spaceFollows) && !initial) {
        push(j);
        i = j - 1;
      }
      continue;
    }
    if (koreanEndings && /\s/u.test(ch) && i > 0 && '다요죠까'.includes(chars[i - 1] as string)) {
      push(i);
    }
  }
  push(chars.length);
  return sentences;
}

export interface NormalizeOptions {
  /** Unicode normalisation form (default 'NFC': composes jamo sequences into syllables). */
  form?: 'NFC' | 'NFD' | 'NFKC' | 'NFKD' | 'none';
  /** Lower-case (default false). */
  lowercase?: boolean;
  /** Replace each run of whitespace by one space and trim (default false). */
  collapseWhitespace?: boolean;
  /** Remove control and format characters other than whitespace (zero-width spaces, BOM, ...) (default false). */
  removeControl?: boolean;
  /**
   * With NFKC/NFKD, leave compatibility jamo (ㅋㅋ, ㅠㅠ) as they are (default true): plain NFKC turns them
   * into conjoining jamo, which then fuse with neighbouring letters into one grapheme or even a syllable.
   */
  keepCompatibilityJamo?: boolean;
  /** Cut runs of one repeated character to at most this many ('ㅋㅋㅋㅋㅋ' → 'ㅋㅋ' with 2) (default: no limit). */
  maxRepeat?: number | null;
}

/**
 * Text normalisation before tokenising: Unicode form (NFKC also maps full-width Latin and compatibility
 * characters), case, whitespace, invisible characters and long character repeats.
 *
 * @example
 * normalizeText('Ｃｏｆｆｅｅ  커피ㅋㅋㅋㅋ', { form: 'NFKC', lowercase: true, collapseWhitespace: true, maxRepeat: 2 });
 * // 'coffee 커피ㅋㅋ'
 */
export function normalizeText(text: string, options: NormalizeOptions = {}): string {
  if (typeof text !== 'string') throw new InvalidArgumentError('text', 'a string', text);
  const { form = 'NFC', lowercase = false, collapseWhitespace = false, removeControl = false, maxRepeat = null, keepCompatibilityJamo = true } = options;
  if (!['NFC', 'NFD', 'NFKC', 'NFKD', 'none'].includes(form)) throw new InvalidArgumentError('form', "'NFC', 'NFD', 'NFKC', 'NFKD' or 'none'", form);
  if (maxRepeat !== null && (!Number.isSafeInteger(maxRepeat) || maxRepeat < 1)) throw new InvalidArgumentError('maxRepeat', 'a positive integer or null', maxRepeat);
  let s: string;
  if (form === 'none') s = text;
  else if (keepCompatibilityJamo && (form === 'NFKC' || form === 'NFKD')) {
    s = text
      .split(/([\u3131-\u318e]+)/u)
      .map((part, i) => (i % 2 === 1 ? part : part.normalize(form)))
      .join('');
  } else s = text.normalize(form);
  if (removeControl) s = s.replace(/[\p{Cc}\p{Cf}]/gu, (c) => ('\t\n\v\f\r'.includes(c) ? c : ''));
  if (lowercase) s = s.toLowerCase();
  if (collapseWhitespace) s = s.replace(/\s+/gu, ' ').trim();
  if (maxRepeat !== null) {
    let out = '';
    let prev = '';
    let run = 0;
    for (const g of graphemes(s)) {
      run = g === prev ? run + 1 : 1;
      prev = g;
      if (run <= maxRepeat) out += g;
    }
    s = out;
  }
  return s;
}
