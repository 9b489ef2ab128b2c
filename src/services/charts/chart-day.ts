import { type LocalDate, weekdayOf } from '../../core/calendar/index.js';

/** One local day as the charts draw it. */
export interface ChartDay {
  day: LocalDate;
  /** The day's average mood, 1 to 10; null without entries. */
  mood: number | null;
  /** Mean energy and positivity (valence) of the day's analysed music, 0 to 1; null without music. */
  energy: number | null;
  positivity: number | null;
}

/** A rendered chart and the text a screen reader reads instead: what is shown and its key numbers. */
export interface ChartImage {
  png: Uint8Array;
  width: number;
  height: number;
  alt: string;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

/** "Mar" for 2026-03-09. */
export function monthName(day: LocalDate): string {
  return MONTHS[Number(day.slice(5, 7)) - 1]!;
}

/** "Mar 9" for 2026-03-09. */
export function shortDate(day: LocalDate): string {
  return `${monthName(day)} ${Number(day.slice(8, 10))}`;
}

/** "Mon" up to a week of days (each weekday once), short dates beyond. */
export function dayLabel(day: LocalDate, dayCount: number): string {
  return dayCount <= 7 ? weekdayOf(day) : shortDate(day);
}

/** "55%" for 0.553. */
export const percent = (v: number): string => `${Math.round(v * 100)}%`;

/** "5.3" for 5.333. */
export const oneDecimal = (v: number): string => (Math.round(v * 10) / 10).toFixed(1);

/** The mean of the values; null when there are none. */
export function mean(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/** "6 of 7 days have a mood", "1 of 32 days has a mood". */
export const someOf = (n: number, total: number, what: string): string =>
  `${n} of ${daysText(total)} ${n === 1 ? 'has' : 'have'} ${what}`;

/** "Mar 9 to Mar 15", or "Mar 15" for one day. */
export const spanText = (first: LocalDate, last: LocalDate): string =>
  first === last ? shortDate(first) : `${shortDate(first)} to ${shortDate(last)}`;

/** "1 day", "3 days". */
export const daysText = (n: number): string => `${n} ${n === 1 ? 'day' : 'days'}`;

/** The days with a value for `key`, with that value. */
export function daysWith(
  days: readonly ChartDay[],
  key: 'mood' | 'energy' | 'positivity',
): Array<{ day: LocalDate; value: number }> {
  const found: Array<{ day: LocalDate; value: number }> = [];
  for (const d of days) {
    const value = d[key];
    if (value !== null && Number.isFinite(value)) found.push({ day: d.day, value });
  }
  return found;
}

/**
 * The `series` field as the vega-lite charts encode it (colour and shape on one field with no title), so
 * each draws one legend of coloured shapes below the plot.
 */
export const SERIES_ENCODING = {
  field: 'series',
  type: 'nominal' as const,
  title: null,
  legend: { orient: 'bottom' as const },
};
