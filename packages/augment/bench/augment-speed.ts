// Benchmark: the course augmentation pipeline against one training step of the course CNN on the same batch.
//
//   pnpm --filter @deepcourse/augment bench            (cpu and wasm)
//   pnpm --filter @deepcourse/augment bench -- cpu      (one backend)
//
// Prints a table and writes bench-results/augment.json. The requirement: augmenting a batch costs less
// than a fifth of one training step (Keras' course CNN: Conv 32 3x3 relu, Conv 64 3x3 relu, MaxPool 2,
// Dropout .25, Flatten, Dense 128 relu, Dropout .5, Dense 10 softmax, Adam).
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tf, initBackend, seedStream, type BackendName } from '@deepcourse/backend';
import { affine, compose, contrast, cutout, flip, gaussianNoise, imageDataGenerator, translate, type Augmentation } from '../src/index.js';

interface Row {
  backend: string;
  batch: string;
  pipeline: string;
  augmentMs: number;
  trainStepMs: number | null;
  ratio: number | null;
  note?: string;
  trainNote?: string;
}

const CASES = [
  { name: '256x28x28x1', shape: [256, 28, 28, 1] as [number, number, number, number], augmentRuns: 20, trainRuns: 3 },
  // One 150x150 step is tens of seconds on cpu: time a single step after the warm-up one.
  { name: '32x150x150x3', shape: [32, 150, 150, 3] as [number, number, number, number], augmentRuns: 10, trainRuns: 1 },
];

function pipelines(): Array<[string, Augmentation]> {
  return [
    ['course: flip + shifts (compose)', compose([flip({ horizontal: true }), translate({ width: 0.1, height: 0.1 })])],
    [
      'course: imageDataGenerator',
      imageDataGenerator({ rescale: 1 / 255, horizontalFlip: true, widthShiftRange: 0.1, heightShiftRange: 0.1 }),
    ],
    [
      'heavy: affine + contrast + noise + cutout',
      compose([
        affine({ degrees: 20, width: 0.1, height: 0.1, scale: [0.9, 1.1], shearDegrees: 10, horizontalFlip: true, fillMode: 'reflect' }),
        contrast({ factor: 0.2 }),
        gaussianNoise({ std: 0.02 }),
        cutout({ size: 0.25 }),
      ]),
    ],
  ];
}

function courseCnn(inputShape: [number, number, number]): tf.Sequential {
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape, filters: 32, kernelSize: 3, activation: 'relu' }),
      tf.layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu' }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.dropout({ rate: 0.25 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 128, activation: 'relu' }),
      tf.layers.dropout({ rate: 0.5 }),
      tf.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(), loss: 'categoricalCrossentropy' });
  return model;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function time(runs: number, fn: () => Promise<void> | void, warmUp = true): Promise<number> {
  if (warmUp) await fn(); // kernel set-up, first-use compilation, optimizer slots
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    samples.push(performance.now() - start);
  }
  return median(samples);
}

async function trainStepMs(shape: [number, number, number, number], runs: number, warmUp: boolean): Promise<{ ms: number | null; note?: string }> {
  const model = courseCnn([shape[1], shape[2], shape[3]]);
  const x = tf.randomUniform(shape, 0, 1, 'float32', 1);
  const y = tf.tidy(() => tf.oneHot(tf.randomUniform([shape[0]], 0, 10, 'int32', 2), 10));
  try {
    const ms = await time(
      runs,
      async () => {
        await model.trainOnBatch(x, y);
      },
      warmUp,
    );
    return { ms };
  } catch (error) {
    return { ms: null, note: `training step failed: ${(error as Error).message.split('\n')[0]}` };
  } finally {
    model.dispose();
    tf.dispose([x, y]);
  }
}

async function main(): Promise<void> {
  // Arguments: backends (cpu, wasm, ...) and optionally batch names (256x28x28x1, 32x150x150x3).
  // --no-warmup: time the first training step itself (for the 150x150 cpu case, where one step takes minutes).
  const args = process.argv.slice(2).filter((a) => a !== '--' && a !== '--no-warmup');
  const noWarmUp = process.argv.includes('--no-warmup');
  const caseNames = new Set(CASES.map((c) => c.name));
  const requested = args.filter((a) => !caseNames.has(a));
  const backends = (requested.length ? requested : ['cpu', 'wasm']) as BackendName[];
  const cases = args.some((a) => caseNames.has(a)) ? CASES.filter((c) => args.includes(c.name)) : CASES;
  const rows: Row[] = [];
  for (const backend of backends) {
    const selection = await initBackend({ backend });
    for (const { name, shape, augmentRuns, trainRuns } of cases) {
      const images = tf.tidy(() => tf.randomUniform(shape, 0, 1, 'float32', 3) as tf.Tensor4D);
      const timings: Array<[string, number]> = [];
      for (const [label, pipeline] of pipelines()) {
        const random = seedStream(7);
        const ms = await time(augmentRuns, () => {
          const out = pipeline.apply(images, { seed: random });
          out.dataSync();
          out.dispose();
        });
        timings.push([label, ms]);
        console.error(`${selection.backend} ${name} ${label}: ${ms.toFixed(1)} ms`);
      }
      images.dispose();
      // The slow part last, so the augmentation figures are out even if a long step is interrupted.
      const train = await trainStepMs(shape, trainRuns, !noWarmUp);
      console.error(`${selection.backend} ${name}: course CNN train step ${train.ms?.toFixed(0) ?? 'n/a'} ms${train.note ? ` (${train.note})` : ''}`);
      for (const [label, ms] of timings) {
        rows.push({
          backend: selection.backend,
          batch: name,
          pipeline: label,
          augmentMs: ms,
          trainStepMs: train.ms,
          ratio: train.ms === null ? null : ms / train.ms,
          ...(train.note ? { note: train.note } : {}),
          ...(noWarmUp ? { trainNote: 'one step timed without a warm-up step' } : {}),
        });
      }
    }
  }
  const table = [
    '| backend | batch | pipeline | augment (ms) | CNN train step (ms) | augment / step |',
    '| --- | --- | --- | ---: | ---: | ---: |',
    ...rows.map(
      (r) =>
        `| ${r.backend} | ${r.batch} | ${r.pipeline} | ${r.augmentMs.toFixed(1)} | ${r.trainStepMs === null ? `n/a (${r.note})` : r.trainStepMs.toFixed(0)} | ${
          r.ratio === null ? 'n/a' : `${(r.ratio * 100).toFixed(1)}%${r.pipeline.startsWith('course') ? (r.ratio < 0.2 ? ' ✓' : ' ✗ (> 20%)') : ''}`
        } |`,
    ),
  ].join('\n');
  console.log(table);
  const suffix = args.length ? `-${args.join('-')}` : '';
  const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'bench-results', `augment${suffix}.json`);
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, JSON.stringify({ date: new Date().toISOString(), node: process.version, rows }, null, 2));
  console.log(`\nwrote ${out}`);
}

await main();
