// `pnpm bench`: wasm training kernels (stock tfjs 4.22 wasm vs ours vs the cpu
// backend) and end-to-end training throughput (course MNIST CNN, Embedding +
// LSTM; PyTorch for the CNN where python3-torch is installed). Prints tables
// and writes bench-results/wasm-training.json.
//   pnpm bench [--kernels-only | --e2e-only] [--kernel NAME[,NAME]] [--samples N] [--full-cpu]
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { initBackend, registerWasmTrainingKernels, tf, unregisterWasmTrainingKernels } from '@deepcourse/backend';
import { KERNEL_CASES, withFewerSegments, withSmallerBatch } from './kernel-cases.js';
import { timeKernel, type KernelTiming } from './kernel-bench.js';
import type { E2EResult } from './e2e.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const packageDir = path.resolve(here, '..');
const args = process.argv.slice(2);
const option = (name: string) => args.includes(name);
const samplesArg = args.indexOf('--samples');
const cnnSamples = samplesArg >= 0 ? Number(args[samplesArg + 1]) : 2000;
const kernelArg = args.indexOf('--kernel');
/** `--kernel NAME[,NAME]` times only those kernels' cases (and implies --kernels-only). */
const onlyKernel = kernelArg >= 0 ? new Set((args[kernelArg + 1] ?? '').split(',')) : undefined;

interface KernelRow {
  kernel: string;
  shape: string;
  cpu?: KernelTiming & { scaledBy?: number };
  stock?: KernelTiming | string;
  ours: KernelTiming;
}

const CPU_BATCH_DIVISOR = 10;
const fmt = (ms: number | undefined) => (ms === undefined ? '-' : ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));
const ratio = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? '-' : `${(a / b).toFixed(1)}x`);

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

async function kernelBench(): Promise<KernelRow[]> {
  const rows: KernelRow[] = [];
  for (const spec of KERNEL_CASES.filter((c) => onlyKernel === undefined || onlyKernel.has(c.kernel))) {
    await initBackend({ backend: 'wasm' });
    const ours = timeKernel(spec);
    unregisterWasmTrainingKernels();
    let stock: KernelTiming | string;
    try {
      stock = tf.getKernel(spec.kernel, 'wasm') === undefined ? 'missing' : timeKernel(spec);
    } catch (error) {
      stock = `fails: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`;
    }
    registerWasmTrainingKernels();
    await initBackend({ backend: 'cpu' });
    // The cpu backend's convolution gradients take minutes at full size: time a tenth of the batch, scale up.
    const small = spec.batched ? withSmallerBatch(spec, CPU_BATCH_DIVISOR)
      : spec.kernel === 'UnsortedSegmentSum' ? withFewerSegments(spec, CPU_BATCH_DIVISOR) : { spec, scale: 1 };
    const cpuTiming = timeKernel(small.spec);
    const cpu = small.scale === 1 ? cpuTiming : {
      cpuMs: cpuTiming.cpuMs * small.scale, wallMs: cpuTiming.wallMs * small.scale, runs: cpuTiming.runs,
      scaledBy: small.scale,
    };
    rows.push({ kernel: spec.kernel, shape: spec.label, cpu, stock, ours });
    const stockMs = typeof stock === 'string' ? stock : `${fmt(stock.cpuMs)} ms`;
    process.stderr.write(`  ${spec.kernel} ${spec.label}: cpu ${fmt(cpu.cpuMs)} ms, stock wasm ${stockMs}, ours ${fmt(ours.cpuMs)} ms\n`);
  }
  return rows;
}

function runChild(command: string, childArgs: string[], model: 'cnn' | 'lstm', backend: string): E2EResult {
  process.stderr.write(`  ${path.basename(command)} ${childArgs.join(' ')}\n`);
  try {
    const out = execFileSync(command, childArgs, { cwd: packageDir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 24 });
    return JSON.parse(out.trim().split('\n').pop()!) as E2EResult;
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
    return { model, backend, ok: false, error: message, peakRssMB: 0 };
  }
}

function torchAvailable(): string | undefined {
  for (const python of ['/usr/bin/python3', 'python3']) {
    try {
      execFileSync(python, ['-c', 'import torch'], { stdio: 'ignore' });
      return python;
    } catch {
      // try the next interpreter
    }
  }
  return undefined;
}

function e2eBench(): E2EResult[] {
  const node = process.execPath;
  const e2e = (model: 'cnn' | 'lstm', backend: string, samples: number, batch?: number) =>
    runChild(node, ['--conditions=@deepcourse/source', '--import', 'tsx', path.join(here, 'e2e.ts'), model, backend, String(samples), ...(batch ? [String(batch)] : [])], model, backend);
  const results = [
    e2e('cnn', 'wasm', cnnSamples),
    e2e('cnn', 'wasm-stock', 200),
    // One batch of 200 takes the cpu backend about ten minutes; its cost per sample does not depend on the batch size.
    option('--full-cpu') ? e2e('cnn', 'cpu', 200) : e2e('cnn', 'cpu', 20, 20),
  ];
  const python = torchAvailable();
  if (python) results.push(runChild(python, [path.join(here, 'torch_cnn.py'), String(cnnSamples), '1'], 'cnn', 'pytorch'));
  else process.stderr.write('  PyTorch column skipped: python3-torch is not installed (apt-get install -y python3-torch)\n');
  // The cpu backend's segment sum (the Embedding gradient) makes one pass over the batch per vocabulary entry: one batch is minutes.
  // Its cost per sample does not depend on the batch size, so it trains 8 samples in batches of 8.
  results.push(e2e('lstm', 'wasm', 640), e2e('lstm', 'wasm-stock', 64), option('--full-cpu') ? e2e('lstm', 'cpu', 64) : e2e('lstm', 'cpu', 8, 8));
  return results;
}

const load = () => os.loadavg().map((l) => l.toFixed(1)).join(' ');
const started = { at: new Date().toISOString(), loadAverage: load() };
console.log(`deepcourse wasm training benchmark: ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}, load average ${started.loadAverage}`);
console.log('Times are process CPU time (user + system), the stable measure on a shared machine; wall times are in the JSON.\n');

let kernels: KernelRow[] = [];
if (!option('--e2e-only')) {
  process.stderr.write('kernels:\n');
  kernels = await kernelBench();
  console.log('Kernels (median ms of CPU time; "missing" = stock tfjs 4.22 wasm has no such kernel;');
  console.log('cpu* = timed on a tenth of the batch (segment sum: of the segments) and scaled up; its cost is linear in that)');
  console.log(table(
    ['kernel', 'shape', 'cpu', 'stock wasm', 'ours', 'vs stock', 'vs cpu'],
    kernels.map((r) => {
      const stock = typeof r.stock === 'object' ? r.stock.cpuMs : undefined;
      return [r.kernel, r.shape, `${fmt(r.cpu?.cpuMs)}${r.cpu?.scaledBy ? '*' : ''}`, typeof r.stock === 'object' ? fmt(stock) : String(r.stock).slice(0, 24), fmt(r.ours.cpuMs), ratio(stock, r.ours.cpuMs), ratio(r.cpu?.cpuMs, r.ours.cpuMs)];
    }),
  ));
  console.log('');
}

let e2e: E2EResult[] = [];
if (!option('--kernels-only') && onlyKernel === undefined) {
  process.stderr.write('end to end (one process each):\n');
  e2e = e2eBench();
  console.log('End to end training (after one warm-up batch; samples per second of wall time and of CPU time)');
  console.log(table(
    ['model', 'backend', 'batch', 'samples', 'samples/s', 'samples/CPU-s', 'peak RSS MB', 'wasm heap MB', 'note'],
    e2e.map((r) => [
      r.model, r.backend, String(r.batchSize ?? '-'), String(r.samples ?? '-'), fmt(r.samplesPerSecond), fmt(r.samplesPerCpuSecond),
      r.peakRssMB ? r.peakRssMB.toFixed(0) : '-', r.wasmHeapMB ? r.wasmHeapMB.toFixed(0) : '-', r.ok ? '' : (r.error ?? 'failed'),
    ]),
  ));
  const find = (model: string, backend: string) => e2e.find((r) => r.model === model && r.backend.startsWith(backend) && r.ok);
  const wasm = find('cnn', 'wasm');
  const cpu = find('cnn', 'cpu');
  const torch = find('cnn', 'pytorch');
  if (wasm && cpu) {
    console.log(`\nCourse CNN, wasm vs cpu: ${ratio(wasm.samplesPerCpuSecond, cpu.samplesPerCpuSecond)} by CPU time, ${ratio(wasm.samplesPerSecond, cpu.samplesPerSecond)} by wall time (target >= 40x)`);
    console.log(`Course CNN on wasm: ${fmt(wasm.samplesPerCpuSecond)} samples per CPU-second, ${fmt(wasm.samplesPerSecond)} per wall second (target >= 150)`);
  }
  if (wasm && torch) console.log(`PyTorch (1 thread) / wasm: ${ratio(torch.samplesPerCpuSecond, wasm.samplesPerCpuSecond)} by CPU time`);
}
if (kernels.length > 0) {
  // Small batches of tiny matrices are handed to the stock kernel, so there the two are the same code:
  // allow 10% for timing noise on a shared machine.
  const slower = kernels.filter((r) => typeof r.stock === 'object' && r.ours.cpuMs > r.stock.cpuMs * 1.1);
  console.log(slower.length === 0
    ? 'No kernel of ours is slower than the stock wasm kernel it replaces at any benchmarked shape (10% noise allowed).'
    : `Slower than stock: ${slower.map((r) => `${r.kernel} ${r.shape}`).join('; ')}`);
}

const outDir = path.join(packageDir, 'bench-results');
mkdirSync(outDir, { recursive: true });
const file = path.join(outDir, 'wasm-training.json');
// A partial run (--kernels-only / --e2e-only) keeps the other section of the previous results.
if (kernels.length === 0 || e2e.length === 0 || onlyKernel !== undefined) {
  try {
    const previous = JSON.parse(readFileSync(file, 'utf8')) as { kernels?: KernelRow[]; e2e?: E2EResult[] };
    if (kernels.length === 0) kernels = previous.kernels ?? [];
    else if (onlyKernel !== undefined) {
      // Replace this kernel's rows in the previous results, keep the others in case order.
      const fresh = new Map(kernels.map((r) => [`${r.kernel} ${r.shape}`, r]));
      const kept = (previous.kernels ?? []).filter((r) => !onlyKernel.has(r.kernel));
      kernels = KERNEL_CASES.map((c) => fresh.get(`${c.kernel} ${c.label}`) ?? kept.find((r) => r.kernel === c.kernel && r.shape === c.label)).filter((r): r is KernelRow => r !== undefined);
    }
    if (e2e.length === 0) e2e = previous.e2e ?? [];
  } catch {
    // no previous results
  }
}
writeFileSync(file, `${JSON.stringify({
  started, finished: { at: new Date().toISOString(), loadAverage: load() },
  machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version },
  kernels, e2e,
}, null, 2)}\n`);
console.log(`\nwrote ${path.relative(process.cwd(), file)}`);
