// Kernel-by-kernel profile of one training step of the recurrent benchmark's classifier:
// which kernels the step calls, how often, and how long they take.
//   node --conditions=@deepcourse/source --import tsx bench/profile-step.ts [lstm|gru] [fused|stock] [wasm|cpu] [batch]
import { tf } from '../src/tf.js';
import { initBackend } from '../src/init-backend.js';
import { FusedGRU, FusedLSTM } from '../src/recurrent/fused-layers.js';

const [kind = 'lstm', impl = 'fused', backend = 'wasm', batchArg = '256'] = process.argv.slice(2);
const BATCH = Number(batchArg);
const LENGTH = 100;
const VOCAB = 5000;
await initBackend({ backend: backend as 'wasm' | 'cpu' });
const args = { units: 64, kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }), recurrentInitializer: tf.initializers.glorotUniform({ seed: 2 }) };
const fused = impl === 'fused';
const recurrent = fused ? (kind === 'lstm' ? new FusedLSTM(args) : new FusedGRU(args)) : kind === 'lstm' ? tf.layers.lstm(args) : tf.layers.gru(args);
const model = tf.sequential({
  layers: [tf.layers.embedding({ inputDim: VOCAB, outputDim: 64, inputLength: LENGTH }), recurrent, tf.layers.dense({ units: 1, activation: 'sigmoid' })],
});
model.compile({ optimizer: tf.train.adam(1e-3), loss: 'binaryCrossentropy' });
const x = tf.randomUniform([BATCH, LENGTH], 0, VOCAB, 'int32', 5);
const y = tf.randomUniform([BATCH, 1], 0, 1, 'float32', 6).round();
await model.trainOnBatch(x, y);
const t0 = performance.now();
const info = await tf.profile(async () => {
  await model.trainOnBatch(x, y);
});
const total = performance.now() - t0;
const byName = new Map<string, { calls: number; ms: number }>();
for (const k of info.kernels) {
  const entry = byName.get(k.name) ?? { calls: 0, ms: 0 };
  entry.calls += 1;
  entry.ms += typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
  byName.set(k.name, entry);
}
for (const k of info.kernels) if (process.env.SHOW && k.name === process.env.SHOW) console.log(k.name, JSON.stringify(k.inputShapes), JSON.stringify(k.outputShapes), k.kernelTimeMs);
console.log(`${kind} ${impl} on ${backend}, batch ${BATCH}: ${total.toFixed(0)} ms (profiled), ${info.kernels.length} kernel calls`);
for (const [name, e] of [...byName].sort((a, b) => b[1].ms - a[1].ms).slice(0, 15)) {
  console.log(`${name.padEnd(28)} ${String(e.calls).padStart(6)} calls ${e.ms.toFixed(0).padStart(7)} ms`);
}
