import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tf, initBackend } from '@deepcourse/backend';
import { readPng } from '@deepcourse/backend/node';
import { dcgan } from '../models/dcgan.js';
import { trainGan } from '../training/train-gan.js';
import { pngSampleWriter, writeSampleGridPng } from './index.js';
import { expectNoLeak } from '../test-utils.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe('PNG writers', () => {
  it('writes sample grids during training and on demand', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'generative-'));
    try {
      const gan = dcgan({ latentDim: 4, imageSize: 8, generatorBaseFilters: 2, generatorConvFilters: 2, discriminatorFilters: [2, 2], kernelSize: 3 });
      const writer = pngSampleWriter(dir, { prefix: 'gan', columns: 2 });
      const real = tf.randomUniform([8, 8, 8, 1], -1, 1, 'float32', 1) as tf.Tensor4D;
      await expectNoLeak(() => trainGan(gan, real, { steps: 2, batchSize: 2, sampleEvery: 1, sampleCount: 4, onSamples: writer }));
      expect(writer.written).toEqual([join(dir, 'gan-step-000001.png'), join(dir, 'gan-step-000002.png')]);
      const png = await readPng(writer.written[0]!);
      expect(png.shape).toEqual([2 * 10 + 2, 2 * 10 + 2, 1]);
      png.dispose();
      const path = await expectNoLeak(() => writeSampleGridPng(join(dir, 'grid.png'), gan, { count: 9, padding: 0 }));
      const grid = await readPng(path);
      expect(grid.shape).toEqual([24, 24, 1]);
      tf.dispose([grid, real]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
