// Load time and peak memory of the IDX loader on the full Fashion-MNIST (and of mnistSample).
// Each measurement runs in a fresh child process, so its peak RSS (getrusage maxrss) belongs to that load only.
// Usage: pnpm bench   (writes bench-results/fashion-mnist.json)
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const FASHION_DIR = process.env.FASHION_MNIST_DIR ?? '/usr/share/datasets/fashion-mnist';
const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);

type CaseName = 'fashion-train' | 'fashion-both' | 'mnist-sample';

interface ChildResult {
  readonly ms: number;
  readonly cpuMs: number;
  readonly warmMs: number;
  readonly warmCpuMs: number;
  readonly baselineRssMB: number;
  readonly peakRssMB: number;
  readonly tensorMB: number;
  readonly images: number;
}

async function child(name: CaseName): Promise<void> {
  const { tf } = await import('@deepcourse/backend');
  const { fashionMnist, mnistSample } = await import('@deepcourse/datasets/node');
  await tf.setBackend('cpu');
  tf.tidy(() => tf.zeros([1]).add(1)); // warm the backend
  const baselineRssMB = process.memoryUsage().rss / 2 ** 20;
  const load = async (): Promise<{ ms: number; cpuMs: number; images: number; dispose: () => void }> => {
    const start = performance.now();
    const cpuStart = process.cpuUsage();
    const cpuMs = (): number => {
      const used = process.cpuUsage(cpuStart);
      return (used.user + used.system) / 1000;
    };
    if (name === 'fashion-train') {
      const train = await fashionMnist(FASHION_DIR, 'train');
      return { ms: performance.now() - start, cpuMs: cpuMs(), images: train.images.shape[0], dispose: () => tf.dispose(train) };
    }
    const both = name === 'fashion-both' ? await fashionMnist(FASHION_DIR) : await mnistSample({ seed: 1 });
    return { ms: performance.now() - start, cpuMs: cpuMs(), images: both.train.images.shape[0] + both.test.images.shape[0], dispose: () => tf.dispose(both) };
  };
  const first = await load();
  // Peak RSS of the first (cold) load only, before anything else runs in this process.
  const peakRssMB = process.resourceUsage().maxRSS / 1024;
  const tensorMB = tf.memory().numBytes / 2 ** 20;
  first.dispose();
  const second = await load(); // warm: code already compiled, files in the page cache
  second.dispose();
  const result: ChildResult = { ms: first.ms, cpuMs: first.cpuMs, warmMs: second.ms, warmCpuMs: second.cpuMs, baselineRssMB, peakRssMB, tensorMB, images: first.images };
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
}

function runChild(name: CaseName): ChildResult {
  const out = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--child', name], { encoding: 'utf8', maxBuffer: 1 << 24 });
  const line = out.stdout.split('\n').find((l) => l.startsWith('RESULT '));
  if (out.status !== 0 || line === undefined) throw new Error(`bench child ${name} failed (${out.status}):\n${out.stderr}`);
  return JSON.parse(line.slice(7)) as ChildResult;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
};

async function main(): Promise<void> {
  const cases: CaseName[] = existsSync(join(FASHION_DIR, 'train-images-idx3-ubyte.gz')) ? ['fashion-train', 'fashion-both', 'mnist-sample'] : ['mnist-sample'];
  if (cases.length === 1) console.log(`Fashion-MNIST not found in ${FASHION_DIR} (apt-get install dataset-fashion-mnist); measuring mnistSample only.`);
  const rows = cases.map((name) => {
    const runs = Array.from({ length: REPEATS }, () => runChild(name));
    const first = runs[0] as ChildResult;
    return {
      case: name,
      images: first.images,
      medianMs: Math.round(median(runs.map((r) => r.ms))),
      minMs: Math.round(Math.min(...runs.map((r) => r.ms))),
      warmMedianMs: Math.round(median(runs.map((r) => r.warmMs))),
      cpuMs: Math.round(median(runs.map((r) => r.cpuMs))),
      warmCpuMs: Math.round(median(runs.map((r) => r.warmCpuMs))),
      imagesPerSecond: Math.round(first.images / (median(runs.map((r) => r.ms)) / 1000)),
      tensorMB: Math.round(first.tensorMB * 10) / 10,
      baselineRssMB: Math.round(median(runs.map((r) => r.baselineRssMB))),
      peakRssMB: Math.round(Math.max(...runs.map((r) => r.peakRssMB))),
      peakOverBaselineMB: Math.round(Math.max(...runs.map((r) => r.peakRssMB - r.baselineRssMB))),
    };
  });
  console.table(rows);
  console.log(`load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} on ${cpus().length} cores (other work on the machine slows these timings)`);
  const report = {
    benchmark: 'datasets load time and peak memory',
    node: process.version,
    backend: 'cpu',
    repeats: REPEATS,
    cpus: cpus().length,
    loadAverageAtEnd: loadavg().map((l) => Math.round(l * 100) / 100),
    date: new Date().toISOString(),
    notes: 'one child process per run; medianMs = first (cold) load in a fresh process, warmMedianMs = a second load in the same process; cpuMs = user + system CPU time of the load, all threads (less sensitive to other load on the machine than wall time); peak RSS from getrusage (maxRSS); tensorMB = tf.memory().numBytes after the load (float32 images + int32 labels)',
    rows,
  };
  const outDir = join(here, '..', 'bench-results');
  await mkdir(outDir, { recursive: true });
  await writeFile(join(outDir, 'fashion-mnist.json'), `${JSON.stringify(report, null, 2)}\n`);
  console.log(`wrote ${join('bench-results', 'fashion-mnist.json')}`);
}

const childIndex = process.argv.indexOf('--child');
if (childIndex >= 0) await child(process.argv[childIndex + 1] as CaseName);
else await main();
