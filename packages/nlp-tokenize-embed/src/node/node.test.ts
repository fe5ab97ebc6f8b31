import { initBackend } from '@deepcourse/backend';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { TextFormatError } from '../errors.js';
import { WordTokenizer } from '../keras/word-tokenizer.js';
import { trainBpe } from '../subword/bpe.js';
import { trainWordPiece } from '../subword/wordpiece.js';
import { WordVectors } from '../word2vec/word-vectors.js';
import { evaluateAnalogiesFile, loadKerasTokenizer, loadSubwordTokenizer, readAnalogyQuestions, readWord2VecFile, saveTokenizer, writeWord2VecFile } from './index.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe('file helpers', () => {
  it('writes and reads word2vec text files and analogy files', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'nlp-'));
    const v = new WordVectors(['man', 'woman', 'king', 'queen'], Float32Array.from([1, 0, -1, 0, 1, 1, -1, 1]), 2);
    await writeWord2VecFile(join(dir, 'v.txt'), v);
    const back = await readWord2VecFile(join(dir, 'v.txt'));
    expect(Array.from(back.vectors)).toEqual(Array.from(v.vectors));
    // A generated file in the Google format: one section, one answerable and one out-of-vocabulary question.
    await writeFile(join(dir, 'q.txt'), ': gender\nman woman king queen\nman woman prince princess\n');
    expect(await readAnalogyQuestions(join(dir, 'q.txt'))).toHaveLength(2);
    const result = await evaluateAnalogiesFile(back, join(dir, 'q.txt'));
    expect(result.overall).toMatchObject({ correct: 1, incorrect: 0, skipped: 1 });
    await expect(readWord2VecFile(join(dir, 'missing.txt'))).rejects.toThrow(TextFormatError);
  });

  it('saves and loads Keras and Hugging Face tokenizer files', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'nlp-'));
    const keras = new WordTokenizer({ oovToken: '<OOV>' }).fitOnTexts(['커피 한잔 어때']);
    await saveTokenizer(join(dir, 'keras.json'), keras);
    expect((await loadKerasTokenizer(join(dir, 'keras.json'))).textsToSequences(['커피 라떼'])).toEqual([[2, 1]]);
    const bpe = trainBpe(['low lower lowest'], { vocabSize: 270 });
    await saveTokenizer(join(dir, 'bpe.json'), bpe);
    expect((await loadSubwordTokenizer(join(dir, 'bpe.json'))).encode('lowest').ids).toEqual(bpe.encode('lowest').ids);
    const wp = trainWordPiece(['low lower lowest'], { vocabSize: 40, minFrequency: 1 });
    await saveTokenizer(join(dir, 'wp.json'), wp);
    expect(JSON.parse(await readFile(join(dir, 'wp.json'), 'utf8')).model.type).toBe('WordPiece');
    expect((await loadSubwordTokenizer(join(dir, 'wp.json'))).encode('lowest').ids).toEqual(wp.encode('lowest').ids);
    await writeFile(join(dir, 'bad.json'), '{"model": {"type": "Unigram"}}');
    await expect(loadSubwordTokenizer(join(dir, 'bad.json'))).rejects.toThrow(/Unigram/);
  });
});

const dataDir = process.env.COURSE_DATA_DIR;
describe.skipIf(!dataDir)('the real Google analogy set (COURSE_DATA_DIR)', () => {
  it('parses all 19,544 questions in 14 sections', async () => {
    const questions = await readAnalogyQuestions(resolve(dataDir as string, '..', 'word2vec', 'questions-words.txt'));
    expect(questions).toHaveLength(19_544);
    expect(new Set(questions.map((q) => q.section)).size).toBe(14);
    expect(questions[0]?.words).toEqual(['Athens', 'Greece', 'Baghdad', 'Iraq']);
  });
});
if (!dataDir) console.warn('skipping the real analogy-file test: set COURSE_DATA_DIR (e.g. ../shared/data/course) to run it');
