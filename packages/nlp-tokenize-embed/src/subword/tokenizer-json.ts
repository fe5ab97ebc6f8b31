import { TextFormatError } from '../errors.js';

/** Tokens and their ids. */
export interface SubwordEncoding {
  ids: number[];
  tokens: string[];
}

/** The parts of a Hugging Face tokenizer.json that we write and read. */
export interface TokenizerJson {
  version: string;
  truncation: null;
  padding: null;
  added_tokens: AddedTokenJson[];
  normalizer: Record<string, unknown> | null;
  pre_tokenizer: Record<string, unknown> | null;
  post_processor: Record<string, unknown> | null;
  decoder: Record<string, unknown> | null;
  model: Record<string, unknown>;
}

export interface AddedTokenJson {
  id: number;
  content: string;
  single_word: boolean;
  lstrip: boolean;
  rstrip: boolean;
  normalized: boolean;
  special: boolean;
}

export function addedTokensJson(specials: readonly string[], vocab: ReadonlyMap<string, number>): AddedTokenJson[] {
  return specials.map((content) => ({
    id: vocab.get(content) as number,
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  }));
}

export function parseTokenizerJson(
  json: string | object,
  source: string,
  modelType: 'BPE' | 'WordPiece',
): { root: Record<string, unknown>; model: Record<string, unknown>; vocab: Map<string, number>; specialTokens: string[] } {
  let root: unknown = json;
  if (typeof json === 'string') {
    try {
      root = JSON.parse(json);
    } catch (e) {
      throw new TextFormatError(source, undefined, `not valid JSON (${(e as Error).message})`);
    }
  }
  if (typeof root !== 'object' || root === null) throw new TextFormatError(source, undefined, 'expected a tokenizer.json object');
  const r = root as Record<string, unknown>;
  const model = r.model as Record<string, unknown> | undefined;
  if (typeof model !== 'object' || model === null) throw new TextFormatError(source, undefined, 'model: expected an object');
  if (model.type !== modelType) throw new TextFormatError(source, undefined, `model.type: expected ${modelType}, found ${JSON.stringify(model.type)}`);
  const rawVocab = model.vocab;
  if (typeof rawVocab !== 'object' || rawVocab === null || Array.isArray(rawVocab)) throw new TextFormatError(source, undefined, 'model.vocab: expected an object of token → id');
  const vocab = new Map<string, number>();
  const used = new Set<number>();
  for (const [token, id] of Object.entries(rawVocab as Record<string, unknown>)) {
    if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0 || used.has(id)) {
      throw new TextFormatError(source, undefined, `model.vocab[${JSON.stringify(token)}]: expected a distinct non-negative integer id, found ${JSON.stringify(id)}`);
    }
    vocab.set(token, id);
    used.add(id);
  }
  const specialTokens: string[] = [];
  const added = r.added_tokens ?? [];
  if (!Array.isArray(added)) throw new TextFormatError(source, undefined, 'added_tokens: expected an array');
  for (const [i, t] of added.entries()) {
    const content = (t as { content?: unknown }).content;
    const id = (t as { id?: unknown }).id;
    if (typeof content !== 'string' || typeof id !== 'number') throw new TextFormatError(source, undefined, `added_tokens[${i}]: expected { id, content }`);
    if (vocab.get(content) !== undefined && vocab.get(content) !== id) {
      throw new TextFormatError(source, undefined, `added_tokens[${i}]: id ${id} differs from the vocabulary id ${vocab.get(content)}`);
    }
    vocab.set(content, id);
    specialTokens.push(content);
  }
  return { root: r, model, vocab, specialTokens };
}
