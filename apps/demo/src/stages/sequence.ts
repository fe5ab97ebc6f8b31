import { tf, accuracy, applyColormap, progressReporter } from '@deepcourse/backend';
import { splitIndices } from '@deepcourse/datasets';
import { spamAssassin } from '@deepcourse/datasets/node';
import { WordTokenizer, padSequences } from '@deepcourse/nlp-tokenize-embed';
import { attentionWeightsModel, lstmAttentionTextClassifier, transformerClassifier } from '@deepcourse/sequence-models';
import type { Stage } from '../stage.js';

/** Spam or ham: an LSTM (with attention pooling) and a small Transformer read the same token ids. */
export const sequenceStage: Stage = {
  id: 'sequence',
  title: 'Sequences: spam filtering with an LSTM and a Transformer',
  summary: 'SpamAssassin e-mails become padded word-id sequences; an LSTM with attention pooling and a one-block Transformer encoder learn to tell spam from ham, and the attention weights show which words the LSTM looked at.',
  async run({ options, seeds, image, log }) {
    const numWords = 5000;
    const sequenceLength = options.quick ? 64 : 100;
    const all = spamAssassin();
    // A seeded subset in quick mode (the split below is stratified either way).
    const order = seeds.permutation(all.length);
    const limit = options.quick ? 1000 : 2500;
    const mails = Array.from(order.subarray(0, Math.min(limit, all.length)), (i) => all[i]!);
    const texts = mails.map((m) => `${m.subject} ${m.text}`.replace(/\s+/g, ' '));
    const labels = mails.map((m) => m.label);
    const { train, test } = splitIndices(mails.length, { testFraction: 0.2, seed: seeds.next(), stratify: labels });

    const tokenizer = new WordTokenizer({ numWords, oovToken: '<OOV>' }).fitOnTexts(Array.from(train, (i) => texts[i]!));
    const sequences = padSequences(tokenizer.textsToSequences(texts), { maxlen: sequenceLength, padding: 'post', truncating: 'post' });
    const pick = (indices: Int32Array) => ({
      x: tf.tensor2d(Array.from(indices, (i) => sequences[i]!), [indices.length, sequenceLength], 'int32'),
      y: tf.tensor2d(Array.from(indices, (i) => labels[i]!), [indices.length, 1]),
    });
    const trainSet = pick(train);
    const testSet = pick(test);
    const epochs = options.quick ? 1 : 2;

    const metrics: Record<string, number | string> = {
      'e-mails used': mails.length,
      'train / test': `${train.length} / ${test.length}`,
      'spam share': labels.reduce<number>((a, b) => a + b, 0) / labels.length,
      'sequence length': sequenceLength,
      'vocabulary (numWords)': numWords,
      epochs,
    };
    const notes: string[] = [];
    const builders = [
      ['LSTM + attention', () => lstmAttentionTextClassifier({ vocabSize: numWords, sequenceLength, embeddingDim: 32, units: 32, attentionUnits: 32, learningRate: 5e-3, seed: seeds.next() })],
      ['Transformer', () => transformerClassifier({ vocabSize: numWords, sequenceLength, embeddingDim: 32, numHeads: 2, numBlocks: 1, learningRate: 2e-3, seed: seeds.next() })],
    ] as const;
    for (const [name, build] of builders) {
      const model = build();
      log(name);
      await model.fit(trainSet.x, trainSet.y, { epochs, batchSize: 32, verbose: 0, shuffle: true, callbacks: [progressReporter({ label: name })] });
      const predictions = model.predict(testSet.x) as tf.Tensor;
      metrics[`${name} test accuracy`] = accuracy(testSet.y, predictions);
      predictions.dispose();

      if (name === 'LSTM + attention') {
        // Attention weights of the first 8 test e-mails: one row per e-mail, one column per token.
        const rows = Math.min(8, test.length);
        const probe = attentionWeightsModel(model);
        const firstRows = testSet.x.slice([0, 0], [rows, sequenceLength]);
        const weights = probe.predict(firstRows) as tf.Tensor2D;
        const values = (await weights.array()) as number[][];
        const heat = tf.tidy(() => {
          // Each row scaled by its own maximum, so short and long e-mails are both visible.
          const scaled = weights.div(weights.max(1, true).add(1e-9));
          const colored = applyColormap(scaled, 'viridis') as tf.Tensor3D;
          return tf.image.resizeNearestNeighbor(colored, [rows * 24, sequenceLength * 8]);
        });
        await image(
          'attention',
          heat,
          'LSTM attention over the tokens of 8 test e-mails',
          `one row per e-mail (first row: "${mails[test[0]!]!.subject.slice(0, 60)}", ${labels[test[0]!] ? 'spam' : 'ham'}), one column per token position; bright = the attention pooling weighted that word most (each row scaled to its maximum, padding is 0)`,
        );
        const ids = sequences[test[0]!]!;
        const words = tokenizer.sequencesToTexts(ids.map((id) => [id]));
        const top = values[0]!
          .map((w, i) => ({ w, word: words[i] ?? '', id: ids[i]! }))
          .filter((t) => t.id !== 0)
          .sort((a, b) => b.w - a.w)
          .slice(0, 6)
          .map((t) => `${t.word} (${t.w.toFixed(3)})`);
        notes.push(`Words the LSTM attended to most in the first test e-mail (${labels[test[0]!] ? 'spam' : 'ham'}): ${top.join(', ')}.`);
        tf.dispose([heat, weights, firstRows]);
        // The probe shares the classifier's layers; only its own pooling layer (the last) holds new weights.
        probe.layers.at(-1)?.dispose();
      }
      model.optimizer?.dispose();
      model.dispose();
    }
    tf.dispose([trainSet.x, trainSet.y, testSet.x, testSet.y]);
    notes.push('Both models read only the first tokens of each e-mail (subject + body); spam is rarer than ham, so accuracy should be compared with the ham share.');
    return { metrics, figures: [], notes };
  },
};
