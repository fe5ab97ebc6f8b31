import { tf } from '@deepcourse/backend';
import { mnistSample } from '@deepcourse/datasets/node';
import { courseCnn, evaluateClassifier, featureMapGrid, filterGrid, trainClassifier } from '@deepcourse/cnn-models';
import { confusionChart, lineChart } from '../charts.js';
import type { Stage } from '../stage.js';

/** The course's MNIST CNN, trained, evaluated and opened up: curves, confusions, filters and feature maps. */
export const cnnStage: Stage = {
  id: 'cnn',
  title: 'A convolutional network on MNIST digits',
  summary: "The course's CNN (two 3x3 convolutions, max pooling, dropout, a dense head) is trained on real MNIST digits and evaluated on held-out ones; its first-layer filters and feature maps show what a convolution looks for.",
  async run({ options, seeds, image, chart, log }) {
    const quick = options.quick;
    // Default: the full course CNN (1.2 M parameters) on half the training digits (about 20 s per epoch on
    // 2 wasm cores). Quick: the same layers narrowed (fewer filters and dense units) on 2,000 digits.
    const config = quick
      ? { trainSize: 2000, epochs: 3, filters: [8, 16] as [number, number], denseUnits: 64 }
      : { trainSize: 4000, epochs: 3, filters: [32, 64] as [number, number], denseUnits: 128 };
    const { train, test } = await mnistSample({ seed: seeds.next() });
    const subset = tf.tidy(() => ({
      images: train.images.slice(0, config.trainSize),
      labels: train.labels.slice(0, config.trainSize),
    }));
    const classNames = train.classNames;
    tf.dispose([train.images, train.labels]);

    const model = courseCnn({ seed: seeds.next(), filters: config.filters, denseUnits: config.denseUnits });
    const parameters = model.countParams();
    log(`course CNN, filters ${config.filters.join('/')}, dense ${config.denseUnits}: ${parameters} parameters, ${config.trainSize} digits, ${config.epochs} epochs`);
    try {
      const { history, secondsPerEpoch } = await trainClassifier(model, subset, {
        epochs: config.epochs,
        batchSize: 64,
        validationSplit: 0.1,
        learningRate: 0.002,
        seed: seeds.next(),
      });
      const evaluation = await evaluateClassifier(model, test, { classNames });

      const m = history.metrics;
      await chart('loss', lineChart({ training: m.loss ?? [], validation: m.val_loss ?? [] }, { x: 'epoch', y: 'cross-entropy loss' }), 'Loss per epoch',
        'training loss is averaged over the epoch with dropout on; validation loss is measured after it, on the last 10% of the training subset');
      await chart('accuracy', lineChart({ training: m.acc ?? [], validation: m.val_acc ?? [] }, { x: 'epoch', y: 'accuracy' }), 'Accuracy per epoch');
      await chart('confusion', confusionChart(evaluation.confusion, classNames), 'Confusion matrix on the test digits',
        `rows: the true digit, columns: the prediction; ${evaluation.count} test digits`);

      const filters = filterGrid(model, { scale: 16, padValue: 1 });
      await image('filters', filters, 'First-layer filters', `the ${config.filters[0]} learned 3x3 kernels of the first convolution, each scaled to its own range (bright = positive weight)`);
      filters.dispose();
      const digit = tf.tidy(() => test.images.slice([0, 0, 0, 0], [1, 28, 28, 1]));
      const maps = featureMapGrid(model, 0, digit, { scale: 3, padValue: 1 });
      const input = tf.tidy(() => tf.image.resizeNearestNeighbor(digit, [84, 84]).reshape([84, 84, 1]));
      await image('input', input, 'The test digit fed to the network');
      await image('feature-maps', maps, 'First-layer feature maps', `the ${config.filters[0]} channels of the first convolution (after ReLU) for the digit above: each filter lights up a different stroke direction or edge`);
      tf.dispose([digit, maps, input]);

      const worst = evaluation.mostConfused[0];
      const meanSeconds = secondsPerEpoch.reduce((a, b) => a + b, 0) / secondsPerEpoch.length;
      return {
        metrics: {
          'test accuracy': evaluation.accuracy,
          'macro F1': evaluation.macroAverage.f1,
          'seconds per epoch': meanSeconds,
          'training digits': config.trainSize,
          epochs: config.epochs,
          parameters,
        },
        figures: [],
        notes: [
          quick
            ? `Quick run: the course CNN narrowed to filters ${config.filters.join(' and ')} and dense ${config.denseUnits} (${parameters} parameters instead of 1,199,882), trained on ${config.trainSize} digits for ${config.epochs} epochs.`
            : `The course CNN at full size (${parameters} parameters) trained on ${config.trainSize} of the 8,000 training digits for ${config.epochs} epochs; with all 8,000 digits, augmentation and 8 epochs the package's benchmark reaches about 98%.`,
          ...(worst ? [`Most confused: true ${worst.trueClass} predicted as ${worst.predictedClass} (${worst.count} times).`] : []),
        ],
      };
    } finally {
      model.optimizer?.dispose();
      model.dispose();
      tf.dispose([subset.images, subset.labels, test.images, test.labels]);
    }
  },
};
