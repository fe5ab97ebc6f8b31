import type { Figure } from './stage.js';

export interface StageRecord {
  id: string;
  title: string;
  summary: string;
  status: 'passed' | 'failed' | 'skipped';
  seconds: number;
  metrics: Record<string, number | string>;
  figures: Figure[];
  notes: string[];
  error?: string;
}

export interface RunRecord {
  startedAt: string;
  backend: string;
  backendReason: string;
  seed: number;
  quick: boolean;
  seconds: number;
  stages: StageRecord[];
}

const escape = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

function formatValue(value: number | string): string {
  if (typeof value === 'string') return value;
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  return Math.abs(value) >= 100 ? value.toFixed(1) : value.toPrecision(4);
}

/** The report page: one section per stage with its status, numbers, pictures and notes. */
export function renderReport(run: RunRecord): string {
  const sections = run.stages.map((stage) => {
    const metrics = Object.entries(stage.metrics)
      .map(([key, value]) => `<tr><th>${escape(key)}</th><td>${escape(formatValue(value))}</td></tr>`)
      .join('');
    const figures = stage.figures
      .map(
        (f) =>
          `<figure><img src="${escape(f.path)}" alt="${escape(f.title)}"><figcaption><b>${escape(f.title)}</b>${f.caption ? ` ${escape(f.caption)}` : ''}</figcaption></figure>`,
      )
      .join('');
    return `<section id="${escape(stage.id)}" class="${stage.status}">
<h2>${escape(stage.title)} <span class="status">${stage.status} · ${stage.seconds.toFixed(1)} s</span></h2>
<p>${escape(stage.summary)}</p>
${stage.error ? `<pre class="error">${escape(stage.error)}</pre>` : ''}
${metrics ? `<table>${metrics}</table>` : ''}
${stage.notes.map((n) => `<p class="note">${escape(n)}</p>`).join('')}
<div class="figures">${figures}</div>
</section>`;
  });
  const toc = run.stages.map((s) => `<li class="${s.status}"><a href="#${escape(s.id)}">${escape(s.title)}</a> (${s.status})</li>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>deepcourse demo report</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:15px/1.5 system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
h1{margin-bottom:0}.meta{color:#666}section{border-top:1px solid #ddd;padding:1em 0}
.status{font-size:.6em;color:#666;font-weight:normal}.failed h2{color:#b00}.failed .status{color:#b00}
table{border-collapse:collapse;margin:.5em 0}th,td{border:1px solid #ddd;padding:.2em .6em;text-align:left}th{background:#f6f6f6;font-weight:600}
.figures{display:flex;flex-wrap:wrap;gap:1em}figure{margin:0;max-width:520px}figure img{max-width:100%;border:1px solid #eee}figure img[src$=".png"]{width:min(100%,480px);image-rendering:pixelated}
figcaption{font-size:.85em;color:#444}.error{background:#fee;padding:.5em;white-space:pre-wrap}.note{color:#444}
li.failed a{color:#b00}
</style></head><body>
<h1>deepcourse: the course, end to end</h1>
<p class="meta">${escape(run.startedAt)} · backend ${escape(run.backend)} (${escape(run.backendReason)}) · seed ${run.seed}${run.quick ? ' · quick run' : ''} · ${run.seconds.toFixed(0)} s in all</p>
<ol>${toc}</ol>
${sections.join('\n')}
</body></html>
`;
}
