// Node-only helpers: reading and writing the package's file formats.
import { readFile, writeFile } from 'node:fs/promises';
import { TextFormatError } from '../errors.js';
import { WordTokenizer } from '../keras/word-tokenizer.js';
import { BpeTokenizer } from '../subword/bpe.js';
import { WordPieceTokenizer } from '../subword/wordpiece.js';
import { evaluateAnalogies, parseAnalogyQuestions, type AnalogyEvaluation, type AnalogyQuestion, type EvaluateAnalogiesOptions } from '../word2vec/analogies.js';
import { parseWord2VecText, toWord2VecText } from '../word2vec/text-format.js';
import type { WordVectors } from '../word2vec/word-vectors.js';

async function readText(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    throw new TextFormatError(path, undefined, `cannot read the ${what}: ${(e as Error).message}`);
  }
}

/** Writes vectors in the word2vec text format. */
export async function writeWord2VecFile(path: string, vectors: WordVectors): Promise<void> {
  await writeFile(path, toWord2VecText(vectors), 'utf8');
}

/** Reads vectors in the word2vec text format (gensim `save_word2vec_format(binary=False)`, word2vec.c `-binary 0`). */
export async function readWord2VecFile(path: string): Promise<WordVectors> {
  return parseWord2VecText(await readText(path, 'word2vec text file'), path);
}

/** Reads a Google-format analogy file (questions-words.txt). */
export async function readAnalogyQuestions(path: string): Promise<AnalogyQuestion[]> {
  return parseAnalogyQuestions(await readText(path, 'analogy questions file'), path);
}

/** `evaluateAnalogies` on a questions file. */
export async function evaluateAnalogiesFile(vectors: WordVectors, path: string, options: EvaluateAnalogiesOptions = {}): Promise<AnalogyEvaluation> {
  return evaluateAnalogies(vectors, await readAnalogyQuestions(path), options);
}

/** Saves a tokenizer: Keras JSON for WordTokenizer, Hugging Face tokenizer.json for BPE and WordPiece. */
export async function saveTokenizer(path: string, tokenizer: WordTokenizer | BpeTokenizer | WordPieceTokenizer): Promise<void> {
  await writeFile(path, tokenizer instanceof WordTokenizer ? tokenizer.toJSONString() : tokenizer.toJSONString(), 'utf8');
}

/** Loads a Hugging Face tokenizer.json with a BPE or WordPiece model. */
export async function loadSubwordTokenizer(path: string): Promise<BpeTokenizer | WordPieceTokenizer> {
  const text = await readText(path, 'tokenizer.json');
  let json: { model?: { type?: unknown } };
  try {
    json = JSON.parse(text) as typeof json;
  } catch (e) {
    throw new TextFormatError(path, undefined, `not valid JSON (${(e as Error).message})`);
  }
  if (json.model?.type === 'BPE') return BpeTokenizer.fromTokenizerJson(json, path);
  if (json.model?.type === 'WordPiece') return WordPieceTokenizer.fromTokenizerJson(json, path);
  throw new TextFormatError(path, undefined, `model.type: expected BPE or WordPiece, found ${JSON.stringify(json.model?.type ?? null)}`);
}

/** Loads a Keras `tokenizer.to_json()` file. */
export async function loadKerasTokenizer(path: string): Promise<WordTokenizer> {
  return WordTokenizer.fromJSONString(await readText(path, 'Keras tokenizer JSON'), path);
}
