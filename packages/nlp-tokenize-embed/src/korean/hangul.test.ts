import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  choseong,
  composeHangul,
  decomposeHangul,
  isHangulSyllable,
  JAMO_ESCAPE,
  jamoDetokenize,
  jamoTokenize,
  syllableToJamo,
  toCompatibilityJamo,
} from './hangul.js';

// Code points that stress the round trip: syllables, conjoining jamo (modern, old, extended blocks),
// compatibility jamo, the escape itself, emoji, Latin, spaces.
const interesting = fc.oneof(
  fc.integer({ min: 0xac00, max: 0xd7a3 }),
  fc.integer({ min: 0x1100, max: 0x11ff }),
  fc.integer({ min: 0xa960, max: 0xa97f }),
  fc.integer({ min: 0xd7b0, max: 0xd7ff }),
  fc.integer({ min: 0x3131, max: 0x318e }),
  fc.constant(0xfdd0),
  fc.integer({ min: 0x1f600, max: 0x1f64f }),
  fc.integer({ min: 0x20, max: 0x7e }),
  fc.integer({ min: 0, max: 0x10ffff }).filter((c) => c < 0xd800 || c > 0xdfff),
);
const hangulText = fc.array(interesting, { maxLength: 40 }).map((cs) => String.fromCodePoint(...cs));

describe('Hangul syllables and jamo', () => {
  it('decomposes by the Unicode arithmetic', () => {
    expect(syllableToJamo('한')).toEqual(['\u1112', '\u1161', '\u11ab']);
    expect(syllableToJamo('가')).toEqual(['\u1100', '\u1161']);
    expect(syllableToJamo('힣')).toEqual(['\u1112', '\u1175', '\u11c2']);
    expect(jamoTokenize('한잔')).toEqual(['ᄒ', 'ᅡ', 'ᆫ', 'ᄌ', 'ᅡ', 'ᆫ']);
    // Conjoining jamo are canonically equivalent to the syllable: NFC composes them back.
    expect(decomposeHangul('커피 한잔').normalize('NFC')).toBe('커피 한잔');
    expect(() => syllableToJamo('a')).toThrow(RangeError);
  });

  it('spells syllables in compatibility jamo and initial consonants for display', () => {
    expect(toCompatibilityJamo('커피 한잔')).toBe('ㅋㅓㅍㅣ ㅎㅏㄴㅈㅏㄴ');
    expect(toCompatibilityJamo('닭')).toBe('ㄷㅏㄺ');
    expect(choseong('커피 한잔 어때')).toBe('ㅋㅍ ㅎㅈ ㅇㄸ');
  });

  it('keeps typed jamo, input conjoining jamo and the escape distinct from decomposed syllables', () => {
    const tricky = `ㅋㅋ 가\u11a8 \u1100\u1161 ${JAMO_ESCAPE}x ${JAMO_ESCAPE}`;
    expect(composeHangul(decomposeHangul(tricky))).toBe(tricky);
    // '가' + a standalone final ᆨ must not become '각'.
    expect(jamoDetokenize(jamoTokenize('가\u11a8'))).toBe('가\u11a8');
    expect(jamoTokenize('가\u11a8')).toEqual(['\u1100', '\u1161', `${JAMO_ESCAPE}\u11a8`]);
  });

  it('round-trips exactly for any string (property)', () => {
    fc.assert(
      fc.property(hangulText, (s) => {
        expect(composeHangul(decomposeHangul(s))).toBe(s);
        expect(jamoDetokenize(jamoTokenize(s))).toBe(s);
      }),
      { numRuns: 500, seed: 7 },
    );
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (s) => {
        expect(jamoDetokenize(jamoTokenize(s))).toBe(s);
      }),
      { numRuns: 300, seed: 8 },
    );
  });

  it('round-trips every one of the 11,172 syllables', () => {
    let all = '';
    for (let c = 0xac00; c <= 0xd7a3; c++) all += String.fromCharCode(c);
    const tokens = jamoTokenize(all);
    expect(tokens.length).toBe(19 * 21 * 2 + 19 * 21 * 27 * 3); // 2 jamo without a final, 3 with one
    expect(jamoDetokenize(tokens)).toBe(all);
    expect([...all].every(isHangulSyllable)).toBe(true);
  });
});
