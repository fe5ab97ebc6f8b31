import { tf, imageGrid } from '@deepcourse/backend';
import { evaluateClassifier, trainClassifier } from '@deepcourse/cnn-models';
import { mnistSample } from '@deepcourse/datasets/node';
import { digitBaseCnn, disposeWithBase, fineTune, replaceHead } from '@deepcourse/transfer';
import { loadDigitBase } from '@deepcourse/transfer/node';
import type { TopLevelSpec } from 'vega-lite';
import { lineChart } from '../charts.js';
import type { Stage } from '../stage.js';

/** The digits 5-9 of one part (relabelled 0-4), optionally a seeded choice of `perClass` of each. */
function digits5to9(images: tf.Tensor4D, labels: tf.Tensor1D, pick?: { perClass: number; shuffle: (xs: number[]) => number[] }): { images: tf.Tensor4D; labels: tf.Tensor1D; count: number } {
  const ids = labels.dataSync();
  const byClass: number[][] = [[], [], [], [], []];
  ids.forEach((label, i) => {
    if (label >= 5) byClass[label - 5]!.push(i);
  });
  const chosen = pick ? pick.shuffle(byClass.flatMap((indices) => pick.shuffle(indices).slice(0, pick.perClass))) : byClass.flat().sort((a, b) => a - b);
  return tf.tidy(() => ({
    images: tf.gather(images, tf.tensor1d(chosen, 'int32')) as tf.Tensor4D,
    labels: tf.tensor1d(chosen.map((i) => (ids[i] as number) - 5), 'int32'),
    count: chosen.length,
  }));
}

/** Transfer learning: a base pretrained on digits 0-4 learns digits 5-9 from a handful of examples. */
export const transferStage: Stage = {
  id: 'transfer',
  title: 'Transfer learning: digits 5-9 from 10 examples each',
  summary:
    'The CNN base shipped with @deepcourse/transfer (trained only on digits 0-4) gets a new head and is fine-tuned on a few examples of digits 5-9; the same architecture trained from scratch on the same examples is the baseline.',
  async run({ options, seeds, image, chart, log }) {
    const perClass = 10;
    const headEpochs = options.quick ? 10 : 15;
    const tuneEpochs = options.quick ? 8 : 15;
    const batchSize = 16;
    const head = { numClasses: 5, hidden: [64], dropout: 0.3 };

    const sample = await mnistSample({ seed: seeds.next() });
    const train = digits5to9(sample.train.images as tf.Tensor4D, sample.train.labels as tf.Tensor1D, { perClass, shuffle: (xs) => seeds.shuffle(xs) });
    const test = digits5to9(sample.test.images as tf.Tensor4D, sample.test.labels as tf.Tensor1D);
    tf.dispose([sample.train, sample.test] as unknown as tf.Tensor[]);

    const shown = tf.tidy(() => imageGrid(train.images, { columns: 10, padValue: 1 }));
    await image('few-shots', shown, `The ${train.count} labelled training digits`, `${perClass} examples of each digit 5-9: all the transfer task gets (the base never saw these digits)`);
    shown.dispose();

    const seed = seeds.next();
    log(`transfer: ${headEpochs} epochs head only, then ${tuneEpochs} with conv3 unfrozen`);
    const base = await loadDigitBase({ inputShape: [28, 28, 1] });
    const transferModel = replaceHead(base, { ...head, seed });
    const tuned = await fineTune(transferModel, train, {
      phases: [{ epochs: headEpochs, learningRate: 1e-3 }, { epochs: tuneEpochs, unfreezeTop: 1, learningRate: 1e-4 }],
      batchSize,
      seed,
      progress: false,
    });
    const transferAccuracy = (await evaluateClassifier(transferModel, test)).accuracy;
    disposeWithBase(transferModel, base);

    log(`from scratch: ${headEpochs + tuneEpochs} epochs`);
    const scratchBase = digitBaseCnn({ seed });
    const scratchModel = replaceHead(scratchBase, { ...head, seed, freezeBase: false });
    const scratch = await trainClassifier(scratchModel, train, { epochs: headEpochs + tuneEpochs, learningRate: 1e-3, batchSize, seed, progress: false });
    const scratchAccuracy = (await evaluateClassifier(scratchModel, test)).accuracy;
    disposeWithBase(scratchModel, scratchBase);

    const testCount = test.count;
    tf.dispose([train.images, train.labels, test.images, test.labels]);

    const bars: TopLevelSpec = {
      width: 260,
      height: 220,
      data: {
        values: [
          { model: 'transfer', accuracy: transferAccuracy },
          { model: 'from scratch', accuracy: scratchAccuracy },
        ],
      },
      encoding: {
        x: { field: 'model', type: 'nominal', title: null, sort: null, axis: { labelAngle: 0 } },
        y: { field: 'accuracy', type: 'quantitative', title: `test accuracy, digits 5-9 (${testCount})`, scale: { domain: [0, 1] } },
      },
      layer: [
        { mark: 'bar', encoding: { color: { field: 'model', type: 'nominal', legend: null } } },
        { mark: { type: 'text', dy: -8 }, encoding: { text: { field: 'accuracy', type: 'quantitative', format: '.3f' } } },
      ],
    } as TopLevelSpec;
    await chart('accuracy', bars, 'Transfer vs from scratch', `the same CNN, ${perClass} labelled digits per class; accuracy on all ${testCount} test digits 5-9`);

    const transferLoss = tuned.phases.flatMap((p) => p.history.metrics.loss ?? []);
    const scratchLoss = scratch.history.metrics.loss ?? [];
    await chart('loss', lineChart({ transfer: transferLoss, 'from scratch': scratchLoss }, { x: 'epoch', y: 'training loss' }), 'Training loss', `transfer: epochs 1-${headEpochs} train the head only, then conv3 is unfrozen at a 10x lower learning rate`);

    const gain = transferAccuracy - scratchAccuracy;
    return {
      metrics: {
        'labelled examples per class': perClass,
        'transfer test accuracy': transferAccuracy,
        'from-scratch test accuracy': scratchAccuracy,
        'gain (points)': 100 * gain,
        'test digits 5-9': testCount,
      },
      figures: [],
      notes: [
        `With ${perClass} examples per class the pretrained base ${gain >= 0 ? 'gains' : 'loses'} ${Math.abs(100 * gain).toFixed(1)} points over the same network trained from scratch (one seed; the package's benchmark averages 3 seeds: +5.3 points at 10 per class, +0.2 at 100).`,
        ...(options.quick ? [`Quick mode: ${headEpochs} + ${tuneEpochs} transfer epochs and ${headEpochs + tuneEpochs} from scratch (the benchmark uses 15 + 15 and 30), so the baseline is less converged and the gain larger.`] : []),
      ],
    };
  },
};
