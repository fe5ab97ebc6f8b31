import { describe, expect, it } from 'vitest';
import { padSequences } from './pad-sequences.js';

describe('padSequences (Keras defaults)', () => {
  const seqs = [[1], [2, 3], [4, 5, 6]];
  it('pads at the front to the longest sequence', () => {
    expect(padSequences(seqs)).toEqual([
      [0, 0, 1],
      [0, 2, 3],
      [4, 5, 6],
    ]);
  });
  it('truncates at the front with maxlen', () => {
    expect(padSequences(seqs, { maxlen: 2 })).toEqual([
      [0, 1],
      [2, 3],
      [5, 6],
    ]);
  });
  it('supports post padding, post truncating and a padding value', () => {
    expect(padSequences(seqs, { maxlen: 2, padding: 'post', truncating: 'post', value: -1 })).toEqual([
      [1, -1],
      [2, 3],
      [4, 5],
    ]);
  });
  it('never modifies its input and handles empty sequences', () => {
    const input = [[1, 2, 3], []];
    const copy = structuredClone(input);
    const out = padSequences(input, { maxlen: 2 });
    expect(out).toEqual([
      [2, 3],
      [0, 0],
    ]);
    expect(input).toEqual(copy);
    expect(padSequences([])).toEqual([]);
  });
  it('rejects bad options', () => {
    expect(() => padSequences(seqs, { padding: 'middle' as 'pre' })).toThrow(/padding/);
    expect(() => padSequences(seqs, { maxlen: 1.5 })).toThrow(/maxlen/);
  });
});
