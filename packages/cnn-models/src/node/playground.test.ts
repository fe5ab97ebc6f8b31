import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, ShapeError, tf } from '@deepcourse/backend';
import { decodePng } from '@deepcourse/backend/node';
import { decisionBoundaryImage } from '../decision-boundary.js';
import { playground } from './playground.js';

let dir: string;
beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
  dir = await mkdtemp(join(tmpdir(), 'cnn-playground-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Two Gaussian blobs at (-1, -1) (class 0) and (1, 1) (class 1), seeded. */
function blobs(): { inputs: tf.Tensor2D; labels: tf.Tensor1D } {
  const a = tf.randomNormal([40, 2], -1, 0.3, 'float32', 1);
  const b = tf.randomNormal([40, 2], 1, 0.3, 'float32', 2);
  const inputs = tf.concat([a, b]) as tf.Tensor2D;
  tf.dispose([a, b]);
  return { inputs, labels: tf.tensor1d([...new Array(40).fill(0), ...new Array(40).fill(1)], 'int32') };
}

describe('playground', () => {
  it('trains an MLP on 2-D points and writes decision-boundary frames', async () => {
    const data = blobs();
    const before = tf.memory().numTensors;
    const result = await playground(data, { model: { hiddenUnits: [4] }, training: { epochs: 6 }, frameEvery: 3, outDir: dir, image: { size: 64 } });
    expect(result.files.map((f) => f.slice(dir.length + 1))).toEqual(['frame-0003.png', 'frame-0006.png', 'decision-boundary.png']);
    expect(result.accuracy).toBeGreaterThan(0.95);
    expect(result.history.epochs).toHaveLength(6);
    const png = decodePng(new Uint8Array(await readFile(result.files[2]!)));
    expect(png.shape).toEqual([64, 64, 3]);
    // Bottom-left is class 0 (blue-ish background), top-right class 1 (orange-ish).
    const [bottomLeft, topRight] = tf.tidy(() => [Array.from(png.slice([62, 1, 0], [1, 1, 3]).dataSync()), Array.from(png.slice([1, 62, 0], [1, 1, 3]).dataSync())]);
    expect(bottomLeft![2]!).toBeGreaterThan(bottomLeft![0]!);
    expect(topRight![0]!).toBeGreaterThan(topRight![2]!);
    png.dispose();
    result.model.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(data);
  });

  it('decisionBoundaryImage wants 2-D points', () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3], activation: 'softmax' })] });
    const x = tf.zeros([2, 3]);
    expect(() => decisionBoundaryImage(model, { inputs: x, labels: [0, 1] })).toThrow(ShapeError);
    tf.dispose(x);
    model.dispose();
  });
});
