import { InvalidArgumentError } from '@deepcourse/backend';

export interface PadSequencesOptions {
  /** Length of every output row (default: the longest input sequence). */
  maxlen?: number | null;
  /** Where padding goes: 'pre' (default, as in Keras) or 'post'. */
  padding?: 'pre' | 'post';
  /** Which end is cut from longer sequences: 'pre' (default, keeps the last maxlen items) or 'post'. */
  truncating?: 'pre' | 'post';
  /** Padding value (default 0). */
  value?: number;
}

/**
 * Keras `pad_sequences` with its defaults exactly: padding 'pre', truncating 'pre', maxlen = the longest
 * sequence, value 0. Returns new arrays; the input is never modified.
 *
 * @example
 * padSequences([[1], [2, 3], [4, 5, 6]]); // [[0, 0, 1], [0, 2, 3], [4, 5, 6]]
 * padSequences([[1], [2, 3], [4, 5, 6]], { maxlen: 2 }); // [[0, 1], [2, 3], [5, 6]]
 */
export function padSequences(sequences: readonly (readonly number[])[], options: PadSequencesOptions = {}): number[][] {
  const { maxlen = null, padding = 'pre', truncating = 'pre', value = 0 } = options;
  if (!Array.isArray(sequences)) throw new InvalidArgumentError('sequences', 'an array of number arrays', sequences);
  sequences.forEach((s, i) => {
    if (!Array.isArray(s)) throw new InvalidArgumentError(`sequences[${i}]`, 'an array of numbers', s);
  });
  if (maxlen !== null && (!Number.isSafeInteger(maxlen) || maxlen < 0)) {
    throw new InvalidArgumentError('maxlen', 'a non-negative integer or null', maxlen);
  }
  if (padding !== 'pre' && padding !== 'post') throw new InvalidArgumentError('padding', "'pre' or 'post'", padding);
  if (truncating !== 'pre' && truncating !== 'post') throw new InvalidArgumentError('truncating', "'pre' or 'post'", truncating);
  if (typeof value !== 'number') throw new InvalidArgumentError('value', 'a number', value);
  const length = maxlen ?? sequences.reduce((m, s) => Math.max(m, s.length), 0);
  return sequences.map((s) => {
    const row = new Array<number>(length).fill(value);
    if (s.length === 0 || length === 0) return row;
    const kept = s.length <= length ? s.slice() : truncating === 'pre' ? s.slice(s.length - length) : s.slice(0, length);
    const offset = padding === 'pre' ? length - kept.length : 0;
    for (let i = 0; i < kept.length; i++) row[offset + i] = kept[i] as number;
    return row;
  });
}
