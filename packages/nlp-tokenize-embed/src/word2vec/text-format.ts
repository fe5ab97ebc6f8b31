import { InvalidArgumentError } from '@deepcourse/backend';
import { TextFormatError } from '../errors.js';
import { WordVectors } from './word-vectors.js';

/**
 * The word2vec text format (as written by word2vec.c `-binary 0` and gensim `save_word2vec_format`):
 * a header "count dimension", then one line per word: the word and its numbers separated by spaces.
 * Numbers are written with 9 significant digits, enough to read back the same float32 values.
 */
export function toWord2VecText(vectors: WordVectors): string {
  const d = vectors.dimension;
  const lines = [`${vectors.size} ${d}`];
  vectors.words.forEach((w, i) => {
    if (w === '' || /\s/u.test(w)) throw new InvalidArgumentError(`words[${i}]`, 'a word without whitespace (the format separates by spaces)', w);
    const nums: string[] = [];
    for (let k = 0; k < d; k++) nums.push(formatFloat(vectors.vectors[i * d + k] as number));
    lines.push(`${w} ${nums.join(' ')}`);
  });
  return `${lines.join('\n')}\n`;
}

function formatFloat(v: number): string {
  if (v === 0) return '0';
  return String(Number(v.toPrecision(9)));
}

/** Reads the word2vec text format (header required; a missing header is accepted if every line has the same length, like GloVe files). */
export function parseWord2VecText(text: string, source = 'word2vec text'): WordVectors {
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && (lines[lines.length - 1] as string).trim() === '') lines.pop();
  if (lines.length === 0) throw new TextFormatError(source, 1, 'empty file: expected a header "count dimension"');
  const header = (lines[0] as string).trim().split(/\s+/);
  let start = 1;
  let count: number;
  let dim: number;
  if (header.length === 2 && /^\d+$/.test(header[0] as string) && /^\d+$/.test(header[1] as string)) {
    count = Number(header[0]);
    dim = Number(header[1]);
  } else {
    start = 0;
    count = lines.length;
    dim = header.length - 1;
  }
  if (dim < 1) throw new TextFormatError(source, 1, `expected a dimension >= 1, found ${dim}`);
  if (lines.length - start !== count) throw new TextFormatError(source, 1, `header says ${count} words, found ${lines.length - start} lines`);
  const words: string[] = [];
  const data = new Float32Array(count * dim);
  const seen = new Set<string>();
  for (let i = 0; i < count; i++) {
    const lineNo = start + i + 1;
    const parts = (lines[start + i] as string).trimEnd().split(' ');
    if (parts.length !== dim + 1) throw new TextFormatError(source, lineNo, `expected a word and ${dim} numbers, found ${parts.length - 1} numbers`);
    const word = parts[0] as string;
    if (seen.has(word)) throw new TextFormatError(source, lineNo, `the word ${JSON.stringify(word)} appears twice`);
    seen.add(word);
    words.push(word);
    for (let k = 0; k < dim; k++) {
      const v = Number(parts[k + 1]);
      if (!Number.isFinite(v) || (parts[k + 1] as string).trim() === '') throw new TextFormatError(source, lineNo, `number ${k + 1} is ${JSON.stringify(parts[k + 1])}`);
      data[i * dim + k] = v;
    }
  }
  return new WordVectors(words, data, dim);
}
