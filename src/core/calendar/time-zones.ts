/**
 * Local days in an IANA time zone: the zone's offset from UTC at an instant, the local day of an instant,
 * and the instant a local day begins or a local time happens, daylight-saving changes and the rarer
 * changes of standard time included. Everything is read through Intl (the runtime's tz database) and
 * nothing in the machine's own zone.
 */
import {
  DAY_MS,
  type Day,
  type DayNumber,
  dayString,
  HOUR_MS,
  isoWeekday,
  type LocalDate,
  MINUTE_MS,
  SECOND_MS,
  toDayNumber,
} from './days.js';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, format);
  }
  return format;
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

/**
 * The zone's offset from UTC at an instant, in ms (local = UTC + offset; Europe/Berlin in winter:
 * 3,600,000). Read from Intl on every call: see offsetAt for the cached form.
 */
export function zoneOffsetMs(at: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const p of formatterFor(timeZone).formatToParts(at)) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  const wall = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  return wall - Math.floor(at / SECOND_MS) * SECOND_MS;
}

// Offsets change a few times a year at most, nearly always on a quarter hour: one offset per zone and
// quarter hour serves every instant in it. A quarter hour in which the offset changes (Newfoundland and
// Casey changed at a minute past, Liberia at 00:44:30) is read per instant instead.
const QUARTER_HOUR = 15 * MINUTE_MS;
const CHANGES_WITHIN = Number.NaN;
const offsetCache = new Map<string, number>();

/** zoneOffsetMs through a cache: what every other function here uses. */
function offsetAt(at: number, timeZone: string): number {
  const quarter = Math.floor(at / QUARTER_HOUR);
  const key = `${timeZone}\u0000${quarter}`;
  let offset = offsetCache.get(key);
  if (offset === undefined) {
    if (offsetCache.size > 10_000) offsetCache.clear();
    const start = quarter * QUARTER_HOUR;
    const first = zoneOffsetMs(start, timeZone);
    offset = zoneOffsetMs(start + QUARTER_HOUR - 1, timeZone) === first ? first : CHANGES_WITHIN;
    offsetCache.set(key, offset);
  }
  return Number.isNaN(offset) ? zoneOffsetMs(at, timeZone) : offset;
}

/** The local day number (days since 1970-01-01) of an instant in a zone. */
export function localDayNumber(at: number, timeZone: string): DayNumber {
  return Math.floor((at + offsetAt(at, timeZone)) / DAY_MS);
}

/** The calendar day (YYYY-MM-DD) that `date` falls on in `timeZone`. */
export function localDay(date: Date, timeZone: string): LocalDate {
  return dayString(localDayNumber(date.getTime(), timeZone));
}

/** Local wall-clock parts of an instant in a time zone. */
export interface LocalParts {
  date: LocalDate;
  /** 1 = Monday ... 7 = Sunday. */
  isoWeekday: number;
  hour: number;
}

/** The local date, weekday and hour of `instant` in `timeZone`. */
export function localParts(instant: Date, timeZone: string): LocalParts {
  const local = instant.getTime() + offsetAt(instant.getTime(), timeZone);
  const day = Math.floor(local / DAY_MS);
  return {
    date: dayString(day),
    isoWeekday: isoWeekday(day),
    hour: Math.floor((local - day * DAY_MS) / HOUR_MS),
  };
}

// Offsets lie within -12 h and +14 h, so the instant a local wall time happens (a day's midnight, say) is
// within this much of that wall time read as UTC. The tz database never changes a zone's offset twice
// within such a span: the closest two changes between 1970 and 2100 are a week apart.
const REACH = 15 * HOUR_MS;

/**
 * The instant `day` begins in `timeZone`: the first instant whose local date is `day` or later.
 *
 * That is local midnight on most days. Where the clocks go forward at midnight (America/Santiago,
 * America/Havana, Asia/Beirut in spring), midnight does not exist and the day begins at the change, at
 * 01:00 local. A date the zone skipped altogether (Pacific/Apia's 2011-12-30) begins where the next one
 * does, so its span is empty. Where the clocks went back over midnight (Newfoundland at 00:01 until 2010,
 * Antarctica/Casey in 2010) the date first began before the previous one ended: the first beginning is
 * returned.
 */
export function startOfLocalDay(day: Day, timeZone: string): Date {
  return instantOfLocalTime(day, 0, timeZone);
}

/**
 * The instant the wall clock in `timeZone` first shows `minute` (minutes after midnight, 0 to 1439) on
 * `day`, or, when the clocks skip that time, the first instant after it: the change itself.
 *
 * Spring forward (Europe/London 2026-03-29, 01:00 GMT -> 02:00 BST): 01:30 does not exist, so it is the
 * change at 01:00 UTC, which reads 02:00 BST. Fall back (2026-10-25, 02:00 BST -> 01:00 GMT): 01:30 is
 * read twice and the first, 00:30 UTC (BST), is returned. startOfLocalDay is this at minute 0.
 */
export function instantOfLocalTime(day: Day, minute: number, timeZone: string): Date {
  const wall = toDayNumber(day) * DAY_MS + minute * MINUTE_MS;
  const before = offsetAt(wall - REACH, timeZone);
  const after = offsetAt(wall + REACH, timeZone);
  // The wall time under the offset in force before any change in reach, if that offset still holds there
  // (when the clocks go back this is the first of the two readings).
  if (offsetAt(wall - before, timeZone) === before) return new Date(wall - before);
  // Else the wall time under the offset after the change, if the change came before it.
  if (before !== after && offsetAt(wall - after, timeZone) === after) return new Date(wall - after);
  // Else the change skipped the wall time: it happens at the change, found to the second.
  let lo = wall - REACH;
  let hi = wall + REACH;
  while (hi - lo > SECOND_MS) {
    const mid = lo + Math.floor((hi - lo) / 2 / SECOND_MS) * SECOND_MS;
    if (offsetAt(mid, timeZone) === before) lo = mid;
    else hi = mid;
  }
  return new Date(hi);
}

/** Minutes after local midnight (0 to 1439) that `instant` shows on the wall clock in `timeZone`. */
export function localMinuteOfDay(instant: Date, timeZone: string): number {
  const local = instant.getTime() + offsetAt(instant.getTime(), timeZone);
  return Math.floor((((local % DAY_MS) + DAY_MS) % DAY_MS) / MINUTE_MS);
}

/** The local time of day of `instant` in `timeZone`, as 24-hour "HH:MM" ("21:05"). */
export function localTimeOfDay(instant: Date, timeZone: string): string {
  return clockTime(localMinuteOfDay(instant, timeZone));
}

/** A minute of the day (0 to 1439) as 24-hour "HH:MM": 545 is "09:05". */
export function clockTime(minute: number): string {
  return `${twoDigits(Math.floor(minute / 60))}:${twoDigits(minute % 60)}`;
}

function twoDigits(n: number): string {
  return String(n).padStart(2, '0');
}
