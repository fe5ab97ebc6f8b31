import { createServer, type Server } from 'node:http';
import { mkdtemp, readFile, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { tf } from '../tf.js';
import { ModelFileError } from '../errors.js';
import { loadModel, loadModelMetadata, saveModel } from './index.js';

let dir: string;
let server: Server;
let baseUrl: string;

function cnn(seed: number): tf.LayersModel {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [8, 8, 1], filters: 3, kernelSize: 3, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed }) }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 4, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }) }),
    ],
  });
}

beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = await mkdtemp(join(tmpdir(), 'dc-model-'));
  server = createServer(async (req, res) => {
    try {
      const body = await readFile(join(dir, decodeURIComponent(req.url ?? '/')));
      res.writeHead(200).end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const address = server.address() as { port: number };
  baseUrl = `http://127.0.0.1:${address.port}`;
});

afterAll(() => new Promise<void>((ok) => server.close(() => ok())));

describe('saveModel / loadModel', () => {
  test('a round trip through files predicts identically and keeps metadata; no tensors leak', async () => {
    const model = cnn(1);
    const x = tf.randomUniform([3, 8, 8, 1], 0, 1, 'float32', 5);
    const expected = (model.predict(x) as tf.Tensor).dataSync();
    const target = join(dir, 'cnn');
    const before = tf.memory().numTensors;
    await saveModel(model, target, { metadata: { labels: ['a', 'b', 'c', 'd'], normalization: { scale: 1 / 255 } } });
    expect(tf.memory().numTensors).toBe(before);
    const json = JSON.parse(await readFile(join(target, 'model.json'), 'utf8'));
    expect(json.format).toBe('layers-model');
    expect(json.weightsManifest[0].paths).toEqual(['./weights.bin']);
    const loaded = await loadModel(target);
    expect(Array.from((loaded.predict(x) as tf.Tensor).dataSync())).toEqual(Array.from(expected));
    expect(await loadModelMetadata(target)).toEqual({ labels: ['a', 'b', 'c', 'd'], normalization: { scale: 1 / 255 } });
    tf.dispose([x]); model.dispose(); loaded.dispose();
  });

  test('loads from an http URL served on 127.0.0.1, folder or model.json, and through file:// routers', async () => {
    const model = cnn(2);
    await saveModel(model, join(dir, 'served'), { metadata: { labels: ['x'] } });
    const x = tf.ones([1, 8, 8, 1]);
    const expected = Array.from((model.predict(x) as tf.Tensor).dataSync());
    for (const source of [`${baseUrl}/served`, `${baseUrl}/served/model.json`, pathToFileURL(join(dir, 'served')).href]) {
      const loaded = await loadModel(source);
      expect(Array.from((loaded.predict(x) as tf.Tensor).dataSync())).toEqual(expected);
      loaded.dispose();
    }
    expect(await loadModelMetadata(`${baseUrl}/served`)).toEqual({ labels: ['x'] });
    expect(await loadModelMetadata(`${baseUrl}/nothing-here`)).toBeUndefined();
    // The file:// router lets tfjs's own API save and load without tfjs-node.
    const url = pathToFileURL(join(dir, 'routed')).href;
    await model.save(url);
    const routed = await tf.loadLayersModel(`${url}/model.json`);
    expect(Array.from((routed.predict(x) as tf.Tensor).dataSync())).toEqual(expected);
    tf.dispose([x]); model.dispose(); routed.dispose();
  });

  test('truncated, mismatched, missing and non-JSON files are ModelFileErrors that say what is wrong', async () => {
    const model = cnn(3);
    const target = join(dir, 'broken');
    await saveModel(model, target);
    await truncate(join(target, 'weights.bin'), 100);
    const error = await loadModel(target).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelFileError);
    expect((error as Error).message).toMatch(/hold 100 bytes but model\.json describes \d+ bytes for 4 weights/);

    // Weights of another architecture: sizes do not match the manifest.
    const other = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3] })] });
    await saveModel(other, join(dir, 'other'));
    await writeFile(join(target, 'weights.bin'), await readFile(join(dir, 'other', 'weights.bin')));
    await expect(loadModel(target)).rejects.toThrow(/hold 32 bytes/);

    await expect(loadModel(join(dir, 'missing'))).rejects.toThrow(/model\.json: file not found/);
    await writeFile(join(target, 'model.json'), '{"modelTopology": ');
    await expect(loadModel(target)).rejects.toThrow(/model\.json: not valid JSON/);
    await expect(loadModel(`${baseUrl}/missing`)).rejects.toThrow(/HTTP 404/);
    model.dispose(); other.dispose();
  });
});
