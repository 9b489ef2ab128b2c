/**
 * Dates and times from files: calendar dates, times of day (24-hour and 12-hour), ISO 8601 instants,
 * and local wall times turned into instants in the importer's zone with src/core/calendar.
 */
import {
  DAY_MS,
  dayNumber,
  HOUR_MS,
  instantOfLocalTime,
  type LocalDate,
  localDay,
  MINUTE_MS,
  SECOND_MS,
  zoneOffsetMs,
} from '../../core/calendar/index.js';
import type { Problems, RowContext } from './types.js';

/** Years before this are typing mistakes (0204 for 2024), not moods anyone logged. */
const EARLIEST_YEAR = 1900;

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** The YYYY-MM-DD of a real calendar date, else null (2023-02-29, month 13). */
export function calendarDate(year: number, month: number, day: number): LocalDate | null {
  if (!Number.isInteger(year) || year < EARLIEST_YEAR || year > 9999) return null;
  if (!Number.isInteger(month) || month < 1 || month > 12) return null;
  if (!Number.isInteger(day) || day < 1 || day > 31) return null;
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
}

/** A strict YYYY-MM-DD that names a real date, else null. */
export function isoDate(text: string): LocalDate | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
  return match ? calendarDate(Number(match[1]), Number(match[2]), Number(match[3])) : null;
}

/**
 * Seconds after midnight of a time of day as phones write it: "21:30", "09:30", "21:30:15", and the
 * 12-hour "9:30 PM", "11:54 pm", "9:30 p.m." (12 AM is midnight, 12 PM noon; 0:30 AM, as Japanese
 * phones write it, is 00:30). Null when unreadable.
 */
export function timeOfDay(text: string): number | null {
  const match = /^(\d{1,2})[:.](\d{2})(?::(\d{2}))?\s*(?:([ap])\.?\s?m\.?)?$/i.exec(text.trim());
  if (!match) return null;
  let hour = Number(match[1]);
  const minute = Number(match[2]);
  const second = match[3] === undefined ? 0 : Number(match[3]);
  if (minute > 59 || second > 59) return null;
  const half = match[4]?.toLowerCase();
  if (half !== undefined) {
    if (hour > 12) return null;
    hour = (hour % 12) + (half === 'p' ? 12 : 0);
  } else if (hour > 23) {
    return null;
  }
  return hour * 3600 + minute * 60 + second;
}

/** "2024-03-05 21:30" (seconds shown only when there are any). */
export function wallTime(day: LocalDate, seconds: number): string {
  const s = seconds % 60;
  const hm = `${pad(Math.floor(seconds / 3600))}:${pad(Math.floor(seconds / 60) % 60)}`;
  return `${day} ${hm}${s === 0 ? '' : `:${pad(s)}`}`;
}

/** An instant as the importer reads it: "2024-03-05 21:30" in their zone. */
function shownLocal(at: Date, timeZone: string): string {
  const local = at.getTime() + zoneOffsetMs(at.getTime(), timeZone);
  const day = Math.floor(local / DAY_MS);
  return wallTime(localDay(at, timeZone), Math.floor((local - day * DAY_MS) / SECOND_MS));
}

/**
 * The instant a local wall time happens in `timeZone`, and whether the clocks skipped it.
 *
 * A time the clocks skipped (01:30 on the night London goes from 01:00 to 02:00) is read with the offset
 * in force before the change, which moves it forward by the length of the gap: 01:30 GMT, shown as 02:30
 * BST. That is RFC 5545's rule and Temporal's 'compatible' one, and what a phone whose clock had not yet
 * changed meant; unlike instantOfLocalTime's "the change itself" it keeps two entries of the gap apart
 * and in order. A time read twice (the clocks going back) is the first of the two, as instantOfLocalTime
 * returns it.
 */
export function localInstant(
  day: LocalDate,
  seconds: number,
  timeZone: string,
): { at: Date; skipped: boolean } {
  const minute = Math.floor(seconds / 60);
  const rest = (seconds % 60) * SECOND_MS;
  const first = instantOfLocalTime(day, minute, timeZone).getTime();
  const wall = dayNumber(day) * DAY_MS + minute * MINUTE_MS;
  if (first + zoneOffsetMs(first, timeZone) === wall) return { at: new Date(first + rest), skipped: false };
  const before = zoneOffsetMs(first - SECOND_MS, timeZone);
  return { at: new Date(wall - before + rest), skipped: true };
}

/**
 * A local wall time made an entry's instant, or null with the row's problem recorded: the time is moved
 * out of a daylight-saving gap (see localInstant, a kept problem) and must not be after `now`.
 */
export function resolveLocal(
  day: LocalDate,
  seconds: number,
  line: number,
  context: RowContext,
  problems: Problems,
): Date | null {
  const { at, skipped } = localInstant(day, seconds, context.timeZone);
  if (!notInFuture(at, wallTime(day, seconds), line, context, problems)) return null;
  if (skipped) {
    problems.keep(
      line,
      `${wallTime(day, seconds)} did not happen in ${context.timeZone}: the clocks went forward that night, so it was read as ${shownLocal(at, context.timeZone)}.`,
    );
  }
  return at;
}

/**
 * A date without a time: noon local, away from midnight so the entry stays on its day if the zone is
 * changed later, and away from daylight-saving changes (made at night). Today's date whose noon is still
 * to come is `now`. Null with a problem when the day is after today.
 */
export function resolveDay(
  day: LocalDate,
  line: number,
  context: RowContext,
  problems: Problems,
): Date | null {
  const today = localDay(context.now, context.timeZone);
  if (day > today) {
    problems.skip(line, futureReason(day, context));
    return null;
  }
  const { at } = localInstant(day, 12 * 3600, context.timeZone);
  return day === today && at > context.now ? context.now : at;
}

/** An exact instant (it had an offset or Z), or null with a problem when it is after `now`. */
export function resolveInstant(at: Date, line: number, context: RowContext, problems: Problems): Date | null {
  return notInFuture(at, shownLocal(at, context.timeZone), line, context, problems) ? at : null;
}

/** True when `at` is not in the future; else records the problem and returns false. */
function notInFuture(
  at: Date,
  shown: string,
  line: number,
  context: RowContext,
  problems: Problems,
): boolean {
  if (at.getTime() <= context.now.getTime()) return true;
  problems.skip(line, futureReason(shown, context));
  return false;
}

function futureReason(shown: string, context: RowContext): string {
  return `${shown} is in the future (times are read in ${context.timeZone}); check the year and the order of month and day, and fix or remove the row.`;
}

/** An ISO 8601 date-time's parts. */
export type DateTimeText =
  | { kind: 'day'; day: LocalDate }
  | { kind: 'local'; day: LocalDate; seconds: number }
  | { kind: 'instant'; at: Date };

/**
 * `YYYY-MM-DD`, `YYYY-MM-DD HH:MM[:SS]` (or with a `T`), local to the importer's zone, or ISO 8601 with
 * `Z` or an offset (`+01:00`, `+0100`, `+01`), an exact instant. Fractions of a second are allowed and
 * dropped for local times. Null when it is none of these or names a date or time that does not exist.
 */
export function dateTimeText(text: string): DateTimeText | null {
  const match =
    /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i.exec(
      text.trim(),
    );
  if (!match) return null;
  const day = calendarDate(Number(match[1]), Number(match[2]), Number(match[3]));
  if (day === null) return null;
  if (match[4] === undefined) return { kind: 'day', day };
  const hour = Number(match[4]);
  const minute = Number(match[5]);
  const second = match[6] === undefined ? 0 : Number(match[6]);
  if (hour > 23 || minute > 59 || second > 59) return null;
  const seconds = hour * 3600 + minute * 60 + second;
  const zone = match[8];
  if (zone === undefined) return { kind: 'local', day, seconds };
  const millis = match[7] === undefined ? 0 : Math.floor(Number(`0.${match[7]}`) * 1000);
  let offset = 0;
  if (zone.toUpperCase() !== 'Z') {
    const digits = zone.slice(1).replace(':', '');
    const hours = Number(digits.slice(0, 2));
    const minutes = digits.length > 2 ? Number(digits.slice(2)) : 0;
    if (hours > 23 || minutes > 59) return null;
    offset = (zone[0] === '-' ? -1 : 1) * (hours * HOUR_MS + minutes * MINUTE_MS);
  }
  return { kind: 'instant', at: new Date(dayNumber(day) * DAY_MS + seconds * SECOND_MS + millis - offset) };
}
