// pnpm bench [-- --per-class 10,100 --seeds 1,2,3 --head-epochs 15 --tune-epochs 15 --backend wasm --hidden 64 --shift 0 --out bench-results/transfer-vs-scratch.json]
// Transfer (the shipped base, pretrained on digits 0-4) vs the same architecture from scratch, on digits 5-9
// with few labelled examples per class; accuracy on all test digits 5-9 of mnistSample, mean of the seeds.
import { mkdir, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { initBackend, seedStream, tf } from '@deepcourse/backend';
import { evaluateClassifier, trainClassifier } from '@deepcourse/cnn-models';
import { digitBaseCnn, fineTune, replaceHead } from '../src/index.js';
import { loadDigitBase } from '../src/node/index.js';
import { digitGroup } from '../scripts/digit-split.js';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    'per-class': { type: 'string', default: '10,100' },
    seeds: { type: 'string', default: '1,2,3' },
    'head-epochs': { type: 'string', default: '15' },
    'tune-epochs': { type: 'string', default: '15' },
    backend: { type: 'string', default: 'wasm' },
    hidden: { type: 'string', default: '64' },
    shift: { type: 'string', default: '0' },
    out: { type: 'string', default: 'bench-results/transfer-vs-scratch.json' },
  },
});
const perClassList = values['per-class']!.split(',').map(Number);
const seeds = values.seeds!.split(',').map(Number);
const headEpochs = Number(values['head-epochs']);
const tuneEpochs = Number(values['tune-epochs']);
const selection = await initBackend({ backend: values.backend as 'wasm' | 'cpu' });
const hidden = Number(values.hidden);
const head = { numClasses: 5, hidden: hidden > 0 ? [hidden] : [], dropout: 0.3 };
const batchSize = 16;
const shift = Number(values.shift);
/** Seeded random translation by up to `shift` pixels each way (zero padding), the same for both models. */
const augment =
  shift > 0
    ? (images: tf.Tensor, seed: number): tf.Tensor =>
        tf.tidy(() => {
          const stream = seedStream(seed);
          const [n, h, w] = images.shape as [number, number, number, number];
          const padded = tf.pad(images as tf.Tensor4D, [[0, 0], [shift, shift], [shift, shift], [0, 0]]);
          const parts = Array.from({ length: n }, (_, i) =>
            tf.slice(padded, [i, stream.uniformInt(0, 2 * shift + 1), stream.uniformInt(0, 2 * shift + 1), 0], [1, h, w, -1]),
          );
          return tf.concat(parts, 0);
        })
    : undefined;
console.log(`backend ${selection.backend}; head ${JSON.stringify(head)}; transfer: ${headEpochs} epochs head only at 1e-3, then ${tuneEpochs} with conv3 unfrozen at 1e-4; scratch: ${headEpochs + tuneEpochs} epochs at 1e-3; random shift ${shift} px`);

const test = await digitGroup('test', 5);
interface Run { perClass: number; seed: number; transfer: number; scratch: number; transferSeconds: number; scratchSeconds: number }
const runs: Run[] = [];
for (const perClass of perClassList) {
  for (const seed of seeds) {
    const train = await digitGroup('train', 5, { perClass, seed });

    let started = Date.now();
    const base = await loadDigitBase();
    const transferModel = replaceHead(base, { ...head, seed });
    await fineTune(transferModel, train, {
      phases: [{ epochs: headEpochs, learningRate: 1e-3 }, { epochs: tuneEpochs, unfreezeTop: 1, learningRate: 1e-4 }],
      batchSize,
      seed,
      progress: false,
      ...(augment ? { augment } : {}),
    });
    const transfer = (await evaluateClassifier(transferModel, test)).accuracy;
    const transferSeconds = (Date.now() - started) / 1000;
    transferModel.dispose();

    started = Date.now();
    const scratchModel = replaceHead(digitBaseCnn({ seed }), { ...head, seed, freezeBase: false });
    await trainClassifier(scratchModel, train, { epochs: headEpochs + tuneEpochs, learningRate: 1e-3, batchSize, seed, progress: false, ...(augment ? { augment } : {}) });
    const scratch = (await evaluateClassifier(scratchModel, test)).accuracy;
    const scratchSeconds = (Date.now() - started) / 1000;
    scratchModel.dispose();

    tf.dispose([train.images, train.labels]);
    runs.push({ perClass, seed, transfer, scratch, transferSeconds, scratchSeconds });
    console.log(`${perClass}/class seed ${seed}: transfer ${transfer.toFixed(4)} (${transferSeconds.toFixed(0)} s), scratch ${scratch.toFixed(4)} (${scratchSeconds.toFixed(0)} s)`);
  }
}
tf.dispose([test.images, test.labels]);

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const summary = perClassList.map((perClass) => {
  const rows = runs.filter((r) => r.perClass === perClass);
  const transfer = mean(rows.map((r) => r.transfer));
  const scratch = mean(rows.map((r) => r.scratch));
  return { perClass, transfer, scratch, gainPoints: 100 * (transfer - scratch), seeds: rows.length };
});
console.log(`\nDigits 5-9 (${test.count} test images), mean accuracy of ${seeds.length} seeds`);
console.log('| labelled / class | transfer | from scratch | gain (points) |');
console.log('| ---: | ---: | ---: | ---: |');
for (const s of summary) console.log(`| ${s.perClass} | ${s.transfer.toFixed(4)} | ${s.scratch.toFixed(4)} | ${s.gainPoints >= 0 ? '+' : ''}${s.gainPoints.toFixed(1)} |`);
await mkdir('bench-results', { recursive: true });
await writeFile(
  values.out!,
  JSON.stringify({ date: new Date().toISOString(), backend: selection.backend, head, shift, batchSize, headEpochs, tuneEpochs, testCount: test.count, summary, runs }, null, 2),
);
console.log(`written ${values.out}`);
