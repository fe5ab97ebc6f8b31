import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { expect } from 'vitest';
import { tf } from '@deepcourse/backend';

/** Runs `body` in a fresh temporary folder, removed afterwards. */
export async function withTempDir<T>(body: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'deepcourse-datasets-'));
  try {
    return await body(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Calls `body`, disposes what it returns (the caller-owned result) and asserts that the number of live
 * tensors is back to where it was: nothing leaked inside the call, and the result held every new tensor.
 */
export async function expectNoLeak<T>(body: () => T | Promise<T>, check?: (result: T) => void | Promise<void>): Promise<T> {
  const before = tf.memory().numTensors;
  const result = await body();
  try {
    if (check !== undefined) await check(result);
  } finally {
    tf.dispose(result as unknown as tf.TensorContainer);
  }
  expect(tf.memory().numTensors).toBe(before);
  return result;
}

/** Asserts that `promise` (or function) fails with an error of `type` whose message contains every part. */
export async function expectError(action: Promise<unknown> | (() => unknown), type: abstract new (...args: never[]) => Error, ...parts: (string | RegExp)[]): Promise<Error> {
  let error: unknown;
  try {
    await (typeof action === 'function' ? action() : action);
  } catch (caught) {
    error = caught;
  }
  expect(error, 'expected an error').toBeInstanceOf(type);
  for (const part of parts) {
    if (typeof part === 'string') expect((error as Error).message).toContain(part);
    else expect((error as Error).message).toMatch(part);
  }
  return error as Error;
}

/**
 * The course data folder from COURSE_DATA_DIR, or undefined when unset. A relative value is taken from the
 * monorepo root (where `COURSE_DATA_DIR=../shared/data/course` is meant), falling back to the current folder.
 */
export function courseDataDir(): string | undefined {
  const value = process.env.COURSE_DATA_DIR;
  if (value === undefined || value === '') return undefined;
  if (isAbsolute(value)) return value;
  let dir = process.cwd();
  while (!existsSync(join(dir, 'pnpm-workspace.yaml'))) {
    const parent = dirname(dir);
    if (parent === dir) return resolve(value);
    dir = parent;
  }
  return resolve(dir, value);
}
