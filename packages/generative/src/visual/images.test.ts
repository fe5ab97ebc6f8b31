import { beforeAll, describe, expect, it } from 'vitest';
import { tf, initBackend, ShapeError } from '@deepcourse/backend';
import { dcgan, conditionalDcgan } from '../models/dcgan.js';
import { vae } from '../models/vae.js';
import { interpolateLatents, interpolationStrip, latentManifold, reconstructionGrid, sampleGrid } from './images.js';
import { latentScatter, TAB10 } from './latent-scatter.js';
import { expectNoLeak } from '../test-utils.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

const tiny = { latentDim: 4, imageSize: 8, generatorBaseFilters: 2, generatorConvFilters: 2, discriminatorFilters: [2, 2] as [number, number], kernelSize: 3 };

describe('sampleGrid', () => {
  it('tiles seeded samples in [0, 1]; the same seed gives the same grid', async () => {
    const gan = dcgan(tiny);
    const a = await expectNoLeak(() => sampleGrid(gan, { count: 6, columns: 3, padding: 1, seed: 2 }), () => 1);
    expect(a.shape).toEqual([2 * 9 + 1, 3 * 9 + 1, 1]);
    const b = sampleGrid(gan, { count: 6, columns: 3, padding: 1, seed: 2 });
    const c = sampleGrid(gan, { count: 6, columns: 3, padding: 1, seed: 3 });
    expect(tf.tidy(() => a.sub(b).abs().max().dataSync()[0])).toBe(0);
    expect(tf.tidy(() => a.sub(c).abs().max().dataSync()[0])).toBeGreaterThan(0);
    expect(tf.tidy(() => [a.min().dataSync()[0], a.max().dataSync()[0]])).toEqual([expect.any(Number), 1]);
    expect(a.min().dataSync()[0]).toBeGreaterThanOrEqual(0);
    const cgan = conditionalDcgan({ ...tiny, numClasses: 3 });
    const cg = sampleGrid(cgan, { count: 3, labels: [2, 1, 0] });
    expect(cg.shape[2]).toBe(1);
    expect(() => sampleGrid(cgan, { count: 2, labels: [0, 3] })).toThrow(/labels/);
    tf.dispose([a, b, c, cg]);
  });
});

describe('interpolation', () => {
  it('starts and ends at the given latents; slerp keeps the norm of equal-norm ends', () => {
    const from = tf.tensor1d([3, 0, 0, 0]);
    const to = tf.tensor1d([0, 3, 0, 0]);
    const z = interpolateLatents(from, to, 5);
    const rows = z.arraySync();
    expect(rows[0]).toEqual([3, 0, 0, 0].map((v) => expect.closeTo(v, 5)));
    expect(rows[4]).toEqual([0, 3, 0, 0].map((v) => expect.closeTo(v, 5)));
    for (const r of rows) expect(Math.hypot(...r)).toBeCloseTo(3, 4);
    const linear = interpolateLatents(from, to, 3, 'linear').arraySync();
    expect(linear[1]).toEqual([1.5, 1.5, 0, 0]);
    const strip = interpolationStrip(dcgan(tiny).generator, from, to, { steps: 4, padding: 0 });
    expect(strip.shape).toEqual([8, 32, 1]);
    expect(() => interpolateLatents(from, tf.tensor1d([1, 2]), 3)).toThrow(ShapeError);
    tf.dispose([from, to, z, strip]);
  });
});

describe('reconstructionGrid', () => {
  it('puts originals above reconstructions', () => {
    const originals = tf.ones([3, 2, 2, 1]) as tf.Tensor4D;
    const recon = tf.zeros([3, 2, 2, 1]) as tf.Tensor4D;
    const grid = reconstructionGrid(originals, recon, { columns: 3, padding: 0 });
    expect(grid.shape).toEqual([4, 6, 1]);
    const v = grid.arraySync();
    expect(v[0]![0]![0]).toBe(1);
    expect(v[3]![5]![0]).toBe(0);
    expect(() => reconstructionGrid(originals, tf.zeros([2, 2, 2, 1]) as tf.Tensor4D)).toThrow(ShapeError);
    tf.dispose([originals, recon, grid]);
  });
});

describe('latentManifold', () => {
  it('decodes an n×n grid of a 2-D latent space', () => {
    const model = vae({ inputShape: [4, 4, 1], latentDim: 2, hiddenUnits: 4 });
    const image = latentManifold(model.decoder, { n: 3, padding: 0 });
    expect(image.shape).toEqual([12, 12, 1]);
    expect(() => latentManifold(vae({ inputShape: [4, 4, 1], latentDim: 3, hiddenUnits: 4 }).decoder)).toThrow(/2-D/);
    image.dispose();
  });
});

describe('latentScatter', () => {
  it('draws each point in its label colour at the mapped pixel', async () => {
    const points = tf.tensor2d([[-1, -1], [1, 1], [0, 0]]);
    const { image, range } = await expectNoLeak(() => latentScatter(points, [0, 3, 9], { size: 64, radius: 1, range: [-2, 2], margin: 0 }), () => 1);
    expect(range).toEqual([[-2, 2], [-2, 2]]);
    const px = image.arraySync();
    const at = (x: number, y: number) => {
      const toPx = (v: number) => Math.round(((v + 2) / 4) * 63);
      const toPy = (v: number) => Math.round(((2 - v) / 4) * 63);
      return px[toPy(y)]![toPx(x)]!.map((c) => Number(c.toFixed(4)));
    };
    expect(at(-1, -1)).toEqual(TAB10[0]!.map((c) => Number(c.toFixed(4))));
    expect(at(1, 1)).toEqual(TAB10[3]!.map((c) => Number(c.toFixed(4))));
    expect(at(0, 0)).toEqual(TAB10[9]!.map((c) => Number(c.toFixed(4))));
    expect(px[20]![50]).toEqual([1, 1, 1]);
    expect(() => latentScatter(points, [0, 1])).toThrow(/labels/);
    tf.dispose([points, image]);
  });
});
