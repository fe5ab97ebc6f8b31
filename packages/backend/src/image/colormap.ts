import { interpolateInferno, interpolateMagma, interpolatePlasma, interpolateTurbo, interpolateViridis } from 'd3-scale-chromatic';
import { tf } from '../tf.js';
import { InvalidArgumentError } from '../errors.js';

export const COLORMAP_NAMES = ['viridis', 'inferno', 'magma', 'plasma', 'turbo', 'jet', 'gray'] as const;
export type ColormapName = (typeof COLORMAP_NAMES)[number];

/**
 * matplotlib's `jet` as piecewise-linear segments (x, value) per channel;
 * jet(0) = (0, 0, 0.5), jet(1) = (0.5, 0, 0).
 */
const JET_SEGMENTS: readonly (readonly [number, number][])[] = [
  [[0, 0], [0.35, 0], [0.66, 1], [0.89, 1], [1, 0.5]],
  [[0, 0], [0.125, 0], [0.375, 1], [0.64, 1], [0.91, 0], [1, 0]],
  [[0, 0.5], [0.11, 1], [0.34, 1], [0.65, 0], [1, 0]],
];

function piecewise(segments: readonly [number, number][], x: number): number {
  for (let i = 1; i < segments.length; i++) {
    const [x1, y1] = segments[i] as [number, number];
    const [x0, y0] = segments[i - 1] as [number, number];
    if (x <= x1) return y0 + ((y1 - y0) * (x - x0)) / (x1 - x0);
  }
  return (segments[segments.length - 1] as [number, number])[1];
}

/** d3's perceptual maps are matplotlib's 256-entry tables, as sRGB hex strings. */
const D3_MAPS: Record<Exclude<ColormapName, 'jet' | 'gray'>, (t: number) => string> = {
  viridis: interpolateViridis,
  inferno: interpolateInferno,
  magma: interpolateMagma,
  plasma: interpolatePlasma,
  turbo: interpolateTurbo,
};

const tables = new Map<ColormapName, Float32Array>();

/** A colormap as 256 RGB entries in [0, 1] (row-major `[256 * 3]`); entry 0 is the colour of 0, entry 255 of 1. */
export function colormapTable(name: ColormapName): Float32Array {
  if (!COLORMAP_NAMES.includes(name)) throw new InvalidArgumentError('colormap', COLORMAP_NAMES.join(', '), name);
  let table = tables.get(name);
  if (table) return table;
  table = new Float32Array(256 * 3);
  for (let i = 0; i < 256; i++) {
    const t = i / 255;
    let rgb: [number, number, number];
    if (name === 'gray') rgb = [t, t, t];
    else if (name === 'jet') rgb = JET_SEGMENTS.map((s) => piecewise(s, t)) as [number, number, number];
    else rgb = parseColor(D3_MAPS[name](t));
    table.set(rgb, i * 3);
  }
  tables.set(name, table);
  return table;
}

function parseColor(color: string): [number, number, number] {
  const hex = /^#([0-9a-f]{6})$/i.exec(color);
  if (hex) {
    const n = Number.parseInt(hex[1] as string, 16);
    return [((n >> 16) & 255) / 255, ((n >> 8) & 255) / 255, (n & 255) / 255];
  }
  const rgb = /^rgb\((\d+),\s*(\d+),\s*(\d+)\)$/.exec(color);
  if (rgb) return [Number(rgb[1]) / 255, Number(rgb[2]) / 255, Number(rgb[3]) / 255];
  throw new InvalidArgumentError('colour', '#rrggbb or rgb(r, g, b)', color);
}

export interface ColormapOptions {
  /** The value range mapped onto the colormap: `[min, max]`, or `'auto'` for the data's own min and max. Default `[0, 1]`. */
  range?: readonly [number, number] | 'auto';
}

/**
 * Colours a map of values: any shape `[...]` becomes `[..., 3]` float32 RGB in
 * [0, 1]. Values are scaled by `range` and clamped to its ends, as matplotlib
 * does with vmin/vmax.
 */
export function applyColormap(values: tf.Tensor, name: ColormapName = 'viridis', options: ColormapOptions = {}): tf.Tensor {
  const table = colormapTable(name);
  return tf.tidy(() => {
    const v = values.toFloat();
    let lo: tf.Tensor | number;
    let hi: tf.Tensor | number;
    if (options.range === 'auto') {
      lo = v.min();
      hi = v.max();
    } else {
      const range = options.range ?? [0, 1];
      if (!(range[1] > range[0])) throw new InvalidArgumentError('range', '[min, max] with min < max', `[${range.join(', ')}]`);
      [lo, hi] = range;
    }
    // A constant map ('auto' with max == min) maps to the bottom colour instead of NaN.
    const span = tf.maximum(tf.sub(hi, lo), 1e-12);
    const t = v.sub(lo).div(span).clipByValue(0, 1);
    const index = t.mul(255).round().toInt();
    return tf.gather(tf.tensor2d(table, [256, 3]), index);
  });
}
