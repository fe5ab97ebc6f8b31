import type { ProgressBar, SeedStream, tf } from '@deepcourse/backend';
import type { TopLevelSpec } from 'vega-lite';
import type { DemoOptions } from './cli.js';

export interface Figure {
  title: string;
  /** Path relative to the report folder. */
  path: string;
  caption?: string;
}

export interface StageResult {
  /** Numbers (and short strings) worth keeping: they go to metrics.json and the report. */
  metrics: Record<string, number | string>;
  figures: Figure[];
  /** Sentences for the report, e.g. what the numbers mean. */
  notes?: string[];
}

export interface StageContext {
  options: DemoOptions;
  /** This stage's own seed stream (derived from --seed and the stage id). */
  seeds: SeedStream;
  /** A progress bar for this stage's main loop. */
  progress(total: number, label?: string): ProgressBar;
  /** Writes a PNG into the report and returns the figure. */
  image(name: string, image: tf.Tensor, title: string, caption?: string): Promise<Figure>;
  /** Renders a Vega-Lite chart to SVG in the report and returns the figure. */
  chart(name: string, spec: TopLevelSpec, title: string, caption?: string): Promise<Figure>;
  log(message: string): void;
}

export interface Stage {
  id: string;
  title: string;
  /** One sentence on what the stage teaches. */
  summary: string;
  run(context: StageContext): Promise<StageResult>;
}
