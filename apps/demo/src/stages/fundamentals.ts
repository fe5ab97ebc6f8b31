import { tf, accuracy, historyToJSON, progressReporter, imageGrid } from '@deepcourse/backend';
import { lineChart } from '../charts.js';
import type { Stage } from '../stage.js';

/** The course's first lesson: a multi-layer perceptron separates what a line cannot (points inside a circle). */
export const fundamentalsStage: Stage = {
  id: 'basics',
  title: 'Perceptron to MLP: a decision boundary a line cannot draw',
  summary: 'A logistic regression and a small ReLU MLP are trained on points inside and outside a circle; only the MLP separates them.',
  async run({ options, seeds, image, chart, log }) {
    const n = options.quick ? 400 : 1000;
    const points = Array.from({ length: n }, () => [seeds.uniform() * 4 - 2, seeds.uniform() * 4 - 2] as [number, number]);
    const x = tf.tensor2d(points);
    const y = tf.tensor2d(points.map(([a, b]) => [a * a + b * b < 1.5 ? 1 : 0]), [n, 1]);
    const build = (hidden: number) =>
      tf.sequential({
        layers: [
          ...(hidden ? [tf.layers.dense({ units: hidden, activation: 'relu', inputShape: [2], kernelInitializer: tf.initializers.heNormal({ seed: seeds.next() }) })] : []),
          tf.layers.dense({ units: 1, activation: 'sigmoid', ...(hidden ? {} : { inputShape: [2] }), kernelInitializer: tf.initializers.glorotUniform({ seed: seeds.next() }) }),
        ],
      });
    const metrics: Record<string, number> = {};
    const curves: Record<string, number[]> = {};
    const surfaces: tf.Tensor[] = [];
    for (const [name, hidden] of [['logistic regression', 0], ['MLP 16 relu', 16]] as const) {
      const model = build(hidden);
      const optimizer = tf.train.adam(0.05);
      model.compile({ optimizer, loss: 'binaryCrossentropy', metrics: ['accuracy'] });
      log(name);
      const history = await model.fit(x, y, { epochs: options.quick ? 20 : 40, batchSize: 64, verbose: 0, shuffle: true, callbacks: [progressReporter({ label: name })] });
      curves[name] = historyToJSON(history).metrics.loss ?? [];
      const predictions = model.predict(x) as tf.Tensor;
      metrics[`${name} accuracy`] = accuracy(y, predictions);
      predictions.dispose();
      surfaces.push(
        tf.tidy(() => {
          const axis = tf.linspace(-2, 2, 64);
          const grid = tf.stack([tf.tile(axis, [64]), tf.reshape(tf.tile(axis.reshape([64, 1]), [1, 64]), [-1])], 1);
          return (model.predict(grid) as tf.Tensor).reshape([64, 64, 1]);
        }),
      );
      model.dispose();
      optimizer.dispose();
    }
    const both = tf.stack(surfaces) as tf.Tensor4D;
    const grid = imageGrid(both, { columns: 2 });
    await image('surfaces', grid, 'Decision surfaces', 'left: logistic regression (a straight boundary), right: MLP (a closed curve). Brighter = "inside".');
    await chart('loss', lineChart(curves, { x: 'epoch', y: 'training loss' }), 'Training loss');
    tf.dispose([x, y, both, grid, ...surfaces]);
    return { metrics, figures: [] };
  },
};
