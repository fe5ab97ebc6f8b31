import { tf, imageGrid } from '@deepcourse/backend';
import { koreanSentiment } from '@deepcourse/datasets';
import { mnistSample, spamAssassin, usBirths } from '@deepcourse/datasets/node';
import type { TopLevelSpec } from 'vega-lite';
import type { Stage } from '../stage.js';

/** What the course's data looks like before any model touches it. */
export const dataStage: Stage = {
  id: 'data',
  title: 'Data: digits, e-mails, Korean sentences and daily births',
  summary: 'Every later stage starts from data that installs with the project: 10,000 real MNIST digits, the SpamAssassin corpus, a Korean sentiment corpus written by this team, and US daily births 1994-2003.',
  async run({ seeds, image, chart }) {
    const { train, test } = await mnistSample({ seed: seeds.next() });
    const first = tf.tidy(() => imageGrid(train.images.slice([0, 0, 0, 0], [48, 28, 28, 1]) as tf.Tensor4D, { columns: 12, padValue: 1 }));
    await image('mnist', first, 'MNIST sample', 'the first 48 training digits of mnistSample(), 28×28 grayscale');
    first.dispose();
    const counts = Array.from(tf.tidy(() => tf.bincount(train.labels, tf.tensor1d([], 'float32'), 10).dataSync()));
    const trainSize = train.images.shape[0];
    const testSize = test.images.shape[0];
    tf.dispose([train, test] as unknown as tf.Tensor[]);

    const mails = spamAssassin();
    const spam = mails.filter((m) => m.label === 1).length;
    const korean = koreanSentiment();
    const births = usBirths();
    const weeks = births.births.slice(0, 7 * 8);
    const birthsChart: TopLevelSpec = {
      width: 480,
      height: 220,
      data: { values: weeks.map((b, i) => ({ date: births.dates[i], births: b })) },
      mark: { type: 'line', point: true },
      encoding: { x: { field: 'date', type: 'temporal', title: null }, y: { field: 'births', type: 'quantitative', scale: { zero: false } } },
    };
    await chart('births', birthsChart, 'US daily births, first 8 weeks of 1994', 'the weekly rhythm (fewer births at weekends) is what the forecasting stage must learn');
    const countChart: TopLevelSpec = {
      width: 320,
      height: 180,
      data: { values: counts.map((count, digit) => ({ digit: String(digit), count })) },
      mark: 'bar',
      encoding: { x: { field: 'digit', type: 'ordinal' }, y: { field: 'count', type: 'quantitative' } },
    };
    await chart('digit-counts', countChart, 'Digits per class in the training part', 'the split is stratified, so each digit keeps its share');
    return {
      metrics: {
        'mnist train images': trainSize,
        'mnist test images': testSize,
        'spamassassin messages': mails.length,
        'spam share': spam / mails.length,
        'korean sentences': korean.length,
        'birth days': births.births.length,
      },
      figures: [],
      notes: [`A Korean example: “${korean[0]?.text}” (${korean[0]?.label === 1 ? 'positive' : 'negative'}, ${korean[0]?.topic}).`],
    };
  },
};
