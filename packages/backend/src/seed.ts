import { InvalidArgumentError } from './errors.js';

/**
 * A deterministic stream of random numbers and seeds. Every random choice in
 * deepcourse (initialisers, shuffles, augmentation, sampling, noise) draws
 * from one of these, so a run is reproduced by its seed.
 */
export interface SeedStream {
  /** The seed this stream started from. */
  readonly seed: number;
  /** A fresh unsigned 32-bit integer: a seed for a tfjs op, an initialiser or another stream. */
  next(): number;
  /** A float in [0, 1). */
  uniform(): number;
  /** An integer in [low, high). */
  uniformInt(low: number, high: number): number;
  /** A normally distributed float (Box-Muller). */
  normal(mean?: number, std?: number): number;
  /** A shuffled copy of `items` (Fisher-Yates); the input is not modified. */
  shuffle<T>(items: readonly T[]): T[];
  /** A random permutation of 0..n-1. */
  permutation(n: number): Int32Array;
  /** An independent child stream; the parent advances by one draw. */
  fork(): SeedStream;
}

const DEFAULT_SEED = 42;
let globalSeed = DEFAULT_SEED;

/** Sets the seed that `seedStream()` uses when called without one (`initBackend({ seed })` calls this). */
export function setGlobalSeed(seed: number): void {
  checkSeed(seed, 'seed');
  globalSeed = seed;
}

/** The seed `seedStream()` uses when called without one (42 until set). */
export function getGlobalSeed(): number {
  return globalSeed;
}

/** A seed stream (sfc32 generator, state mixed from the seed by splitmix32). */
export function seedStream(seed: number = globalSeed): SeedStream {
  checkSeed(seed, 'seed');
  return new Sfc32Stream(seed);
}

function checkSeed(seed: unknown, argument: string): asserts seed is number {
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) {
    throw new InvalidArgumentError(argument, 'a safe integer', seed);
  }
}

/** splitmix32: spreads any integer seed over the generator's 128-bit state. */
function splitmix32(state: number): () => number {
  let s = state >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

class Sfc32Stream implements SeedStream {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spareNormal: number | undefined;

  constructor(readonly seed: number) {
    // Fold the high bits of large seeds in, so 1 and 2**32 + 1 differ.
    const mix = splitmix32((seed >>> 0) ^ Math.floor(seed / 2 ** 32));
    this.a = mix();
    this.b = mix();
    this.c = mix();
    this.d = mix();
    for (let i = 0; i < 12; i++) this.next();
  }

  next(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }

  uniform(): number {
    // 53 random bits, like Math.random's resolution.
    return (this.next() * 2 ** 21 + (this.next() >>> 11)) / 2 ** 53;
  }

  uniformInt(low: number, high: number): number {
    if (!Number.isSafeInteger(low) || !Number.isSafeInteger(high) || high <= low) {
      throw new InvalidArgumentError('uniformInt(low, high)', 'integers with low < high', `low=${low}, high=${high}`);
    }
    return low + Math.floor(this.uniform() * (high - low));
  }

  normal(mean = 0, std = 1): number {
    if (this.spareNormal !== undefined) {
      const z = this.spareNormal;
      this.spareNormal = undefined;
      return mean + std * z;
    }
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return mean + std * r * Math.cos(2 * Math.PI * v);
  }

  shuffle<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.uniform() * (i + 1));
      const tmp = out[i] as T;
      out[i] = out[j] as T;
      out[j] = tmp;
    }
    return out;
  }

  permutation(n: number): Int32Array {
    if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError('permutation(n)', 'a non-negative integer', n);
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(this.uniform() * (i + 1));
      const tmp = out[i] as number;
      out[i] = out[j] as number;
      out[j] = tmp;
    }
    return out;
  }

  fork(): SeedStream {
    return new Sfc32Stream(this.next());
  }
}
