// pnpm --filter @deepcourse/nlp-tokenize-embed example
import { initBackend } from '@deepcourse/backend';
import {
  jamoDetokenize,
  jamoTokenize,
  padSequences,
  splitSentences,
  syllableTokenize,
  textToWordSequence,
  trainBpe,
  trainWord2Vec,
  WordTokenizer,
  wordTokenize,
} from '@deepcourse/nlp-tokenize-embed';

await initBackend({ backend: 'cpu' });

// Korean: words, syllables, jamo (exact round trip), sentences.
console.log(wordTokenize('커피 한잔 어때')); // ['커피', '한잔', '어때']
console.log(syllableTokenize('커피 한잔')); // ['커', '피', '한', '잔']
const jamo = jamoTokenize('커피 한잔');
console.log(jamo.length, jamoDetokenize(jamo)); // 11 '커피 한잔'
console.log(splitSentences('오늘 날씨 좋네요. 커피 한잔 어때?')); // ['오늘 날씨 좋네요.', '커피 한잔 어때?']

// Keras-compatible word index and padding.
const tokenizer = new WordTokenizer({ oovToken: '<OOV>' }).fitOnTexts(['I love my dog', 'I love my cat']);
const sequences = tokenizer.textsToSequences(['I love my fish', 'my dog']);
console.log(sequences, padSequences(sequences, { maxlen: 4 })); // [[2,3,4,1],[4,5]] [[2,3,4,1],[0,0,4,5]]

// Byte-level BPE: lossless for any text, saved as a Hugging Face tokenizer.json.
const bpe = trainBpe(['low lower lowest', 'new newer newest', '커피 한잔 어때 ☕'], { vocabSize: 300, minFrequency: 1 });
const { ids, tokens } = bpe.encode('lowest 커피☕');
console.log(tokens.length, bpe.decode(ids)); // … 'lowest 커피☕'

// word2vec on a toy corpus.
const corpus = Array.from({ length: 400 }, (_, i) =>
  textToWordSequence(i % 2 ? 'the king wears the royal crown' : 'the queen wears the royal crown'),
);
const { vectors } = await trainWord2Vec(corpus, { vectorSize: 16, window: 2, minCount: 1, epochs: 5, seed: 1 });
console.log(vectors.mostSimilar('king', { topN: 3 }));
