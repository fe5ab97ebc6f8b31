import { readFile, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';

/** Content types of what a Vite build emits; `.wasm` must be application/wasm for streaming compilation. */
export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.gz': 'application/gzip',
  '.map': 'application/json',
};

export interface StaticServer {
  /** 'http://127.0.0.1:<port>' */
  readonly origin: string;
  /** Every path requested, with its status. */
  readonly requests: { path: string; status: number }[];
  close(): Promise<void>;
}

/** Serves the files under `root` on 127.0.0.1 (a free port); '/' is index.html. */
export async function serveDirectory(root: string): Promise<StaticServer> {
  const requests: { path: string; status: number }[] = [];
  const server: Server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
    const file = normalize(join(root, path.endsWith('/') ? `${path}index.html` : path));
    const send = (status: number, body: Uint8Array | string, type = 'text/plain; charset=utf-8'): void => {
      requests.push({ path, status });
      response.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
      response.end(body);
    };
    if (file !== root && !file.startsWith(root + sep)) return send(403, 'outside the served folder');
    stat(file)
      .then(async (info) => {
        if (!info.isFile()) return send(404, 'not found');
        send(200, await readFile(file), CONTENT_TYPES[extname(file)] ?? 'application/octet-stream');
      })
      .catch(() => send(404, 'not found'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}
