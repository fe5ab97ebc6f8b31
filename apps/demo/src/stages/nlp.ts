import { koreanSentiment } from '@deepcourse/datasets';
import { stateOfTheUnion } from '@deepcourse/datasets/node';
import {
  jamoTokenize,
  pca2d,
  splitSentences,
  syllableTokenize,
  textToWordSequence,
  trainBpe,
  trainWord2Vec,
  WordTokenizer,
  wordTokenize,
} from '@deepcourse/nlp-tokenize-embed';
import type { TopLevelSpec } from 'vega-lite';
import type { Stage } from '../stage.js';

const STOP = new Set(
  'the of and to in a that be for is it this our we by which have as with has not their been will are on its or they all i from an at would should was so but these there may any them more than such those can other its upon no his if were made who must same one also into every now under been what'.split(' '),
);

/** Tokenisation of Korean and English text, subwords, and word2vec embeddings. */
export const nlpStage: Stage = {
  id: 'nlp',
  title: 'Text: Korean and English tokens, BPE subwords and word2vec',
  summary: 'Korean text is cut into words, syllables and jamo, English into Keras-style words and byte-level BPE pieces, and word2vec learns vectors from State of the Union speeches.',
  async run({ options, seeds, chart, log }) {
    const notes: string[] = [];
    const metrics: Record<string, number | string> = {};

    // Korean: word, syllable and jamo tokens.
    const example = '커피 한잔 어때';
    const words = wordTokenize(example);
    const syllables = syllableTokenize(example);
    const jamo = jamoTokenize(example);
    notes.push(`“${example}” → words [${words.join(', ')}] (${words.length}), syllables [${syllables.join(' ')}] (${syllables.length}), ${jamo.length} jamo (NFD conjoining jamo, spaces kept).`);
    metrics['korean example words'] = words.length;
    metrics['korean example syllables'] = syllables.length;
    metrics['korean example jamo'] = jamo.length;
    const korean = koreanSentiment();
    const picks = Array.from({ length: 3 }, () => korean[Math.floor(seeds.uniform() * korean.length)]!.text);
    let kw = 0, ks = 0, kj = 0;
    for (const sentence of picks) {
      const w = wordTokenize(sentence).length, s = syllableTokenize(sentence).length, j = jamoTokenize(sentence).length;
      kw += w; ks += s; kj += j;
      notes.push(`Korean corpus: “${sentence}” → ${w} words, ${s} syllables, ${j} jamo.`);
    }
    const allKorean = korean.map((k) => k.text);
    metrics['korean corpus sentences'] = allKorean.length;
    metrics['korean corpus word tokens'] = allKorean.reduce((sum, t) => sum + wordTokenize(t).length, 0);
    metrics['korean corpus syllable tokens'] = allKorean.reduce((sum, t) => sum + syllableTokenize(t).length, 0);
    metrics['korean corpus jamo tokens'] = allKorean.reduce((sum, t) => sum + jamoTokenize(t).length, 0);

    // English: Keras word tokenizer and a small byte-level BPE on SOTU speeches.
    const speeches = stateOfTheUnion();
    const subset = options.quick ? speeches.filter((_, i) => i % 12 === 0) : speeches.filter((_, i) => i % 3 === 0);
    const texts = subset.map((s) => s.text);
    const english = 'The state of the Union is strong, and our economy keeps growing.';
    const keras = new WordTokenizer({ oovToken: '<OOV>' }).fitOnTexts(texts);
    const sequence = keras.textsToSequences([english])[0] ?? [];
    notes.push(`WordTokenizer (fitted on ${subset.length} speeches): “${english}” → [${sequence.join(', ')}] (${sequence.length} tokens).`);
    metrics['word tokenizer vocabulary'] = keras.wordIndex.size;
    metrics['english sentence word tokens'] = sequence.length;
    const bpeVocab = options.quick ? 2000 : 4000;
    const bpeTexts = texts;
    let t0 = performance.now();
    const bpe = trainBpe(bpeTexts, { vocabSize: bpeVocab, minFrequency: 2 });
    const bpeSeconds = (performance.now() - t0) / 1000;
    const encoded = bpe.encode(english);
    notes.push(`Byte-level BPE (${bpe.vocabSize} tokens, trained on ${bpeTexts.length} speeches in ${bpeSeconds.toFixed(1)} s): ${encoded.tokens.length} pieces [${encoded.tokens.map((t) => t.replace(/Ġ/g, '▁')).join(' ')}]; decode round-trips: ${bpe.decode(encoded.ids) === english}.`);
    metrics['bpe vocabulary'] = bpe.vocabSize;
    metrics['english sentence bpe tokens'] = encoded.tokens.length;

    // word2vec on SOTU sentences.
    const w2vSpeeches = options.quick ? speeches.filter((_, i) => i % 8 === 0) : speeches.filter((_, i) => i % 2 === 0);
    const sentences = w2vSpeeches.flatMap((s) => splitSentences(s.text)).map((s) => textToWordSequence(s)).filter((s) => s.length > 1);
    const corpusTokens = sentences.reduce((sum, s) => sum + s.length, 0);
    log(`word2vec on ${w2vSpeeches.length} speeches, ${corpusTokens} tokens`);
    t0 = performance.now();
    const { vectors, wordsPerSecond } = await trainWord2Vec(sentences, {
      vectorSize: options.quick ? 50 : 100,
      window: 5,
      minCount: 5,
      epochs: options.quick ? 3 : 5,
      seed: seeds.next(),
    });
    const w2vSeconds = (performance.now() - t0) / 1000;
    metrics['word2vec speeches'] = w2vSpeeches.length;
    metrics['word2vec corpus tokens'] = corpusTokens;
    metrics['word2vec vocabulary'] = vectors.size;
    metrics['word2vec words/s'] = Math.round(wordsPerSecond);
    metrics['word2vec seconds'] = Number(w2vSeconds.toFixed(1));
    for (const word of ['war', 'peace', 'tax', 'congress', 'freedom']) {
      if (!vectors.has(word)) continue;
      const near = vectors.mostSimilar(word, { topN: 5 });
      notes.push(`Nearest to “${word}”: ${near.map((n) => `${n.word} (${n.similarity.toFixed(2)})`).join(', ')}.`);
    }
    notes.push(`word2vec ran ${options.quick ? 3 : 5} epochs on ${corpusTokens.toLocaleString('en')} tokens: a small corpus, so cosine similarities crowd near 1 and neighbours mix topic with era (the quick run especially); the full run is better but far from a large corpus's vectors.`);
    const analogy = ['war', 'peace', 'army'];
    if (analogy.every((w) => vectors.has(w))) {
      const answer = vectors.analogy(analogy[0]!, analogy[1]!, analogy[2]!, { topN: 3 });
      notes.push(`Analogy war : peace = army : ? → ${answer.map((n) => `${n.word} (${n.similarity.toFixed(2)})`).join(', ')} (a small corpus: treat analogies as a curiosity).`);
    }

    const frequent = vectors.words.filter((w) => !STOP.has(w) && w.length > 2).slice(0, 40);
    const projection = pca2d(vectors, frequent, { seed: seeds.next() });
    const values = projection.words.map((word, i) => ({ word, x: projection.points[i]![0], y: projection.points[i]![1] }));
    const spec: TopLevelSpec = {
      width: 520,
      height: 400,
      data: { values },
      encoding: {
        x: { field: 'x', type: 'quantitative', title: `PC1 (${(projection.explainedVarianceRatio[0] * 100).toFixed(1)}%)` },
        y: { field: 'y', type: 'quantitative', title: `PC2 (${(projection.explainedVarianceRatio[1] * 100).toFixed(1)}%)` },
      },
      layer: [{ mark: { type: 'point', filled: true, size: 30 } }, { mark: { type: 'text', align: 'left', dx: 5, fontSize: 10 }, encoding: { text: { field: 'word', type: 'nominal' } } }],
    };
    await chart('word2vec-pca', spec, 'word2vec: 40 frequent words projected by PCA', `the ${frequent.length} most frequent words (very common function words left out), first two principal components of the ${vectors.dimension}-d vectors`);
    return { metrics, figures: [], notes };
  },
};
