import {
  jamoTokenize,
  syllableTokenize,
  toCompatibilityJamo,
  trainBpe,
  wordTokenize,
  type BpeTokenizer,
} from '@deepcourse/nlp-tokenize-embed';
import { BPE_OPTIONS, bpeTrainingTexts } from './tokenizer-corpus.js';

export const TOKEN_KINDS = ['word', 'syllable', 'jamo', 'bpe'] as const;
export type TokenKind = (typeof TOKEN_KINDS)[number];

/** Trains the page's BPE on the bundled texts (the same call a Node program makes gives the same merges). */
export function trainPlaygroundBpe(): BpeTokenizer {
  return trainBpe(bpeTrainingTexts(), BPE_OPTIONS);
}

/** The four tokenizations of `text`. */
export function tokenize(text: string, bpe: BpeTokenizer): Record<TokenKind, string[]> {
  return {
    word: wordTokenize(text),
    syllable: syllableTokenize(text),
    jamo: jamoTokenize(text),
    bpe: bpe.encode(text).tokens,
  };
}

/** How a token is shown: whitespace as ␣, jamo in compatibility form. */
function displayToken(kind: TokenKind, token: string): string {
  if (/^\s+$/u.test(token)) return '␣'.repeat(token.length);
  return kind === 'jamo' ? toCompatibilityJamo(token) : token;
}

/**
 * Fills each `ol[data-kind]` inside `container` with one `li` per token; the exact token is in `data-token`
 * (jamo are shown in their compatibility form, ㅋ rather than the conjoining ᄏ, which fonts draw poorly alone).
 */
export function renderTokens(container: HTMLElement, tokens: Record<TokenKind, string[]>): void {
  for (const kind of TOKEN_KINDS) {
    const list = container.querySelector<HTMLOListElement>(`ol[data-kind="${kind}"]`);
    if (list === null) throw new Error(`no ol[data-kind="${kind}"] in the tokenizer box`);
    list.replaceChildren(
      ...tokens[kind].map((token) => {
        const item = document.createElement('li');
        item.dataset.token = token;
        item.textContent = displayToken(kind, token);
        return item;
      }),
    );
    const count = container.querySelector(`[data-count="${kind}"]`);
    if (count !== null) count.textContent = String(tokens[kind].length);
  }
}
