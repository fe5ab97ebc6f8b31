import { InvalidArgumentError, ShapeError, tf } from '@deepcourse/backend';
import { readClassificationData, type ClassificationData } from './data.js';

export interface DecisionBoundaryOptions {
  /** Image width and height in pixels (default 256). */
  size?: number;
  /** Fraction of the data's range added around it (default 0.1). */
  margin?: number;
  /** Fixed plot area [xMin, xMax, yMin, yMax] (default: the data's bounds plus margin). */
  bounds?: [number, number, number, number];
  /** Radius of the drawn points in pixels (default 2; 0 draws none). */
  pointRadius?: number;
  /** RGB colours in [0, 1] per class (default: blue, orange, green, red, ...). */
  colors?: [number, number, number][];
}

const PALETTE: [number, number, number][] = [
  [0.12, 0.47, 0.71],
  [1.0, 0.5, 0.05],
  [0.17, 0.63, 0.17],
  [0.84, 0.15, 0.16],
  [0.58, 0.4, 0.74],
  [0.55, 0.34, 0.29],
];

/**
 * The TensorFlow Playground picture as an RGB image `[size, size, 3]` in [0, 1]:
 * the background is the model's class probabilities over the plane (mixed class
 * colours, pale where unsure), the points are drawn in their class colour with
 * a dark outline. The y axis points up.
 */
export function decisionBoundaryImage(model: tf.LayersModel, data: ClassificationData, options: DecisionBoundaryOptions = {}): tf.Tensor3D {
  const { inputs, ids } = readClassificationData(data, 'data');
  if (inputs.rank !== 2 || inputs.shape[1] !== 2) throw new ShapeError('data.inputs', 'points [N, 2]', `[${inputs.shape.join(', ')}]`);
  const size = options.size ?? 256;
  if (!Number.isInteger(size) || size < 8) throw new InvalidArgumentError('size', 'an integer >= 8', options.size);
  const points = inputs.arraySync() as [number, number][];
  let [xMin, xMax, yMin, yMax] = options.bounds ?? [
    Math.min(...points.map((p) => p[0])),
    Math.max(...points.map((p) => p[0])),
    Math.min(...points.map((p) => p[1])),
    Math.max(...points.map((p) => p[1])),
  ];
  if (!options.bounds) {
    const margin = options.margin ?? 0.1;
    const dx = (xMax - xMin || 1) * margin;
    const dy = (yMax - yMin || 1) * margin;
    [xMin, xMax, yMin, yMax] = [xMin - dx, xMax + dx, yMin - dy, yMax + dy];
  }
  const colors = options.colors ?? PALETTE;
  const probabilities = tf.tidy(() => {
    const xs = tf.linspace(xMin, xMax, size);
    const ys = tf.linspace(yMax, yMin, size); // row 0 is the top
    const grid = tf.stack([xs.reshape([1, size]).tile([size, 1]), ys.reshape([size, 1]).tile([1, size])], 2).reshape([size * size, 2]);
    const out = model.predict(grid, { batchSize: 4096 }) as tf.Tensor;
    // One sigmoid unit: probabilities of class 0 and class 1.
    return out.shape[1] === 1 ? tf.concat([tf.sub(1, out), out], 1) : out;
  });
  const k = probabilities.shape[1] as number;
  if (k > colors.length) {
    probabilities.dispose();
    throw new InvalidArgumentError('colors', `at least ${k} colours (one per class)`, colors);
  }
  const p = probabilities.dataSync();
  probabilities.dispose();
  const pixels = new Float32Array(size * size * 3);
  for (let i = 0; i < size * size; i++) {
    for (let channel = 0; channel < 3; channel++) {
      let mixed = 0;
      for (let c = 0; c < k; c++) mixed += (p[i * k + c] as number) * colors[c]![channel]!;
      // Lighten towards white so the points stand out.
      pixels[i * 3 + channel] = 0.45 * mixed + 0.55;
    }
  }
  const radius = options.pointRadius ?? 2;
  if (radius > 0) {
    points.forEach(([x, y], i) => {
      const cx = ((x - xMin) / (xMax - xMin)) * (size - 1);
      const cy = ((yMax - y) / (yMax - yMin)) * (size - 1);
      const color = colors[ids[i] as number] ?? [0, 0, 0];
      for (let py = Math.floor(cy - radius - 1); py <= Math.ceil(cy + radius + 1); py++) {
        for (let px = Math.floor(cx - radius - 1); px <= Math.ceil(cx + radius + 1); px++) {
          if (px < 0 || py < 0 || px >= size || py >= size) continue;
          const d = Math.hypot(px - cx, py - cy);
          if (d > radius + 1) continue;
          const value = d > radius ? [0.1, 0.1, 0.1] : color;
          pixels.set(value, (py * size + px) * 3);
        }
      }
    });
  }
  return tf.tensor3d(pixels, [size, size, 3]);
}
