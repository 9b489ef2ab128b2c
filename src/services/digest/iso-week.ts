/**
 * Calendar arithmetic for the weekly digest: ISO weeks ("2026-W47"), local dates in an IANA time zone,
 * and the UTC instant of a local midnight (daylight-saving changes included). Dates are plain
 * YYYY-MM-DD strings so that no JavaScript Date is ever read in the machine's own zone.
 */

const DAY_MS = 86_400_000;

/** A calendar date, no zone: 2026-11-16. */
export type LocalDate = string;

/** Local wall-clock parts of an instant in a time zone. */
export interface LocalParts {
  date: LocalDate;
  /** 1 = Monday ... 7 = Sunday. */
  isoWeekday: number;
  hour: number;
}

const ISO_WEEK = /^(\d{4})-W(\d{2})$/;

function utcDays(date: LocalDate): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return Date.UTC(y, m - 1, d);
}

function fromUtcMs(ms: number): LocalDate {
  return new Date(ms).toISOString().slice(0, 10);
}

/** `date` moved by `days` calendar days. */
export function addDays(date: LocalDate, days: number): LocalDate {
  return fromUtcMs(utcDays(date) + days * DAY_MS);
}

/** 1 = Monday ... 7 = Sunday. */
export function isoWeekday(date: LocalDate): number {
  return ((new Date(utcDays(date)).getUTCDay() + 6) % 7) + 1;
}

/** The ISO week a date belongs to, e.g. 2026-11-16 -> "2026-W47" (the year is the week's Thursday's). */
export function isoWeekOf(date: LocalDate): string {
  const thursday = utcDays(date) + (4 - isoWeekday(date)) * DAY_MS;
  const year = new Date(thursday).getUTCFullYear();
  const week = 1 + Math.floor((thursday - Date.UTC(year, 0, 1)) / DAY_MS / 7);
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** True for a well-formed ISO week that exists (only some years have a week 53). */
export function isIsoWeek(period: string): boolean {
  const match = ISO_WEEK.exec(period);
  if (!match) return false;
  const week = Number(match[2]);
  return week >= 1 && week <= 53 && isoWeekOf(mondayOf(period)) === period;
}

/** The Monday that starts an ISO week. */
export function mondayOf(period: string): LocalDate {
  const match = ISO_WEEK.exec(period);
  if (!match) throw new RangeError(`not an ISO week: ${period}`);
  const year = Number(match[1]);
  const week = Number(match[2]);
  const jan4 = Date.UTC(year, 0, 4);
  const jan4Weekday = ((new Date(jan4).getUTCDay() + 6) % 7) + 1;
  return fromUtcMs(jan4 - (jan4Weekday - 1) * DAY_MS + (week - 1) * 7 * DAY_MS);
}

/** The seven dates of an ISO week, Monday first. */
export function daysOfWeek(period: string): LocalDate[] {
  const monday = mondayOf(period);
  return Array.from({ length: 7 }, (_, i) => addDays(monday, i));
}

/** The ISO week before `period`. */
export function previousWeek(period: string): string {
  return isoWeekOf(addDays(mondayOf(period), -7));
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** True when the runtime knows the zone (a stored zone from an older tz database may not exist). */
export function isKnownTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

function wallClock(instant: Date, timeZone: string): { date: LocalDate; hour: number; minute: number } {
  const parts: Record<string, string> = {};
  for (const part of formatterFor(timeZone).formatToParts(instant)) parts[part.type] = part.value;
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    hour: Number(parts.hour),
    minute: Number(parts.minute),
  };
}

/** The local date, weekday and hour of `instant` in `timeZone`. */
export function localParts(instant: Date, timeZone: string): LocalParts {
  const { date, hour } = wallClock(instant, timeZone);
  return { date, isoWeekday: isoWeekday(date), hour };
}

/** Offset of the zone from UTC at `instant`, in milliseconds (local = utc + offset). */
function offsetAt(instant: number, timeZone: string): number {
  const { date, hour, minute } = wallClock(new Date(instant), timeZone);
  const local = utcDays(date) + hour * 3_600_000 + minute * 60_000;
  return local - (instant - (instant % 60_000));
}

/**
 * The UTC instant at which `date` begins in `timeZone`. Midnight can fall on a daylight-saving change
 * (or not exist at all); the first instant whose local date is `date` is returned.
 */
export function startOfLocalDay(date: LocalDate, timeZone: string): Date {
  const guess = utcDays(date);
  let instant = guess - offsetAt(guess, timeZone);
  // A second pass settles guesses made on the wrong side of a change.
  instant = guess - offsetAt(instant, timeZone);
  if (wallClock(new Date(instant), timeZone).date !== date) {
    // Midnight skipped (e.g. a zone that springs forward at 00:00): step to the first hour that exists.
    while (wallClock(new Date(instant), timeZone).date < date) instant += 3_600_000;
  }
  return new Date(instant);
}
