import { koreanSentiment } from '@deepcourse/datasets';
import type { TrainBpeOptions } from '@deepcourse/nlp-tokenize-embed';

/** English sentences (written for the playground) trained on beside the Korean corpus. */
const ENGLISH_SENTENCES = [
  'How about a cup of coffee? That sounds good to me.',
  'The coffee shop on the corner opens early and closes late.',
  'A small convolutional network learns to read handwritten digits.',
  'The network is trained in the browser, on the same data every time.',
  'Grad-CAM shows which part of the image the network looked at.',
  'Occlusion hides one patch at a time and watches the score drop.',
  'Tokenizers split text into words, characters or subword pieces.',
  'Byte pair encoding merges the most frequent pair of symbols again and again.',
  'Korean syllables are built from jamo: an initial, a vowel and an optional final consonant.',
  'I would like a warm latte and a slice of cake, please.',
  'The weather is lovely today, so we are walking to the park.',
  'Learning is easier when you can see what the model sees.',
  'Training longer usually helps, but testing on new data tells the truth.',
  'Thank you for the tea; it was really good.',
];

/** The texts the page's BPE is trained on: the Korean sentiment corpus of @deepcourse/datasets and the English sentences. */
export function bpeTrainingTexts(): string[] {
  return [...koreanSentiment().map((sentence) => sentence.text), ...ENGLISH_SENTENCES];
}

/**
 * Character-level BPE (words split on whitespace, `</w>` ends a word): readable pieces for Korean and English.
 * The vocabulary is large enough for every merge of a pair seen at least twice (about 700 on this small corpus).
 */
export const BPE_OPTIONS: TrainBpeOptions = { vocabSize: 4000, minFrequency: 2, byteLevel: false };
