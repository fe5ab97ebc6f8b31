import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { initBackend, tf } from '@deepcourse/backend';
import { expectError, expectNoLeak, withTempDir } from '../../test-support/helpers.js';
import { DatasetFormatError, DatasetNotFoundError } from '../errors.js';
import { encodeIdx } from '../idx.js';
import { DEBIAN_FASHION_MNIST_DIR, FASHION_MNIST_CLASS_NAMES, fashionMnist, loadIdx, mnist } from './idx-files.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

/** n 4x4 images whose pixels are (image index * 16 + pixel index) and labels i % 10. */
function generated(n: number): { images: Uint8Array; labels: Uint8Array } {
  return {
    images: encodeIdx({ dtype: 'uint8', shape: [n, 4, 4], data: Array.from({ length: n * 16 }, (_, i) => i % 256) }),
    labels: encodeIdx({ dtype: 'uint8', shape: [n], data: Array.from({ length: n }, (_, i) => i % 10) }),
  };
}

const sha = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

describe('loadIdx from files', () => {
  test('raw and .gz files give the same tensors, with pixel values bytes / 255', async () => {
    await withTempDir(async (dir) => {
      const set = generated(12);
      await writeFile(join(dir, 'imgs'), set.images);
      await writeFile(join(dir, 'lbls'), set.labels);
      await writeFile(join(dir, 'imgs.gz'), gzipSync(set.images));
      await writeFile(join(dir, 'lbls.gz'), gzipSync(set.labels));
      const raw = await loadIdx({ images: join(dir, 'imgs'), labels: join(dir, 'lbls') });
      await expectNoLeak(
        () => loadIdx({ images: join(dir, 'imgs.gz'), labels: join(dir, 'lbls.gz') }),
        (gz) => {
          expect(gz.images.shape).toEqual([12, 4, 4, 1]);
          expect(Array.from(gz.images.dataSync())).toEqual(Array.from(raw.images.dataSync()));
          expect(gz.images.dataSync()[17]).toBe(Math.fround(17 / 255));
          expect(Array.from(gz.labels.dataSync())).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
        },
      );
      tf.dispose(raw);
    });
  });

  test('corrupt files: truncated images, wrong magic, count mismatch, label out of range, missing file', async () => {
    await withTempDir(async (dir) => {
      const set = generated(5);
      const write = async (name: string, bytes: Uint8Array): Promise<string> => {
        await writeFile(join(dir, name), bytes);
        return join(dir, name);
      };
      const labels = await write('labels', set.labels);
      const truncated = await write('truncated', set.images.subarray(0, 50));
      await expectError(loadIdx({ images: truncated, labels }), DatasetFormatError, `${truncated} (byte offset 50)`, 'truncated');
      const badMagic = set.images.slice();
      badMagic[0] = 0x1a;
      await expectError(loadIdx({ images: await write('magic', badMagic), labels }), DatasetFormatError, 'magic (byte offset 0)');
      const fewer = await write('fewer', encodeIdx({ dtype: 'uint8', shape: [4], data: [0, 1, 2, 3] }));
      await expectError(loadIdx({ images: await write('images', set.images), labels: fewer }), DatasetFormatError, '5 images', '4 labels', 'fewer');
      const outOfRange = await write('range', encodeIdx({ dtype: 'uint8', shape: [5], data: [0, 1, 2, 3, 10] }));
      await expectError(loadIdx({ images: join(dir, 'images'), labels: outOfRange }, { numClasses: 10 }), DatasetFormatError, 'range (byte offset 12, entry 4)', 'label 10');
      const truncatedGz = gzipSync(set.images);
      await expectError(loadIdx({ images: await write('cut.gz', truncatedGz.subarray(0, 40)), labels }), DatasetFormatError, 'cut.gz', 'gzip');
      await expectError(loadIdx({ images: join(dir, 'nope'), labels }), DatasetNotFoundError, 'nope', 'no such file');
    });
  });

  test('a sha256 that does not match a local file is an error naming both digests; file: URLs read local files', async () => {
    await withTempDir(async (dir) => {
      const set = generated(3);
      await writeFile(join(dir, 'i'), set.images);
      await writeFile(join(dir, 'l'), set.labels);
      const wrong = '0'.repeat(64);
      await expectError(loadIdx({ images: join(dir, 'i'), labels: join(dir, 'l') }, { sha256: { images: wrong } }), DatasetFormatError, `SHA-256 ${wrong}`, `SHA-256 ${sha(set.images)}`);
      const ok = await loadIdx({ images: pathToFileURL(join(dir, 'i')).href, labels: join(dir, 'l') }, { sha256: { images: sha(set.images), labels: sha(set.labels) } });
      expect(ok.images.shape[0]).toBe(3);
      tf.dispose(ok);
    });
  });
});

describe('loadIdx from http(s) URLs (a server on 127.0.0.1 started by the test)', () => {
  let server: Server;
  let base: string;
  const requests: string[] = [];
  const files = new Map<string, Uint8Array>();

  beforeAll(async () => {
    const set = generated(20);
    files.set('/train-images-idx3-ubyte.gz', gzipSync(set.images));
    files.set('/train-labels-idx1-ubyte.gz', gzipSync(set.labels));
    files.set('/other/train-labels-idx1-ubyte.gz', gzipSync(generated(20).labels));
    server = createServer((request, response) => {
      requests.push(request.url ?? '');
      const body = files.get(request.url ?? '');
      if (body === undefined) {
        response.writeHead(404).end('not found');
        return;
      }
      response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  test('downloads once into the cache folder, then reads the cache without a request', async () => {
    await withTempDir(async (cacheDir) => {
      const sources = { images: `${base}/train-images-idx3-ubyte.gz`, labels: `${base}/train-labels-idx1-ubyte.gz` };
      requests.length = 0;
      const first = await loadIdx(sources, { cacheDir });
      expect(requests.sort()).toEqual(['/train-images-idx3-ubyte.gz', '/train-labels-idx1-ubyte.gz']);
      const cached = await readdir(cacheDir);
      expect(cached).toHaveLength(2);
      expect(cached.every((name) => /^[0-9a-f]{12}-train-(images|labels)-idx\d-ubyte\.gz$/.test(name))).toBe(true);
      requests.length = 0;
      await expectNoLeak(
        () => loadIdx(sources, { cacheDir, sha256: { images: sha(files.get('/train-images-idx3-ubyte.gz') as Uint8Array) } }),
        (second) => {
          expect(requests).toEqual([]);
          expect(Array.from(second.images.dataSync())).toEqual(Array.from(first.images.dataSync()));
          expect(second.images.shape).toEqual([20, 4, 4, 1]);
        },
      );
      tf.dispose(first);
    });
  });

  test('files of the same name at different URLs do not share a cache entry', async () => {
    await withTempDir(async (cacheDir) => {
      const images = `${base}/train-images-idx3-ubyte.gz`;
      tf.dispose(await loadIdx({ images, labels: `${base}/train-labels-idx1-ubyte.gz` }, { cacheDir }));
      tf.dispose(await loadIdx({ images, labels: `${base}/other/train-labels-idx1-ubyte.gz` }, { cacheDir }));
      expect(await readdir(cacheDir)).toHaveLength(3);
    });
  });

  test('a download whose sha256 does not match is rejected and not cached', async () => {
    await withTempDir(async (cacheDir) => {
      const wrong = 'ab'.repeat(32);
      await expectError(
        loadIdx({ images: `${base}/train-images-idx3-ubyte.gz`, labels: `${base}/train-labels-idx1-ubyte.gz` }, { cacheDir, sha256: { labels: wrong } }),
        DatasetFormatError,
        `${base}/train-labels-idx1-ubyte.gz`,
        `SHA-256 ${wrong}`,
      );
      expect((await readdir(cacheDir)).some((name) => name.includes('labels'))).toBe(false);
    });
  });

  test('a cached file whose checksum no longer matches is fetched again', async () => {
    await withTempDir(async (cacheDir) => {
      const sources = { images: `${base}/train-images-idx3-ubyte.gz`, labels: `${base}/train-labels-idx1-ubyte.gz` };
      tf.dispose(await loadIdx(sources, { cacheDir }));
      const labelsFile = (await readdir(cacheDir)).find((name) => name.includes('labels')) as string;
      await writeFile(join(cacheDir, labelsFile), gzipSync(encodeIdx({ dtype: 'uint8', shape: [1], data: [0] })));
      requests.length = 0;
      const labelsSha = sha(files.get('/train-labels-idx1-ubyte.gz') as Uint8Array);
      const reloaded = await loadIdx(sources, { cacheDir, sha256: { labels: labelsSha } });
      expect(requests).toEqual(['/train-labels-idx1-ubyte.gz']);
      expect(reloaded.labels.shape).toEqual([20]);
      tf.dispose(reloaded);
    });
  });

  test('HTTP 404 is a DatasetNotFoundError naming the URL and status', async () => {
    await withTempDir(async (cacheDir) => {
      await expectError(loadIdx({ images: `${base}/missing.gz`, labels: `${base}/train-labels-idx1-ubyte.gz` }, { cacheDir }), DatasetNotFoundError, `${base}/missing.gz`, 'HTTP 404');
    });
  });
});

describe('mnist(dir) and fashionMnist(dir)', () => {
  test('find the classic file names in a folder (raw or .gz, dash or dot spelling)', async () => {
    await withTempDir(async (dir) => {
      const train = generated(30);
      const test10k = generated(10);
      await writeFile(join(dir, 'train-images-idx3-ubyte'), train.images);
      await writeFile(join(dir, 'train-labels-idx1-ubyte.gz'), gzipSync(train.labels));
      await writeFile(join(dir, 't10k-images.idx3-ubyte'), test10k.images);
      await writeFile(join(dir, 't10k-labels.idx1-ubyte'), test10k.labels);
      await expectNoLeak(
        () => mnist(dir),
        ({ train: tr, test: te }) => {
          expect(tr.images.shape).toEqual([30, 4, 4, 1]);
          expect(te.images.shape).toEqual([10, 4, 4, 1]);
          expect(tr.classNames).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
        },
      );
      await expectNoLeak(
        () => fashionMnist(dir, 'test', { pixelScale: 'byte' }),
        (te) => {
          expect(te.classNames).toEqual(FASHION_MNIST_CLASS_NAMES);
          expect(te.images.dataSync()[20]).toBe(20);
        },
      );
    });
  });

  test('a folder without the files says what it looked for and how to install Fashion-MNIST', async () => {
    await withTempDir(async (dir) => {
      await mkdir(join(dir, 'empty'));
      await expectError(fashionMnist(join(dir, 'empty'), 'train'), DatasetNotFoundError, 'train-images-idx3-ubyte.gz', 'apt-get install dataset-fashion-mnist');
    });
  });

  const haveFashion = existsSync(join(DEBIAN_FASHION_MNIST_DIR, 'train-images-idx3-ubyte.gz'));
  test.skipIf(!haveFashion)(
    `real Fashion-MNIST from ${DEBIAN_FASHION_MNIST_DIR} (skipped where Debian's dataset-fashion-mnist is not installed)`,
    async () => {
      await expectNoLeak(
        () => fashionMnist(),
        ({ train, test: t10k }) => {
          expect(train.images.shape).toEqual([60000, 28, 28, 1]);
          expect(t10k.images.shape).toEqual([10000, 28, 28, 1]);
          // The published label sequence starts 9 0 0 3 0 2 7 2 5 5 (train) and 9 2 1 1 6 1 4 6 5 7 (test).
          expect(Array.from(train.labels.dataSync().slice(0, 10))).toEqual([9, 0, 0, 3, 0, 2, 7, 2, 5, 5]);
          expect(Array.from(t10k.labels.dataSync().slice(0, 10))).toEqual([9, 2, 1, 1, 6, 1, 4, 6, 5, 7]);
          // Balanced classes: 6,000 per class in train, 1,000 in test.
          const counts = (labels: tf.Tensor1D) => tf.tidy(() => Array.from(tf.bincount(labels, tf.tensor1d([], 'float32'), 10).dataSync()));
          expect(counts(train.labels)).toEqual(new Array(10).fill(6000));
          expect(counts(t10k.labels)).toEqual(new Array(10).fill(1000));
          const [min, max] = tf.tidy(() => [train.images.min().dataSync()[0], train.images.max().dataSync()[0]]);
          expect([min, max]).toEqual([0, 1]);
        },
      );
    },
  );
});
