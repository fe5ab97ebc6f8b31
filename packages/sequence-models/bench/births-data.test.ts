import { describe, expect, it } from 'vitest';
import { birthFeatures, calendarFeatures, loadBirths } from './births-data.js';

const utc = (y: number, m: number, d: number) => Date.UTC(y, m - 1, d);
// [sin, cos, Mon..Sun, major, dayBefore, dayAfter, minor]
const holidays = (f: number[]) => f.slice(9);

describe('calendarFeatures', () => {
  it('marks moving holidays on the right dates (checked against a 2003 calendar)', () => {
    expect(holidays(calendarFeatures(utc(2003, 11, 27)))).toEqual([1, 0, 0, 0]); // Thanksgiving: 4th Thursday
    expect(holidays(calendarFeatures(utc(2003, 11, 20)))).toEqual([0, 0, 0, 0]); // 3rd Thursday
    expect(holidays(calendarFeatures(utc(2003, 11, 26)))).toEqual([0, 1, 0, 0]);
    expect(holidays(calendarFeatures(utc(2003, 11, 28)))).toEqual([0, 0, 1, 0]);
    expect(holidays(calendarFeatures(utc(2003, 5, 26)))).toEqual([1, 0, 0, 0]); // Memorial Day: last Monday of May
    expect(holidays(calendarFeatures(utc(2003, 9, 1)))).toEqual([1, 0, 0, 0]); // Labor Day: first Monday of September
    expect(holidays(calendarFeatures(utc(2003, 1, 20)))).toEqual([0, 0, 0, 1]); // Martin Luther King Jr. Day: 3rd Monday
    expect(holidays(calendarFeatures(utc(1998, 5, 25)))).toEqual([1, 0, 0, 0]); // May 1998 has five Mondays
    expect(holidays(calendarFeatures(utc(1998, 5, 18)))).toEqual([0, 0, 0, 0]);
    expect(holidays(calendarFeatures(utc(2003, 12, 31)))).toEqual([0, 1, 0, 0]); // the day before New Year's Day
  });

  it('agrees with the dataset on every weekday, and has the day of the year on the unit circle', () => {
    for (const d of loadBirths()) {
      const f = calendarFeatures(utc(d.year, d.month, d.day));
      expect(f.slice(2, 9).indexOf(1) + 1).toBe(d.weekday);
    }
    const jan1 = calendarFeatures(utc(2001, 1, 1));
    expect(jan1[0]).toBeCloseTo(0, 12);
    expect(jan1[1]).toBeCloseTo(1, 12);
    const july2 = calendarFeatures(utc(2001, 7, 2)); // day 182 of 365: about half way round
    expect(july2[1]).toBeLessThan(-0.99);
  });
});

describe('birthFeatures', () => {
  it('puts the calendar of day t + lead after the calendar of day t', () => {
    const days = loadBirths().slice(0, 10);
    const rows = birthFeatures(days, new Float32Array(10).fill(0.5), 7);
    expect(rows[0]).toHaveLength(1 + 13 + 13);
    expect(rows[2]![0]).toBe(0.5);
    expect(rows[2]!.slice(1, 14)).toEqual(calendarFeatures(utc(days[2]!.year, days[2]!.month, days[2]!.day)));
    expect(rows[2]!.slice(14)).toEqual(calendarFeatures(utc(days[9]!.year, days[9]!.month, days[9]!.day)));
    expect(birthFeatures(days, new Float32Array(10), 0)[0]).toHaveLength(14);
  });
});
