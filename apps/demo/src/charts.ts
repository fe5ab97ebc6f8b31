import { compile, type TopLevelSpec } from 'vega-lite';
import { parse, View } from 'vega';

/** Renders a Vega-Lite spec to an SVG string in Node (no browser, no canvas). */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const vegaSpec = compile({ background: 'white', ...spec } as TopLevelSpec).spec;
  const view = new View(parse(vegaSpec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** A line chart of one or more series over x: `series` maps a name to its y values (x = 1, 2, ...). */
export function lineChart(series: Record<string, readonly number[]>, axes: { x: string; y: string }, title?: string): TopLevelSpec {
  const values = Object.entries(series).flatMap(([name, ys]) => ys.map((y, i) => ({ series: name, x: i + 1, y })));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    ...(title ? { title } : {}),
    width: 420,
    height: 240,
    data: { values },
    mark: { type: 'line', point: values.length <= 60 },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: axes.x },
      y: { field: 'y', type: 'quantitative', title: axes.y, scale: { zero: false } },
      color: { field: 'series', type: 'nominal', title: null },
    },
  };
}

/** A confusion matrix heatmap with counts printed in the cells. */
export function confusionChart(matrix: readonly (readonly number[])[], labels: readonly string[]): TopLevelSpec {
  const values = matrix.flatMap((row, t) => row.map((count, p) => ({ truth: labels[t] ?? String(t), predicted: labels[p] ?? String(p), count })));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: 300,
    height: 300,
    data: { values },
    encoding: {
      x: { field: 'predicted', type: 'ordinal', sort: [...labels] },
      y: { field: 'truth', type: 'ordinal', sort: [...labels] },
    },
    layer: [
      { mark: 'rect', encoding: { color: { field: 'count', type: 'quantitative', scale: { scheme: 'blues' } } } },
      {
        mark: { type: 'text', fontSize: 9 },
        encoding: {
          text: { field: 'count', type: 'quantitative' },
          color: { condition: { test: 'datum.count > 50', value: 'white' }, value: 'black' },
        },
      },
    ],
  } as TopLevelSpec;
}
