import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { InvalidArgumentError } from '@deepcourse/backend';
import { DatasetFormatError, DatasetNotFoundError } from '../errors.js';
import { isGzip } from '../idx.js';

export interface SourceOptions {
  /**
   * Folder where downloads are kept (created if missing). Default: `$DEEPCOURSE_CACHE_DIR`, else
   * `~/.cache/deepcourse/datasets`. A cached file is reused without a request (and re-fetched when its
   * checksum does not match `sha256`).
   */
  readonly cacheDir?: string;
  /** Expected SHA-256 (hex) of the file as stored (before decompression). Checked for paths, URLs and cache hits. */
  readonly sha256?: string;
  /** Time limit of one download in milliseconds (default 120000). */
  readonly timeoutMs?: number;
}

export function defaultCacheDir(): string {
  return process.env.DEEPCOURSE_CACHE_DIR ?? join(homedir(), '.cache', 'deepcourse', 'datasets');
}

function isHttpUrl(source: string): boolean {
  return /^https?:\/\//i.test(source);
}

function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function checkSha(expected: string | undefined): string | undefined {
  if (expected === undefined) return undefined;
  if (!/^[0-9a-fA-F]{64}$/.test(expected)) throw new InvalidArgumentError('options.sha256', '64 hexadecimal digits', expected);
  return expected.toLowerCase();
}

/** Where a URL is cached: a short hash of the whole URL keeps files of the same name apart. */
export function cachePathFor(url: string, cacheDir: string): string {
  const name = basename(new URL(url).pathname) || 'download';
  return join(cacheDir, `${createHash('sha256').update(url).digest('hex').slice(0, 12)}-${name}`);
}

/**
 * Reads a file from a path, a `file:` URL or an http(s) URL (downloaded once into the cache folder, written
 * atomically), optionally checking its SHA-256. Returns the bytes as stored (still compressed if they were).
 */
export async function readSource(source: string, options: SourceOptions = {}): Promise<{ bytes: Uint8Array; file: string; fromCache: boolean }> {
  if (typeof source !== 'string' || source === '') throw new InvalidArgumentError('source', 'a path or an http(s) URL', source);
  const expected = checkSha(options.sha256);
  if (!isHttpUrl(source)) {
    const path = source.startsWith('file:') ? fileURLToPath(source) : source;
    const bytes = await readLocal(path);
    verify(bytes, expected, path);
    return { bytes, file: path, fromCache: false };
  }
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const cached = cachePathFor(source, cacheDir);
  try {
    const bytes = new Uint8Array(await readFile(cached));
    if (expected === undefined || sha256Hex(bytes) === expected) return { bytes, file: source, fromCache: true };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const bytes = await download(source, options.timeoutMs ?? 120_000);
  verify(bytes, expected, source);
  await mkdir(cacheDir, { recursive: true });
  const partial = `${cached}.${process.pid}.${Date.now()}.partial`;
  try {
    await writeFile(partial, bytes);
    await rename(partial, cached);
  } finally {
    await rm(partial, { force: true });
  }
  return { bytes, file: source, fromCache: false };
}

async function readLocal(path: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new DatasetNotFoundError(path, 'no such file');
    if (code === 'EISDIR') throw new DatasetNotFoundError(path, 'is a directory, expected a file');
    if (code === 'EACCES') throw new DatasetNotFoundError(path, 'permission denied');
    throw error;
  }
}

async function download(url: string, timeoutMs: number): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
  } catch (error) {
    const cause = (error as { cause?: { message?: string } }).cause?.message;
    throw new DatasetNotFoundError(url, `download failed (${(error as Error).message}${cause === undefined ? '' : `: ${cause}`})`);
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new DatasetNotFoundError(url, `download failed with HTTP ${response.status} ${response.statusText}`.trim());
  }
  const bytes = new Uint8Array(await response.arrayBuffer());
  const declared = response.headers.get('content-length');
  if (declared !== null && response.headers.get('content-encoding') === null && Number(declared) !== bytes.length) {
    throw new DatasetFormatError(url, `${declared} bytes (Content-Length)`, `${bytes.length} bytes (interrupted download)`, { byteOffset: bytes.length });
  }
  return bytes;
}

function verify(bytes: Uint8Array, expected: string | undefined, file: string): void {
  if (expected === undefined) return;
  const actual = sha256Hex(bytes);
  if (actual !== expected) throw new DatasetFormatError(file, `SHA-256 ${expected}`, `SHA-256 ${actual}`);
}

const gunzipAsync = promisify(gunzip);

/** Gunzips bytes that start with the gzip magic number (on libuv's thread pool); returns other bytes unchanged. */
export async function gunzipIfNeeded(bytes: Uint8Array, file: string): Promise<Uint8Array> {
  if (!isGzip(bytes)) return bytes;
  try {
    const out = await gunzipAsync(bytes);
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  } catch (error) {
    throw new DatasetFormatError(file, 'a complete gzip stream', `a corrupt or truncated one (${(error as Error).message})`);
  }
}
