import { initBackend } from '@deepcourse/backend';
import { beforeAll, describe, expect, it } from 'vitest';
import { TextFormatError } from '../errors.js';
import { expectNoLeak } from '../test-utils.js';
import { KERAS_DEFAULT_FILTERS, textToWordSequence, WordTokenizer } from './word-tokenizer.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe('textToWordSequence', () => {
  it('lower-cases, replaces the default filters by spaces and keeps apostrophes and other whitespace', () => {
    expect(textToWordSequence("Don't stop!  Hello,world\tA-b\rc")).toEqual(["don't", 'stop', 'hello', 'world', 'a', 'b\rc']);
    expect(KERAS_DEFAULT_FILTERS).toBe('!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n');
  });
  it('handles empty strings, emoji and mixed scripts without loss', () => {
    expect(textToWordSequence('')).toEqual([]);
    expect(textToWordSequence('커피☕ 한잔 😀 Café')).toEqual(['커피☕', '한잔', '😀', 'café']);
  });
});

describe('WordTokenizer (Keras Tokenizer semantics)', () => {
  const corpus = ['커피 한잔 어때', '커피 좋아', 'I love coffee', 'coffee 좋아! love 커피'];

  it('orders the index by count, ties in order of first appearance, index 0 unused', () => {
    const tok = new WordTokenizer().fitOnTexts(corpus);
    // counts: 커피 3, 한잔 1, 어때 1, 좋아 2, i 1, love 2, coffee 2 → stable sort by count.
    expect([...tok.wordIndex]).toEqual([
      ['커피', 1],
      ['좋아', 2],
      ['love', 3],
      ['coffee', 4],
      ['한잔', 5],
      ['어때', 6],
      ['i', 7],
    ]);
    expect(tok.indexWord.get(1)).toBe('커피');
    expect(tok.documentCount).toBe(4);
    expect(tok.wordDocs.get('커피')).toBe(3);
    expect(tok.indexDocs.get(4)).toBe(2);
  });

  it('puts the OOV token at 1 and applies numWords only when converting', () => {
    const tok = new WordTokenizer({ oovToken: '<OOV>', numWords: 4 }).fitOnTexts(corpus);
    expect(tok.wordIndex.get('<OOV>')).toBe(1);
    expect(tok.wordIndex.get('커피')).toBe(2);
    expect(tok.wordIndex.get('i')).toBe(8); // the index keeps every word
    // 커피=2, 좋아=3, love=4 (>= numWords → OOV), unknown 라떼 → OOV
    expect(tok.textsToSequences(['커피 좋아 love 라떼'])).toEqual([[2, 3, 1, 1]]);
    expect(tok.sequencesToTexts([[2, 3, 4, 99]])).toEqual(['커피 좋아 <OOV> <OOV>']);
  });

  it('drops unknown words without an OOV token, as Keras does', () => {
    const tok = new WordTokenizer({ numWords: 3 }).fitOnTexts(corpus);
    expect(tok.textsToSequences(['커피 좋아 love 라떼', ''])).toEqual([[1, 2], []]);
    expect(tok.sequencesToTexts([[1, 2, 3, 42]])).toEqual(['커피 좋아']);
  });

  it('supports char level and pre-tokenized input', () => {
    const tok = new WordTokenizer({ charLevel: true }).fitOnTexts(['abca', 'A😀']);
    expect([...tok.wordIndex.keys()]).toEqual(['a', 'b', 'c', '😀']);
    const pre = new WordTokenizer().fitOnTexts([['Hello', 'world'], ['hello']]);
    expect(pre.textsToSequences([['HELLO', 'x']])).toEqual([[1]]);
  });

  it('writes exactly the string Keras to_json() writes (Python json.dumps, ensure_ascii)', () => {
    const tok = new WordTokenizer({ oovToken: '<OOV>' }).fitOnTexts(['the cat', 'The 커피!']);
    const expected =
      '{"class_name": "Tokenizer", "config": {"num_words": null, "filters": "!\\"#$%&()*+,-./:;<=>?@[\\\\]^_`{|}~\\t\\n", ' +
      '"lower": true, "split": " ", "char_level": false, "oov_token": "<OOV>", "document_count": 2, ' +
      '"word_counts": "{\\"the\\": 2, \\"cat\\": 1, \\"\\\\ucee4\\\\ud53c\\": 1}", ' +
      '"word_docs": "{\\"the\\": 2, \\"cat\\": 1, \\"\\\\ucee4\\\\ud53c\\": 1}", ' +
      '"index_docs": "{\\"2\\": 2, \\"3\\": 1, \\"4\\": 1}", ' +
      '"index_word": "{\\"1\\": \\"<OOV>\\", \\"2\\": \\"the\\", \\"3\\": \\"cat\\", \\"4\\": \\"\\\\ucee4\\\\ud53c\\"}", ' +
      '"word_index": "{\\"<OOV>\\": 1, \\"the\\": 2, \\"cat\\": 3, \\"\\\\ucee4\\\\ud53c\\": 4}"}}';
    expect(tok.toJSONString()).toBe(expected);
    const back = WordTokenizer.fromJSONString(expected);
    expect([...back.wordIndex]).toEqual([...tok.wordIndex]);
    expect(back.toJSONString()).toBe(expected);
    expect(back.textsToSequences(['커피 dog'])).toEqual([[4, 1]]);
  });

  it('keeps the order of integer-like words when reading JSON', () => {
    const tok = new WordTokenizer().fitOnTexts(['year 1990 2 year']);
    const back = WordTokenizer.fromJSONString(tok.toJSONString());
    expect([...back.wordCounts.keys()]).toEqual(['year', '1990', '2']);
    expect(back.toJSONString()).toBe(tok.toJSONString());
  });

  it('rejects malformed JSON with a typed error naming the field', () => {
    expect(() => WordTokenizer.fromJSONString('{')).toThrow(TextFormatError);
    expect(() => WordTokenizer.fromJSONString('{"config": {"word_counts": 3}}')).toThrow(/word_counts/);
  });

  it('builds Keras matrices (binary, count, freq, tfidf) without leaking tensors', async () => {
    const tok = new WordTokenizer().fitOnTexts(['a a b', 'b c']);
    const m = await expectNoLeak(() => tok.textsToMatrix(['a a b', 'c'], 'count'), 1);
    expect(m.arraySync()).toEqual([
      [0, 2, 1, 0],
      [0, 0, 0, 1],
    ]);
    m.dispose();
    const tfidf = tok.textsToMatrix(['a a'], 'tfidf');
    // Keras: (1 + ln 2) * ln(1 + 2 / (1 + 1))
    expect((tfidf.arraySync() as number[][])[0]?.[1]).toBeCloseTo((1 + Math.log(2)) * Math.log(2), 6);
    tfidf.dispose();
  });

  it('validates arguments', () => {
    expect(() => new WordTokenizer({ numWords: -1 })).toThrow(/numWords/);
    expect(() => new WordTokenizer().sequencesToMatrix([[1]])).toThrow(/fitOnTexts/);
  });
});

describe('against real Keras (keras_preprocessing 1.1.0 output, fixtures/keras-tokenizer.json)', () => {
  it('builds the same index, sequences, texts and to_json() string', async () => {
    const { readFile } = await import('node:fs/promises');
    const fixture = JSON.parse(await readFile(new URL('./fixtures/keras-tokenizer.json', import.meta.url), 'utf8')) as {
      texts: string[];
      to_json: string;
      texts_to_sequences: number[][];
      sequences_to_texts: string[];
    };
    const tok = new WordTokenizer({ numWords: 5, oovToken: '<OOV>' }).fitOnTexts(fixture.texts);
    expect(tok.textsToSequences([...fixture.texts, 'unknown 커피 music'])).toEqual(fixture.texts_to_sequences);
    expect(tok.sequencesToTexts([[1, 2, 3, 4, 5, 6, 7, 99]])).toEqual(fixture.sequences_to_texts);
    const ours = JSON.parse(tok.toJSONString()) as { config: Record<string, unknown> };
    const keras = JSON.parse(fixture.to_json) as { config: Record<string, unknown> };
    // word_docs and index_docs follow Python's set iteration order (hash-randomised), so compare them as maps;
    // every other field must be the identical string.
    for (const key of Object.keys(keras.config)) {
      if (key === 'word_docs' || key === 'index_docs') {
        expect(JSON.parse(ours.config[key] as string)).toEqual(JSON.parse(keras.config[key] as string));
      } else expect(ours.config[key]).toEqual(keras.config[key]);
    }
    const withKerasDocs = { ...ours.config, word_docs: keras.config.word_docs, index_docs: keras.config.index_docs };
    expect(tok.toJSONString().length).toBe(fixture.to_json.length);
    expect(JSON.stringify(withKerasDocs)).toBe(JSON.stringify(keras.config));
    // Reading Keras's own file gives the same tokenizer back.
    expect(WordTokenizer.fromJSONString(fixture.to_json).textsToSequences(['coffee 커피 좋아 more'])).toEqual([[2, 4, 3, 1]]);
  });
});
