import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ProgressBar, initBackend, seedStream, formatDuration, tf } from '@deepcourse/backend';
import { writePng } from '@deepcourse/backend/node';
import { renderSvg } from './charts.js';
import { renderReport, type RunRecord, type StageRecord } from './report.js';
import type { DemoOptions } from './cli.js';
import type { Stage, StageContext } from './stage.js';

/** A stable per-stage seed, so `--only x` reproduces the same stage as a full run. */
function stageSeed(seed: number, id: string): number {
  let h = seed >>> 0;
  for (const ch of id) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return h;
}

/**
 * Runs the chosen stages one after another. A failing stage is recorded with
 * its error and the others still run; the report and metrics.json are written
 * either way. Returns the run record (failed stages make the caller exit non-zero).
 */
export async function runStages(stages: readonly Stage[], options: DemoOptions, log: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): Promise<RunRecord> {
  const started = Date.now();
  const selection = await initBackend({ backend: options.backend, seed: options.seed });
  log(`backend: ${selection.backend} (${selection.reason})`);
  await mkdir(join(options.out, 'img'), { recursive: true });
  const run: RunRecord = {
    startedAt: new Date(started).toISOString(),
    backend: selection.backend,
    backendReason: selection.reason,
    seed: options.seed,
    quick: options.quick,
    seconds: 0,
    stages: [],
  };
  const chosen = options.only ? stages.filter((s) => options.only?.includes(s.id)) : stages;
  for (const [index, stage] of chosen.entries()) {
    log(`\n[${index + 1}/${chosen.length}] ${stage.title}`);
    const record: StageRecord = { id: stage.id, title: stage.title, summary: stage.summary, status: 'passed', seconds: 0, metrics: {}, figures: [], notes: [] };
    const t0 = Date.now();
    const tensorsBefore = tf.memory().numTensors;
    try {
      const result = await stage.run(makeContext(stage, options, record, log));
      record.metrics = { ...record.metrics, ...result.metrics };
      record.figures = [...record.figures.filter((f) => !result.figures.includes(f)), ...result.figures];
      record.notes.push(...(result.notes ?? []));
    } catch (error) {
      record.status = 'failed';
      record.error = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      log(`stage ${stage.id} failed: ${record.error}`);
    }
    record.seconds = (Date.now() - t0) / 1000;
    const leaked = tf.memory().numTensors - tensorsBefore;
    if (leaked > 0) record.notes.push(`${leaked} tensors were still alive after this stage.`);
    log(`${stage.id}: ${record.status} in ${formatDuration(record.seconds)}`);
    run.stages.push(record);
    run.seconds = (Date.now() - started) / 1000;
    // Written after every stage, so a crash later keeps what finished.
    await writeOutputs(options.out, run);
  }
  return run;
}

function makeContext(stage: Stage, options: DemoOptions, record: StageRecord, log: (line: string) => void): StageContext {
  const prefix = stage.id;
  return {
    options,
    seeds: seedStream(stageSeed(options.seed, stage.id)),
    progress: (total, label) => new ProgressBar({ total, label: label ?? stage.id }),
    async image(name, image, title, caption) {
      const path = `img/${prefix}-${name}.png`;
      await writePng(join(options.out, path), image);
      const figure = { title, path, ...(caption ? { caption } : {}) };
      record.figures.push(figure);
      return figure;
    },
    async chart(name, spec, title, caption) {
      const path = `img/${prefix}-${name}.svg`;
      await writeFile(join(options.out, path), await renderSvg(spec));
      const figure = { title, path, ...(caption ? { caption } : {}) };
      record.figures.push(figure);
      return figure;
    },
    log: (message) => log(`  ${message}`),
  };
}

async function writeOutputs(out: string, run: RunRecord): Promise<void> {
  await writeFile(join(out, 'index.html'), renderReport(run));
  const metrics = {
    startedAt: run.startedAt,
    backend: run.backend,
    seed: run.seed,
    quick: run.quick,
    seconds: run.seconds,
    stages: Object.fromEntries(run.stages.map((s) => [s.id, { status: s.status, seconds: s.seconds, ...(s.error ? { error: s.error } : {}), metrics: s.metrics }])),
  };
  await writeFile(join(out, 'metrics.json'), `${JSON.stringify(metrics, null, 2)}\n`);
}
