import { InvalidArgumentError, seedStream, tf, type SeedStream } from '@deepcourse/backend';

/** The four classification sets of the TensorFlow Playground (playground.tensorflow.org). */
export type PlaygroundDatasetName = 'circle' | 'xor' | 'gaussian' | 'spiral';

export const PLAYGROUND_DATASETS: readonly PlaygroundDatasetName[] = ['circle', 'xor', 'gaussian', 'spiral'];

export interface PlaygroundOptions {
  /** Number of points (default 500, the playground's). 'circle', 'gaussian' and 'spiral' make half of each class. */
  readonly numSamples?: number;
  /** The playground's noise slider as a fraction: 0 (default) to 0.5 (the slider's 50). */
  readonly noise?: number;
  /** Seed of every random draw. Default: the global seed. */
  readonly seed?: number;
}

/** Points in the plane with binary labels, as plain arrays (wrap with `tf.tensor2d(points)` to train). */
export interface PlaygroundDataset {
  readonly name: PlaygroundDatasetName;
  /** [x, y] of each point; coordinates lie roughly in [-6, 6]. */
  readonly points: number[][];
  /** 1 for the playground's positive class (+1, blue), 0 for its negative class (-1, orange). */
  readonly labels: number[];
}

/**
 * Generates one of the TensorFlow Playground's 2-D classification sets with the same distributions as the
 * playground (its `dataset.ts`): a disc inside a ring ('circle'), the four quadrants ('xor'), two Gaussian
 * blobs ('gaussian') and two interleaved spirals ('spiral'). Seeded; `noise` works as the playground's slider:
 * for circle and xor it perturbs the point used to decide the label (so labels near the border flip), for
 * gaussian it widens the blobs, for spiral it jitters the points.
 */
export function playgroundDataset(name: PlaygroundDatasetName, options: PlaygroundOptions = {}): PlaygroundDataset {
  const numSamples = options.numSamples ?? 500;
  if (!Number.isSafeInteger(numSamples) || numSamples < 2) throw new InvalidArgumentError('options.numSamples', 'an integer of at least 2', numSamples);
  const noise = options.noise ?? 0;
  if (!(noise >= 0 && noise <= 0.5)) throw new InvalidArgumentError('options.noise', 'a number in [0, 0.5] (the playground slider 0-50 divided by 100)', noise);
  const random = seedStream(options.seed);
  const points: number[][] = [];
  const labels: number[] = [];
  const push = (x: number, y: number, positive: boolean): void => {
    points.push([x, y]);
    labels.push(positive ? 1 : 0);
  };
  switch (name) {
    case 'circle':
      circle(numSamples, noise, random, push);
      break;
    case 'xor':
      xor(numSamples, noise, random, push);
      break;
    case 'gaussian':
      gaussian(numSamples, noise, random, push);
      break;
    case 'spiral':
      spiral(numSamples, noise, random, push);
      break;
    default:
      throw new InvalidArgumentError('name', `one of ${PLAYGROUND_DATASETS.join(', ')}`, name);
  }
  return { name, points, labels };
}

/**
 * The points as tensors for training: `inputs` float32 [n, 2] and `labels` int32 [n] (the `{ inputs, labels }`
 * shape that @deepcourse/cnn-models' trainers and playground take). The caller owns both.
 */
export function playgroundTensors(data: PlaygroundDataset): { inputs: tf.Tensor2D; labels: tf.Tensor1D } {
  return {
    inputs: tf.tensor2d(data.points, [data.points.length, 2], 'float32'),
    labels: tf.tensor1d(data.labels, 'int32'),
  };
}

type Push = (x: number, y: number, positive: boolean) => void;

function uniform(random: SeedStream, low: number, high: number): number {
  return low + random.uniform() * (high - low);
}

const CIRCLE_RADIUS = 5;

function circle(numSamples: number, noise: number, random: SeedStream, push: Push): void {
  // Positives are drawn inside radius 2.5, negatives in the ring 3.5..5; the label is decided on the
  // noisy position, so noise flips points near the boundary circle of radius 2.5.
  const half = Math.floor(numSamples / 2);
  const ring = (minRadius: number, maxRadius: number, count: number): void => {
    for (let i = 0; i < count; i++) {
      const r = uniform(random, minRadius, maxRadius);
      const angle = uniform(random, 0, 2 * Math.PI);
      const x = r * Math.sin(angle);
      const y = r * Math.cos(angle);
      const nx = x + uniform(random, -CIRCLE_RADIUS, CIRCLE_RADIUS) * noise;
      const ny = y + uniform(random, -CIRCLE_RADIUS, CIRCLE_RADIUS) * noise;
      push(x, y, Math.hypot(nx, ny) < CIRCLE_RADIUS * 0.5);
    }
  };
  ring(0, CIRCLE_RADIUS * 0.5, half);
  ring(CIRCLE_RADIUS * 0.7, CIRCLE_RADIUS, numSamples - half);
}

function xor(numSamples: number, noise: number, random: SeedStream, push: Push): void {
  const padding = 0.3; // keeps points off the axes, where the label changes
  for (let i = 0; i < numSamples; i++) {
    let x = uniform(random, -5, 5);
    x += x > 0 ? padding : -padding;
    let y = uniform(random, -5, 5);
    y += y > 0 ? padding : -padding;
    const nx = x + uniform(random, -5, 5) * noise;
    const ny = y + uniform(random, -5, 5) * noise;
    push(x, y, nx * ny >= 0);
  }
}

function gaussian(numSamples: number, noise: number, random: SeedStream, push: Push): void {
  // Variance grows linearly from 0.5 at noise 0 to 4 at noise 0.5, as in the playground.
  const variance = 0.5 + (noise / 0.5) * 3.5;
  const std = Math.sqrt(variance);
  const half = Math.floor(numSamples / 2);
  for (let i = 0; i < half; i++) push(random.normal(2, std), random.normal(2, std), true);
  for (let i = 0; i < numSamples - half; i++) push(random.normal(-2, std), random.normal(-2, std), false);
}

function spiral(numSamples: number, noise: number, random: SeedStream, push: Push): void {
  // Two arms of 1.75 turns each, radius growing to 5, the second arm rotated by pi.
  const half = Math.floor(numSamples / 2);
  const arm = (count: number, deltaT: number, positive: boolean): void => {
    for (let i = 0; i < count; i++) {
      const r = (i / count) * 5;
      const t = ((1.75 * i) / count) * 2 * Math.PI + deltaT;
      const x = r * Math.sin(t) + uniform(random, -1, 1) * noise;
      const y = r * Math.cos(t) + uniform(random, -1, 1) * noise;
      push(x, y, positive);
    }
  };
  arm(half, 0, true);
  arm(numSamples - half, Math.PI, false);
}
