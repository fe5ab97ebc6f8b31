// Recurrent training throughput: Embedding(5000, 64) → LSTM(64) or GRU(64) → Dense(1), batch 256,
// sequences of 100 tokens, Adam. Stock tfjs-layers layers against the fused ones, on wasm and cpu,
// and PyTorch (one thread) where python3-torch is installed.
//   pnpm --filter @deepcourse/backend bench:recurrent [-- --steps 5]
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { tf } from '../src/tf.js';
import { initBackend } from '../src/init-backend.js';
import { FusedGRU, FusedLSTM } from '../src/recurrent/fused-layers.js';

const { values } = parseArgs({ args: process.argv.slice(2).filter((a) => a !== '--'), options: { steps: { type: 'string', default: '5' }, 'stock-cpu': { type: 'boolean', default: false } } });
const STEPS = Number(values.steps);
const BATCH = 256;
/**
 * The cpu backend's Embedding gradient (UnsortedSegmentSum) makes one pass over the batch per vocabulary entry,
 * so a step of 256 takes minutes; its cost per sequence does not depend on the batch, so cpu rows train batches of 16.
 */
const CPU_BATCH = 16;
const LENGTH = 100;
const VOCAB = 5000;

type Row = { backend: string; layer: string; implementation: string; batch: number; sequencesPerSecond: number | null; msPerStep: number | null; cpuMsPerStep?: number; note?: string };

function model(kind: 'lstm' | 'gru', fused: boolean): tf.LayersModel {
  const args = { units: 64, kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }), recurrentInitializer: tf.initializers.orthogonal({ seed: 2 }) };
  const recurrent = fused ? (kind === 'lstm' ? new FusedLSTM(args) : new FusedGRU(args)) : kind === 'lstm' ? tf.layers.lstm(args) : tf.layers.gru(args);
  const m = tf.sequential({
    layers: [
      tf.layers.embedding({ inputDim: VOCAB, outputDim: 64, inputLength: LENGTH, embeddingsInitializer: tf.initializers.randomUniform({ minval: -0.05, maxval: 0.05, seed: 3 }) }),
      recurrent,
      tf.layers.dense({ units: 1, activation: 'sigmoid', kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }) }),
    ],
  });
  m.compile({ optimizer: tf.train.adam(1e-3), loss: 'binaryCrossentropy' });
  return m;
}

async function measure(backend: 'wasm' | 'cpu', kind: 'lstm' | 'gru', fused: boolean): Promise<Row> {
  await initBackend({ backend });
  const batch = backend === 'cpu' ? CPU_BATCH : BATCH;
  const m = model(kind, fused);
  const x = tf.randomUniform([batch, LENGTH], 0, VOCAB, 'int32', 5);
  const y = tf.randomUniform([batch, 1], 0, 1, 'float32', 6).round();
  await m.trainOnBatch(x, y); // warm-up: kernel compilation, weight init
  const cpuStart = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < STEPS; i++) await m.trainOnBatch(x, y);
  const ms = (performance.now() - t0) / STEPS;
  const cpu = process.cpuUsage(cpuStart);
  tf.dispose([x, y]);
  m.dispose();
  process.stderr.write(`  ${backend} ${kind} ${fused ? 'fused' : 'stock'}: ${ms.toFixed(0)} ms/step\n`);
  return {
    backend, layer: kind.toUpperCase(), implementation: fused ? 'fused' : 'stock', batch,
    sequencesPerSecond: (batch * 1000) / ms, msPerStep: ms, cpuMsPerStep: (cpu.user + cpu.system) / 1000 / STEPS,
  };
}

function pytorch(kind: 'lstm' | 'gru'): Row {
  const script = `
import time, torch
torch.manual_seed(0); torch.set_num_threads(1)
class M(torch.nn.Module):
    def __init__(s):
        super().__init__(); s.e = torch.nn.Embedding(${VOCAB}, 64); s.r = torch.nn.${kind.toUpperCase()}(64, 64, batch_first=True); s.d = torch.nn.Linear(64, 1)
    def forward(s, x):
        o, _ = s.r(s.e(x)); return s.d(o[:, -1])
m = M(); opt = torch.optim.Adam(m.parameters(), 1e-3); loss = torch.nn.BCEWithLogitsLoss()
x = torch.randint(0, ${VOCAB}, (${BATCH}, ${LENGTH})); y = torch.randint(0, 2, (${BATCH}, 1)).float()
def step():
    opt.zero_grad(); l = loss(m(x), y); l.backward(); opt.step()
step()
t = time.perf_counter()
for _ in range(${STEPS}): step()
print((time.perf_counter() - t) / ${STEPS} * 1000, torch.__version__)
`;
  try {
    // Debian's python3-torch lives under /usr/bin/python3, which a pyenv or venv python3 on PATH would hide.
    const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
    const [ms, version] = execFileSync(python, ['-c', script], { encoding: 'utf8' }).trim().split(' ');
    return { backend: `pytorch ${version} (1 thread)`, layer: kind.toUpperCase(), implementation: 'torch', batch: BATCH, sequencesPerSecond: (BATCH * 1000) / Number(ms), msPerStep: Number(ms) };
  } catch {
    return { backend: 'pytorch', layer: kind.toUpperCase(), implementation: 'torch', batch: BATCH, sequencesPerSecond: null, msPerStep: null, note: 'python3-torch not installed (apt-get install python3-torch)' };
  }
}

const rows: Row[] = [];
for (const kind of ['lstm', 'gru'] as const) {
  rows.push(await measure('wasm', kind, false));
  rows.push(await measure('wasm', kind, true));
  rows.push(await measure('cpu', kind, true));
  if (values['stock-cpu']) rows.push(await measure('cpu', kind, false));
  else rows.push({ backend: 'cpu', layer: kind.toUpperCase(), implementation: 'stock', batch: CPU_BATCH, sequencesPerSecond: null, msPerStep: null, note: 'skipped: minutes per step (pass --stock-cpu to run it)' });
  rows.push(pytorch(kind));
}

console.log(`\nrecurrent training: Embedding(${VOCAB}, 64) → ${'{LSTM|GRU}'}(64) → Dense(1), ${LENGTH} tokens, Adam, ${STEPS} timed steps (wall time; CPU time in the JSON)`);
const torch = (layer: string) => rows.find((r) => r.implementation === 'torch' && r.layer === layer)?.sequencesPerSecond ?? null;
console.log('backend                        layer  impl    batch    seq/s   ms/step  vs torch');
for (const r of rows) {
  const t = torch(r.layer);
  const versus = r.sequencesPerSecond !== null && t !== null && r.implementation !== 'torch' ? `${(r.sequencesPerSecond / t).toFixed(2)}x` : '-';
  console.log(
    `${r.backend.padEnd(30)} ${r.layer.padEnd(6)} ${r.implementation.padEnd(7)} ${String(r.batch).padStart(5)} ${r.sequencesPerSecond === null ? '       -' : r.sequencesPerSecond.toFixed(0).padStart(8)} ${r.msPerStep === null ? '        -' : r.msPerStep.toFixed(0).padStart(9)} ${versus.padStart(9)}${r.note ? `  ${r.note}` : ''}`,
  );
}
mkdirSync('bench-results', { recursive: true });
writeFileSync('bench-results/recurrent.json', `${JSON.stringify({ date: new Date().toISOString(), batch: BATCH, length: LENGTH, steps: STEPS, rows }, null, 2)}\n`);
console.log('wrote bench-results/recurrent.json');
