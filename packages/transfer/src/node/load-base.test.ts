import { createServer, type Server } from 'node:http';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, ModelFileError, tf } from '@deepcourse/backend';
import { saveModel } from '@deepcourse/backend/node';
import { BaseInputShapeError } from '../errors.js';
import { extractFeatures } from '../extract-features.js';
import { replaceHead } from '../replace-head.js';
import { expectNoLeak, tinyBase } from '../test-utils.js';
import { digitGroup } from '../../scripts/digit-split.js';
import { digitBaseMetadata, loadBase, loadDigitBase } from './load-base.js';

let dir: string;
let server: Server;
let origin: string;
const requested: string[] = [];

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
  dir = await mkdtemp(join(tmpdir(), 'transfer-load-'));
  const base = tinyBase(21, 'served_base');
  await saveModel(base, join(dir, 'served'));
  base.dispose();
  // A static file server on 127.0.0.1, as a user would host a converted model.
  server = createServer((request, response) => {
    requested.push(request.url ?? '');
    readFile(join(dir, decodeURIComponent(request.url ?? '/')))
      .then((bytes) => response.writeHead(200).end(bytes))
      .catch(() => response.writeHead(404).end('not found'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

describe('loadBase', () => {
  it('loads a base from a URL served on 127.0.0.1 that predicts like the saved one', async () => {
    const fromDisk = await loadBase(join(dir, 'served'));
    const fromUrl = await expectNoLeak(() => loadBase(`${origin}/served/`), (m) => m.weights.length);
    expect(requested).toContain('/served/model.json');
    expect(requested).toContain('/served/weights.bin');
    expect(fromUrl.name).toBe('served_base');
    const x = tf.randomUniform([2, 8, 8, 1], 0, 1, 'float32', 4);
    const [a, b] = [fromDisk.predict(x) as tf.Tensor, fromUrl.predict(x) as tf.Tensor];
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    // And it takes a new head like any base.
    const model = replaceHead(fromUrl, { numClasses: 2 });
    expect(model.outputs[0]!.shape).toEqual([null, 2]);
    tf.dispose([x, a, b]);
    fromDisk.dispose();
    model.dispose();
  });

  it('a base that does not fit the images gives a typed error naming both shapes', async () => {
    const before = tf.memory().numTensors;
    const error = await loadBase(`${origin}/served/model.json`, { inputShape: [150, 150, 3] }).catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(BaseInputShapeError);
    expect((error as Error).message).toBe(
      `inputShape: expected [8, 8, 1], the input of the base at ${origin}/served/model.json, found [150, 150, 3]; resize or convert the images, or use a base built for this shape`,
    );
    // The model it loaded to check is freed.
    expect(tf.memory().numTensors).toBe(before);
    await expect(loadBase(`${origin}/missing/`)).rejects.toThrow(ModelFileError);
  });
});

describe('the shipped digit base', () => {
  it('loads with its recorded data, command and accuracy, and gives 576 features per digit', async () => {
    const metadata = await digitBaseMetadata();
    expect(metadata.labels).toEqual(['0', '1', '2', '3', '4']);
    expect(metadata.command).toMatch(/^pnpm --filter @deepcourse\/transfer train-base/);
    expect(metadata.testAccuracy).toBeGreaterThan(0.95);
    const base = await loadDigitBase({ inputShape: [28, 28, 1] });
    expect(base.outputs[0]!.shape).toEqual([null, 5]);
    const blank = tf.zeros([3, 28, 28, 1]);
    const features = await expectNoLeak(() => extractFeatures(base, blank), () => 1);
    expect(features.shape).toEqual([3, 576]);
    tf.dispose([blank, features]);
    base.dispose();
    await expect(loadDigitBase({ inputShape: [32, 32, 3] })).rejects.toThrow(BaseInputShapeError);
  });

  it('recognises the real test digits 0-4 with the accuracy its metadata records', async () => {
    const metadata = await digitBaseMetadata();
    const base = await loadDigitBase();
    const test = await digitGroup('test', 0);
    const predicted = tf.tidy(() => (base.predict(test.images) as tf.Tensor).argMax(-1).dataSync());
    const labels = Array.from(test.labels.dataSync());
    const correct = labels.reduce((sum, label, i) => sum + (predicted[i] === label ? 1 : 0), 0);
    expect(test.count).toBe(1025);
    // Recorded on the backend that trained it; the cpu backend may round a borderline digit differently.
    expect(Math.abs(correct / test.count - (metadata.testAccuracy as number))).toBeLessThanOrEqual(0.002);
    tf.dispose([test.images, test.labels]);
    base.dispose();
  });
});
