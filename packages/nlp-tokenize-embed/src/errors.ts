import { DeepcourseError } from '@deepcourse/backend';

/** A serialised tokenizer or vectors file (Keras JSON, tokenizer.json, word2vec text, analogy questions) is malformed. */
export class TextFormatError extends DeepcourseError {
  override name = 'TextFormatError';
  constructor(
    /** The file or argument that held the bad content. */
    readonly source: string,
    /** 1-based line number, when the format is line-oriented. */
    readonly line: number | undefined,
    readonly detail: string,
  ) {
    super(`${source}${line === undefined ? '' : `:${line}`}: ${detail}`);
  }
}

/** A tokenizer or model was used before it was fitted/trained. */
export class NotFittedError extends DeepcourseError {
  override name = 'NotFittedError';
  constructor(what: string, fix: string) {
    super(`${what} has no vocabulary yet; ${fix}`);
  }
}

/** A word is not in the vocabulary of a set of word vectors. */
export class OutOfVocabularyError extends DeepcourseError {
  override name = 'OutOfVocabularyError';
  constructor(
    readonly argument: string,
    readonly word: string,
  ) {
    super(`${argument}: the word ${JSON.stringify(word)} is not in the vocabulary`);
  }
}
