import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { tf, initBackend, seedStream, InvalidArgumentError } from '@deepcourse/backend';
import { transformImages, FILL_MODES, INTERPOLATIONS } from './image-transform.js';
import { batchOf, rotationMatrix, translationMatrix, zoomMatrix, multiply, type Matrix3 } from './matrix.js';
import { expectNoLeak, maxAbsDifference, randomImages, referenceTransform, useCpu } from './test-utils.js';

beforeAll(useCpu);
afterAll(useCpu);

/** Seeded random affine maps: rotation, zoom out to 0.5x and in to 1.5x, shifts up to 1.5 image sizes. */
function randomMaps(n: number, h: number, w: number, seed: number): Float64Array {
  const random = seedStream(seed);
  return batchOf(n, () => {
    const r = rotationMatrix((random.uniform() - 0.5) * 2 * Math.PI, h, w);
    const z = zoomMatrix(0.5 + random.uniform(), 0.5 + random.uniform(), h, w);
    const t = translationMatrix((random.uniform() - 0.5) * 3 * w, (random.uniform() - 0.5) * 3 * h);
    return multiply(multiply(r, z), t);
  });
}

describe('transformImages', () => {
  test.each(['cpu', 'wasm'] as const)('%s: every fill mode and interpolation equals the JavaScript reference, image by image', async (backend) => {
    await initBackend({ backend });
    try {
      await checkAgainstReference(backend);
    } finally {
      await useCpu();
    }
  });

  async function checkAgainstReference(backend: string): Promise<void> {
    const images = randomImages([3, 5, 7, 2], 3);
    const maps = randomMaps(3, 5, 7, 11);
    for (const fillMode of FILL_MODES) {
      for (const interpolation of INTERPOLATIONS) {
        const out = await expectNoLeak(() => transformImages(images, maps, { fillMode, fillValue: 0.25, interpolation }), () => 1);
        const expected = referenceTransform(images, maps, fillMode, interpolation, 0.25);
        // float32 maps: bilinear agrees to rounding; nearest may differ only where a point sits on a pixel boundary.
        const actual = out.dataSync();
        if (interpolation === 'bilinear') expect(maxAbsDifference(actual, expected), `${backend} ${fillMode}`).toBeLessThan(1e-4);
        else {
          const mismatches = actual.filter((v, i) => Math.abs(v - expected[i]!) > 1e-6).length;
          expect(mismatches, `${backend} ${fillMode} nearest`).toBeLessThanOrEqual(2);
        }
        out.dispose();
      }
    }
    images.dispose();
  }

  test('reflect mirrors about the edge (b a | a b c d | d c) and wrap tiles, for shifts beyond one image size', async () => {
    const row = tf.tensor4d([1, 2, 3, 4], [1, 1, 4, 1]);
    const shifted = (dx: number, fillMode: 'reflect' | 'wrap') => {
      const out = transformImages(row, batchOf(1, () => translationMatrix(dx, 0)), { fillMode, fillValue: 0, interpolation: 'nearest' });
      const values = Array.from(out.dataSync());
      out.dispose();
      return values;
    };
    // Content moves right by 2: the two new left pixels mirror the first two.
    expect(shifted(2, 'reflect')).toEqual([2, 1, 1, 2]);
    // Right by 6 = reading from x - 6: ... a b c d | d c b a | a b c d: x=0 → -6 → c.
    expect(shifted(6, 'reflect')).toEqual([3, 4, 4, 3]);
    expect(shifted(-3, 'reflect')).toEqual([4, 4, 3, 2]);
    expect(shifted(1, 'wrap')).toEqual([4, 1, 2, 3]);
    expect(shifted(6, 'wrap')).toEqual([3, 4, 1, 2]);
    expect(shifted(-5, 'wrap')).toEqual([2, 3, 4, 1]);
    row.dispose();
  });

  test('a batch is transformed with each image its own map (not only the first)', () => {
    const images = tf.ones([4, 3, 3, 1]) as tf.Tensor4D;
    const identity: Matrix3 = [1, 0, 0, 0, 1, 0, 0, 0, 1];
    const out = transformImages(images, batchOf(4, (i) => (i === 2 ? translationMatrix(1, 0) : identity)), { fillMode: 'constant', fillValue: 0, interpolation: 'nearest' });
    const sums = Array.from(out.sum([1, 2, 3]).dataSync());
    // Image 2 lost its left column to the fill; the others are unchanged.
    expect(sums).toEqual([9, 9, 6, 9]);
    tf.dispose([images, out]);
  });

  test('int32 images come back as float32; bad maps are named errors', () => {
    const images = tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1], 'int32');
    const out = transformImages(images, batchOf(1, () => translationMatrix(0, 0)), { fillMode: 'constant', fillValue: 0, interpolation: 'nearest' });
    expect(out.dtype).toBe('float32');
    expect(Array.from(out.dataSync())).toEqual([1, 2, 3, 4]);
    expect(() => transformImages(images, new Float64Array(8), { fillMode: 'constant', fillValue: 0, interpolation: 'nearest' })).toThrow(InvalidArgumentError);
    expect(() => transformImages(images, Float64Array.from([1, 0, 0, 0, 1, 0, 0.1, 0, 1]), { fillMode: 'constant', fillValue: 0, interpolation: 'nearest' })).toThrow(
      /matrices\[0\]: expected an affine map/,
    );
    tf.dispose([images, out]);
  });
});
