import { describe, expect, test } from 'vitest';
import { parseDemoArgs, UsageError } from './cli.js';

const ids = ['data', 'cnn', 'xai'];

describe('parseDemoArgs', () => {
  test('defaults', () => {
    expect(parseDemoArgs([], ids)).toEqual({ quick: false, only: undefined, out: 'report', backend: 'auto', seed: 42 });
  });

  test('every option, with the `--` pnpm passes through', () => {
    expect(parseDemoArgs(['--', '--quick', '--only', 'cnn, xai', '--out', '/tmp/r', '--backend', 'cpu', '--seed', '7'], ids)).toEqual({
      quick: true,
      only: ['cnn', 'xai'],
      out: '/tmp/r',
      backend: 'cpu',
      seed: 7,
    });
    expect(parseDemoArgs(['--help'], ids)).toBe('help');
  });

  test('bad values are usage errors that say what was expected', () => {
    expect(() => parseDemoArgs(['--only', 'gan'], ids)).toThrow(/--only: expected stage ids from data, cnn, xai, found gan/);
    expect(() => parseDemoArgs(['--backend', 'gpu'], ids)).toThrow(UsageError);
    expect(() => parseDemoArgs(['--seed', '1.5'], ids)).toThrow(/--seed: expected an integer, found 1.5/);
    expect(() => parseDemoArgs(['--fast'], ids)).toThrow(UsageError);
  });
});
