import { beforeAll, describe, expect, test } from 'vitest';
import { tf } from './tf.js';
import { ProgressBar, progressReporter, formatDuration } from './progress.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function recorder(isTTY: boolean) {
  const chunks: string[] = [];
  return { chunks, output: { isTTY, write: (text: string) => chunks.push(text) } };
}

describe('ProgressBar', () => {
  test('draws a bar with count and ETA in a terminal, and a final line', () => {
    let clock = 0;
    const { chunks, output } = recorder(true);
    const bar = new ProgressBar({ total: 4, label: 'stage', output, mode: 'bar', now: () => clock });
    clock = 1000;
    bar.update(1, 'loss 1.0000');
    expect(chunks.at(-1)).toBe('\rstage [=====>                  ] 1/4 loss 1.0000 ETA 3.0s\x1b[K');
    clock = 4000;
    bar.update(4);
    bar.finish('done');
    expect(chunks.at(-1)).toBe('\rstage 4/4 4.0s done\x1b[K\n');
  });

  test('prints only the finished line when not a terminal', () => {
    const { chunks, output } = recorder(false);
    const bar = new ProgressBar({ total: 3, output, now: () => 0 });
    expect(bar.mode).toBe('lines');
    bar.update(1);
    bar.update(3);
    bar.finish();
    expect(chunks).toEqual(['3/3 0ms\n']);
  });

  test('formatDuration', () => {
    expect(formatDuration(0.25)).toBe('250ms');
    expect(formatDuration(12.34)).toBe('12.3s');
    expect(formatDuration(245)).toBe('4m05s');
  });
});

describe('progressReporter', () => {
  test('one line per epoch with the logged metrics, as a fit callback', async () => {
    const { chunks, output } = recorder(false);
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2], kernelInitializer: 'zeros' })] });
    model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    const x = tf.tensor2d([[1, 2], [3, 4], [5, 6], [7, 8]]);
    const y = tf.tensor2d([[1], [2], [3], [4]]);
    await model.fit(x, y, { epochs: 2, batchSize: 2, verbose: 0, callbacks: [progressReporter({ output, now: () => 0 })] });
    expect(chunks).toHaveLength(2);
    expect(chunks[0]).toMatch(/^epoch 1\/2 \d+\/\d+ 0ms loss \d+\.\d{4}\n$/);
    // With zero weights the first epoch's mean loss is above 0: mean of y^2 for the first batch is 2.5.
    expect(Number(/loss (\S+)/.exec(chunks[0] as string)?.[1])).toBeGreaterThan(0);
    expect(chunks[1]).toMatch(/^epoch 2\/2 /);
    tf.dispose([x, y]); model.dispose();
  });
});
