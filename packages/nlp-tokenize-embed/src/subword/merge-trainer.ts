// The pair-merge loop shared by the BPE and WordPiece trainers: count adjacent symbol pairs over the
// distinct words (weighted by word count), merge the most frequent pair, update only the words that
// contain it. A max-heap with lazy deletion finds the best pair in O(log n).

export interface MergeTrainingInput {
  /** Each distinct pre-token as its initial symbol strings, with its corpus count. */
  words: { symbols: string[]; count: number }[];
  /** Stop when the symbol vocabulary (initial symbols + merges, not counting specials) reaches this size. */
  maxSymbols: number;
  /** Only pairs seen at least this often are merged. */
  minFrequency: number;
  /** Builds the merged symbol's string (BPE: a + b; WordPiece: a + b without b's '##'). */
  join: (left: string, right: string) => string;
  /** Symbols of the initial alphabet even if no word starts out with them (byte alphabet, plain characters). */
  extraSymbols?: Iterable<string>;
  /** Called every 1000 merges. */
  onProgress?: (merges: number) => void;
}

export interface MergeTrainingResult {
  /** Initial symbols, sorted by code point, then merged symbols in the order they were created. */
  symbols: string[];
  /** Merges in order, as pairs of symbol strings. */
  merges: [string, string][];
}

const PAIR_SHIFT = 2 ** 22;

class PairHeap {
  private counts: number[] = [];
  private keys: number[] = [];
  get size(): number {
    return this.keys.length;
  }
  // Higher count first; equal counts: smaller key (left id, then right id) first, for determinism.
  private before(i: number, j: number): boolean {
    const ci = this.counts[i] as number;
    const cj = this.counts[j] as number;
    return ci > cj || (ci === cj && (this.keys[i] as number) < (this.keys[j] as number));
  }
  private swap(i: number, j: number): void {
    [this.counts[i], this.counts[j]] = [this.counts[j] as number, this.counts[i] as number];
    [this.keys[i], this.keys[j]] = [this.keys[j] as number, this.keys[i] as number];
  }
  push(count: number, key: number): void {
    this.counts.push(count);
    this.keys.push(key);
    let i = this.keys.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.before(i, p)) break;
      this.swap(i, p);
      i = p;
    }
  }
  pop(): [number, number] | undefined {
    const n = this.keys.length;
    if (n === 0) return undefined;
    const top: [number, number] = [this.counts[0] as number, this.keys[0] as number];
    this.swap(0, n - 1);
    this.counts.pop();
    this.keys.pop();
    let i = 0;
    const m = n - 1;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let best = i;
      if (l < m && this.before(l, best)) best = l;
      if (r < m && this.before(r, best)) best = r;
      if (best === i) break;
      this.swap(i, best);
      i = best;
    }
    return top;
  }
}

export function learnMerges(input: MergeTrainingInput): MergeTrainingResult {
  const { words, maxSymbols, minFrequency, join } = input;
  const symbolId = new Map<string, number>();
  const initial = new Set<string>();
  for (const w of words) for (const s of w.symbols) initial.add(s);
  for (const s of input.extraSymbols ?? []) initial.add(s);
  const symbols = [...initial].sort(compareCodePoints);
  symbols.forEach((s, i) => symbolId.set(s, i));

  const seqs = words.map((w) => w.symbols.map((s) => symbolId.get(s) as number));
  const counts = words.map((w) => w.count);
  const pairCount = new Map<number, number>();
  const pairWords = new Map<number, Set<number>>();
  const heap = new PairHeap();

  const addPairs = (wi: number, sign: 1 | -1, touched: Set<number>): void => {
    const seq = seqs[wi] as number[];
    const c = (counts[wi] as number) * sign;
    for (let k = 0; k + 1 < seq.length; k++) {
      const key = (seq[k] as number) * PAIR_SHIFT + (seq[k + 1] as number);
      pairCount.set(key, (pairCount.get(key) ?? 0) + c);
      touched.add(key);
      if (sign > 0) {
        let set = pairWords.get(key);
        if (!set) pairWords.set(key, (set = new Set()));
        set.add(wi);
      }
    }
  };
  const initialTouched = new Set<number>();
  for (let wi = 0; wi < seqs.length; wi++) addPairs(wi, 1, initialTouched);
  for (const key of initialTouched) heap.push(pairCount.get(key) as number, key);

  const merges: [string, string][] = [];
  while (symbols.length < maxSymbols && heap.size > 0) {
    const top = heap.pop() as [number, number];
    const [count, key] = top;
    if (pairCount.get(key) !== count) continue; // stale entry
    if (count < minFrequency || count <= 0) break;
    const a = Math.floor(key / PAIR_SHIFT);
    const b = key % PAIR_SHIFT;
    const left = symbols[a] as string;
    const right = symbols[b] as string;
    const mergedString = join(left, right);
    let merged = symbolId.get(mergedString);
    if (merged === undefined) {
      merged = symbols.length;
      symbols.push(mergedString);
      symbolId.set(mergedString, merged);
    }
    merges.push([left, right]);
    const touched = new Set<number>();
    for (const wi of pairWords.get(key) ?? []) {
      const seq = seqs[wi] as number[];
      let has = false;
      for (let k = 0; k + 1 < seq.length; k++) if (seq[k] === a && seq[k + 1] === b) has = true;
      if (!has) continue;
      addPairs(wi, -1, touched);
      const next: number[] = [];
      for (let k = 0; k < seq.length; k++) {
        if (k + 1 < seq.length && seq[k] === a && seq[k + 1] === b) {
          next.push(merged);
          k++;
        } else next.push(seq[k] as number);
      }
      seqs[wi] = next;
      addPairs(wi, 1, touched);
    }
    pairWords.delete(key);
    for (const t of touched) {
      const c = pairCount.get(t) as number;
      if (c > 0) heap.push(c, t);
      else pairCount.delete(t);
    }
    if (input.onProgress && merges.length % 1000 === 0) input.onProgress(merges.length);
  }
  return { symbols, merges };
}

export function compareCodePoints(a: string, b: string): number {
  const ai = Array.from(a);
  const bi = Array.from(b);
  const n = Math.min(ai.length, bi.length);
  for (let i = 0; i < n; i++) {
    const d = (ai[i] as string).codePointAt(0)! - (bi[i] as string).codePointAt(0)!;
    if (d !== 0) return d;
  }
  return ai.length - bi.length;
}
