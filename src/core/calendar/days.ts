/**
 * Calendar days without a zone. A day is either a YYYY-MM-DD string (what users, the database and the
 * digests read) or a day number, the days since 1970-01-01 (cheap arithmetic for streaks and windows).
 * No JavaScript Date is ever read in the machine's own zone here.
 */

export const SECOND_MS = 1000;
export const MINUTE_MS = 60 * SECOND_MS;
export const HOUR_MS = 60 * MINUTE_MS;
/** 24 hours: a duration. A local calendar day may be longer or shorter (see startOfLocalDay). */
export const DAY_MS = 24 * HOUR_MS;
export const WEEK_MS = 7 * DAY_MS;

/** A calendar date, no zone: 2026-11-16. */
export type LocalDate = string;

/** Days since 1970-01-01 (a Thursday): 2026-11-16 is 20408. */
export type DayNumber = number;

/** A calendar day in either form. */
export type Day = LocalDate | DayNumber;

/** The day number of a YYYY-MM-DD day. */
export function dayNumber(day: LocalDate): DayNumber {
  return Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10))) / DAY_MS;
}

/** The YYYY-MM-DD day of a day number. */
export function dayString(n: DayNumber): LocalDate {
  return new Date(n * DAY_MS).toISOString().slice(0, 10);
}

/** A day in either form as a day number. */
export function toDayNumber(day: Day): DayNumber {
  return typeof day === 'number' ? day : dayNumber(day);
}

/** The day `n` days after (or before, when negative) a YYYY-MM-DD day. */
export function addDays(day: LocalDate, n: number): LocalDate {
  return dayString(dayNumber(day) + n);
}

/** 1 = Monday ... 7 = Sunday. */
export function isoWeekday(day: Day): number {
  // Day 0, 1970-01-01, was a Thursday (4).
  return ((((toDayNumber(day) + 3) % 7) + 7) % 7) + 1;
}

const SHORT_WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;

/** Short English weekday name of a day, e.g. "Tue". */
export function weekdayOf(day: Day): string {
  return SHORT_WEEKDAYS[isoWeekday(day) - 1]!;
}
