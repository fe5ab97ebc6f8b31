import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { tf } from '@deepcourse/backend';
import { runStages } from './runner.js';
import type { Stage } from './stage.js';

const passing: Stage = {
  id: 'ok',
  title: 'A stage that works',
  summary: 'Draws a picture and a chart.',
  async run({ image, chart, seeds }) {
    const picture = tf.fill([4, 4, 1], 0.5);
    await image('square', picture, 'A gray square');
    picture.dispose();
    await chart('line', { data: { values: [{ x: 1, y: 2 }, { x: 2, y: 3 }] }, mark: 'line', encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } } }, 'A line');
    return { metrics: { answer: 42, first: seeds.next() }, figures: [] };
  },
};

const failing: Stage = {
  id: 'broken',
  title: 'A stage that fails',
  summary: 'Throws.',
  async run() {
    throw new RangeError('out of cheese');
  },
};

describe('runStages', () => {
  test('a failing stage is recorded and the others still run; report and metrics.json are written', async () => {
    const out = await mkdtemp(join(tmpdir(), 'dc-demo-'));
    const lines: string[] = [];
    const run = await runStages([failing, passing], { quick: true, only: undefined, out, backend: 'cpu', seed: 3 }, (l) => lines.push(l));
    expect(run.stages.map((s) => s.status)).toEqual(['failed', 'passed']);
    expect(run.stages[0]?.error).toBe('RangeError: out of cheese');
    const metrics = JSON.parse(await readFile(join(out, 'metrics.json'), 'utf8'));
    expect(metrics.stages.ok.metrics.answer).toBe(42);
    expect(metrics.stages.broken).toMatchObject({ status: 'failed', error: 'RangeError: out of cheese' });
    const html = await readFile(join(out, 'index.html'), 'utf8');
    expect(html).toContain('<img src="img/ok-square.png"');
    expect(html).toContain('<img src="img/ok-line.svg"');
    expect(html).toContain('out of cheese');
    expect((await readFile(join(out, 'img/ok-line.svg'), 'utf8')).startsWith('<svg')).toBe(true);
    expect((await readFile(join(out, 'img/ok-square.png')).then((b) => b.subarray(1, 4).toString()))).toBe('PNG');
    expect(lines.some((l) => l.includes('broken failed: RangeError: out of cheese'))).toBe(true);
  });

  test('--only runs the chosen stages, with the same per-stage seed as a full run', async () => {
    const out = await mkdtemp(join(tmpdir(), 'dc-demo-'));
    const full = await runStages([failing, passing], { quick: true, only: undefined, out, backend: 'cpu', seed: 3 }, () => {});
    const only = await runStages([failing, passing], { quick: true, only: ['ok'], out, backend: 'cpu', seed: 3 }, () => {});
    expect(only.stages.map((s) => s.id)).toEqual(['ok']);
    expect(only.stages[0]?.metrics.first).toBe(full.stages[1]?.metrics.first);
  });
});
