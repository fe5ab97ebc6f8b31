import { beforeAll, describe, expect, test } from 'vitest';
import { initBackend, seedStream, tf } from '@deepcourse/backend';
import { aspectRatioCropBox, resizePixels } from './resize.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe('resizePixels agrees with TensorFlow half-pixel resizing (tfjs cpu as reference)', () => {
  const random = seedStream(5);
  const cases: [number, number, number, number, number][] = [
    [7, 5, 3, 14, 9], // upscale
    [31, 17, 1, 8, 6], // downscale
    [10, 10, 4, 10, 10], // identity
    [3, 12, 3, 5, 4], // mixed
  ];
  for (const [h, w, c, oh, ow] of cases) {
    for (const method of ['bilinear', 'nearest'] as const) {
      test(`${method} ${h}x${w}x${c} -> ${oh}x${ow}`, () => {
        const input = Uint8Array.from({ length: h * w * c }, () => random.uniformInt(0, 256));
        const ours = resizePixels(input, h, w, c, oh, ow, method);
        const reference = tf.tidy(() => {
          const image = tf.tensor3d(Array.from(input), [h, w, c], 'float32');
          return method === 'bilinear' ? tf.image.resizeBilinear(image, [oh, ow], false, true) : tf.image.resizeNearestNeighbor(image, [oh, ow], false, true);
        });
        const expected = reference.dataSync();
        reference.dispose();
        expect(ours.length).toBe(expected.length);
        ours.forEach((v, i) => expect(v).toBeCloseTo(expected[i] as number, 3));
      });
    }
  }
});

describe('aspectRatioCropBox (Keras smart_resize crop)', () => {
  test('centres the largest box with the target ratio', () => {
    expect(aspectRatioCropBox(100, 200, 50, 50)).toEqual([0, 50, 100, 100]);
    expect(aspectRatioCropBox(300, 100, 10, 20)).toEqual([125, 0, 50, 100]);
    expect(aspectRatioCropBox(64, 64, 32, 32)).toEqual([0, 0, 64, 64]);
  });
});
