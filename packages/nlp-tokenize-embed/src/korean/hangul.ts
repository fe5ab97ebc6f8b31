// Hangul syllables <-> jamo by the Unicode arithmetic (Unicode §3.12): a precomposed syllable
// S = 0xAC00 + (L * 21 + V) * 28 + T, with 19 leading consonants, 21 vowels and 27 finals (+ "none").

const SBASE = 0xac00;
const LBASE = 0x1100;
const VBASE = 0x1161;
const TBASE = 0x11a7; // T index 0 means "no final"; real finals are TBASE + 1 .. TBASE + 27
const LCOUNT = 19;
const VCOUNT = 21;
const TCOUNT = 28;
const NCOUNT = VCOUNT * TCOUNT;
const SCOUNT = LCOUNT * NCOUNT;

/**
 * Marks a character that was already a conjoining jamo in the input (or this marker itself), so that
 * composing never merges it into a syllable. U+FDD0 is a Unicode noncharacter, reserved for exactly
 * this kind of process-internal use.
 */
export const JAMO_ESCAPE = '\uFDD0';

/** True for a precomposed Hangul syllable (가..힣). */
export function isHangulSyllable(ch: string): boolean {
  const c = ch.codePointAt(0) ?? -1;
  return c >= SBASE && c < SBASE + SCOUNT;
}

/** True for any conjoining jamo (Hangul Jamo, Extended-A and Extended-B blocks). */
export function isConjoiningJamo(ch: string): boolean {
  const c = ch.codePointAt(0) ?? -1;
  return (c >= 0x1100 && c <= 0x11ff) || (c >= 0xa960 && c <= 0xa97f) || (c >= 0xd7b0 && c <= 0xd7ff);
}

/** True for a compatibility jamo (ㄱ..ㆎ), the standalone letters people type (ㅋㅋ, ㅠㅠ). */
export function isCompatibilityJamo(ch: string): boolean {
  const c = ch.codePointAt(0) ?? -1;
  return c >= 0x3131 && c <= 0x318e;
}

/** The conjoining jamo of one syllable: [leading, vowel] or [leading, vowel, final]. */
export function syllableToJamo(syllable: string): string[] {
  const s = (syllable.codePointAt(0) ?? -1) - SBASE;
  if (s < 0 || s >= SCOUNT || syllable.length !== 1) {
    throw new RangeError(`syllableToJamo: expected one Hangul syllable (가..힣), found ${JSON.stringify(syllable)}`);
  }
  const l = Math.floor(s / NCOUNT);
  const v = Math.floor((s % NCOUNT) / TCOUNT);
  const t = s % TCOUNT;
  const out = [String.fromCharCode(LBASE + l), String.fromCharCode(VBASE + v)];
  if (t > 0) out.push(String.fromCharCode(TBASE + t));
  return out;
}

/**
 * Decomposes every Hangul syllable into conjoining jamo (U+1100..U+11C2). Everything else is kept;
 * characters that are conjoining jamo already, and {@link JAMO_ESCAPE} itself, are prefixed with
 * JAMO_ESCAPE, so that {@link composeHangul} restores exactly the input for any string.
 *
 * @example
 * decomposeHangul('커피'); // '커피' (4 conjoining jamo)
 * composeHangul(decomposeHangul('ㅋㅋ 커피☕')) === 'ㅋㅋ 커피☕'; // true
 */
export function decomposeHangul(text: string): string {
  let out = '';
  for (const ch of text) {
    if (isHangulSyllable(ch)) out += syllableToJamo(ch).join('');
    else if (ch === JAMO_ESCAPE || isConjoiningJamo(ch)) out += JAMO_ESCAPE + ch;
    else out += ch;
  }
  return out;
}

/** The inverse of {@link decomposeHangul}: modern L V (T) runs become syllables, escaped characters are unescaped. */
export function composeHangul(decomposed: string): string {
  const chars = Array.from(decomposed);
  let out = '';
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i] as string;
    if (ch === JAMO_ESCAPE) {
      // A dangling escape at the end stands for itself.
      const next = chars[i + 1];
      out += next ?? JAMO_ESCAPE;
      i++;
      continue;
    }
    const l = ch.charCodeAt(0) - LBASE;
    const v = (chars[i + 1]?.charCodeAt(0) ?? -1) - VBASE;
    if (ch.length === 1 && l >= 0 && l < LCOUNT && v >= 0 && v < VCOUNT) {
      const t = (chars[i + 2]?.charCodeAt(0) ?? -1) - TBASE;
      const hasFinal = t > 0 && t < TCOUNT;
      out += String.fromCharCode(SBASE + (l * VCOUNT + v) * TCOUNT + (hasFinal ? t : 0));
      i += hasFinal ? 2 : 1;
      continue;
    }
    out += ch;
  }
  return out;
}

/**
 * Jamo tokens: each conjoining jamo of each syllable is one token, every other character one token
 * (an escaped character stays one token with its escape). `jamoDetokenize(jamoTokenize(x)) === x` for any x.
 *
 * @example
 * jamoTokenize('한잔'); // ['ᄒ', 'ᅡ', 'ᆫ', 'ᄌ', 'ᅡ', 'ᆫ']
 */
export function jamoTokenize(text: string): string[] {
  const chars = Array.from(decomposeHangul(text));
  const out: string[] = [];
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i] as string;
    if (ch === JAMO_ESCAPE && i + 1 < chars.length) {
      out.push(ch + (chars[i + 1] as string));
      i++;
    } else out.push(ch);
  }
  return out;
}

/** Joins jamo tokens back into text (the exact inverse of {@link jamoTokenize}). */
export function jamoDetokenize(tokens: readonly string[]): string {
  return composeHangul(tokens.join(''));
}

// Compatibility jamo for display: conjoining leading consonant / vowel / final → the letter people type.
const L_TO_COMPAT = 'ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ';
const V_TO_COMPAT = 'ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ';
const T_TO_COMPAT = ' ㄱㄲㄳㄴㄵㄶㄷㄹㄺㄻㄼㄽㄾㄿㅀㅁㅂㅄㅅㅆㅇㅈㅊㅋㅌㅍㅎ';

/**
 * Syllables spelled out in compatibility jamo, for display ('커피' → 'ㅋㅓㅍㅣ'). This is lossy by design
 * (it cannot tell '커피' from a typed 'ㅋㅓㅍㅣ'); use {@link decomposeHangul} when you need to go back.
 */
export function toCompatibilityJamo(text: string): string {
  let out = '';
  for (const ch of text) {
    if (!isHangulSyllable(ch)) {
      out += ch;
      continue;
    }
    const [l, v, t] = syllableToJamo(ch) as [string, string, string | undefined];
    out += (L_TO_COMPAT[l.charCodeAt(0) - LBASE] as string) + (V_TO_COMPAT[v.charCodeAt(0) - VBASE] as string);
    if (t !== undefined) out += T_TO_COMPAT[t.charCodeAt(0) - TBASE] as string;
  }
  return out;
}

/** The initial consonants (초성) of each syllable, as typed letters: '커피 한잔' → 'ㅋㅍ ㅎㅈ'. */
export function choseong(text: string): string {
  let out = '';
  for (const ch of text) {
    out += isHangulSyllable(ch) ? (L_TO_COMPAT[Math.floor((ch.charCodeAt(0) - SBASE) / NCOUNT)] as string) : ch;
  }
  return out;
}
