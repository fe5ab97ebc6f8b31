import { describe, expect, test } from 'vitest';
import { InvalidArgumentError } from '@deepcourse/backend';
import { expectError } from '../../test-support/helpers.js';
import { parseEmail, spamAssassin, stateOfTheUnion, usBirths } from './text-corpora.js';

describe('parseEmail on generated messages', () => {
  test('CRLF headers, a folded Subject, a body with blank lines', () => {
    const message = 'From: a@b.c\r\nSUBJECT: Cheap\r\n  meds now\r\nX-Spam: yes\r\n\r\nHello\r\n\r\nBye';
    expect(parseEmail(message)).toEqual({ headers: 'From: a@b.c\r\nSUBJECT: Cheap\r\n  meds now\r\nX-Spam: yes', body: 'Hello\r\n\r\nBye', subject: 'Cheap meds now' });
  });

  test('a message without a body or without a subject', () => {
    expect(parseEmail('From: x')).toEqual({ headers: 'From: x', body: '', subject: '' });
    expect(parseEmail('From: x\nX-Subject-Like: no\n\nbody').subject).toBe('');
  });
});

describe('spamAssassin (npm-shipped corpus)', () => {
  test('6,046 e-mails: 1,896 spam and 4,150 ham; bodies without headers; subjects parsed', () => {
    const all = spamAssassin();
    expect(all).toHaveLength(6046);
    expect(all.filter((m) => m.label === 1)).toHaveLength(1896);
    expect(all.filter((m) => m.group === 'hard-ham-1')).toHaveLength(250);
    const first = all[0]!;
    expect(first.group).toBe('easy-ham-1');
    expect(first.id).toBe('00001');
    expect(first.subject).toBe('Re: New Sequences Window');
    expect(first.text.startsWith('From ')).toBe(false);
    expect(first.text).not.toMatch(/^Return-Path:/m);
    const full = spamAssassin({ groups: ['spam-1'], part: 'full' });
    expect(full).toHaveLength(500);
    expect(full.every((m) => m.label === 1 && m.text.includes('\n\n'))).toBe(true);
  });

  test('unknown groups are named', async () => {
    await expectError(() => spamAssassin({ groups: ['ham' as 'spam-1'] }), InvalidArgumentError, 'options.groups', '"ham"');
  });
});

describe('stateOfTheUnion (npm-shipped corpus)', () => {
  test('233 speeches from 1790 to 2021, filterable by years, president and party', () => {
    const all = stateOfTheUnion();
    expect(all).toHaveLength(233);
    expect(all[0]).toMatchObject({ year: 1790, president: 'George Washington', party: 'none' });
    expect(all[0]?.text.startsWith('Fellow-Citizens of the Senate and House of Representatives')).toBe(true);
    expect(stateOfTheUnion({ years: [2009, 2016], presidents: ['Barack Obama'] }).map((s) => s.year)).toEqual([2009, 2010, 2011, 2012, 2013, 2014, 2015, 2016]);
    expect(stateOfTheUnion({ parties: ['Whig'] }).every((s) => s.party === 'Whig')).toBe(true);
  });

  test('an unknown president is named', async () => {
    await expectError(() => stateOfTheUnion({ presidents: ['Nobody'] }), InvalidArgumentError, 'options.presidents', '"Nobody"');
  });
});

describe('usBirths (npm-shipped series)', () => {
  test('3,652 days from 1994-01-01 (a Saturday, 8,096 births) to 2003-12-31 (12,374 births)', () => {
    const { dates, dayOfWeek, births } = usBirths();
    expect(dates).toHaveLength(3652);
    expect([dates[0], dayOfWeek[0], births[0]]).toEqual(['1994-01-01', 6, 8096]);
    expect([dates.at(-1), births.at(-1)]).toEqual(['2003-12-31', 12374]);
    // Consecutive days: day of week cycles 1..7 without a gap.
    dayOfWeek.forEach((d, i) => i > 0 && expect(d).toBe(((dayOfWeek[i - 1] as number) % 7) + 1));
    // Fewer births on weekends than on weekdays, as in the published data.
    const mean = (w: (d: number) => boolean) => {
      const picked = births.filter((_, i) => w(dayOfWeek[i] as number));
      return picked.reduce((a, b) => a + b, 0) / picked.length;
    };
    expect(mean((d) => d >= 6)).toBeLessThan(0.8 * mean((d) => d <= 5));
  });
});
