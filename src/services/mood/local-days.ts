const formatters = new Map<string, Intl.DateTimeFormat>();
const DAY_MS = 86_400_000;

/** The calendar day (YYYY-MM-DD) that `date` falls on in `timeZone`. */
export function localDay(date: Date, timeZone: string): string {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    formatters.set(timeZone, format);
  }
  return format.format(date);
}

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();

/** The zone's offset from UTC at an instant, in ms (Europe/Berlin in winter: 3,600,000). */
export function zoneOffsetMs(at: number, timeZone: string): number {
  let format = offsetFormatters.get(timeZone);
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
    offsetFormatters.set(timeZone, format);
  }
  const parts: Record<string, number> = {};
  for (const p of format.formatToParts(at)) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const wall = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  return wall - Math.floor(at / 1000) * 1000;
}

// Offsets only change at daylight-saving transitions, which fall on quarter hours: one Intl call per
// zone and quarter hour serves every instant in it.
const QUARTER_HOUR = 900_000;
const offsetCache = new Map<string, number>();

function cachedOffset(at: number, timeZone: string): number {
  const key = `${timeZone}\u0000${Math.floor(at / QUARTER_HOUR)}`;
  let offset = offsetCache.get(key);
  if (offset === undefined) {
    if (offsetCache.size > 10_000) offsetCache.clear();
    offset = zoneOffsetMs(Math.floor(at / QUARTER_HOUR) * QUARTER_HOUR, timeZone);
    offsetCache.set(key, offset);
  }
  return offset;
}

/** The local day number (days since 1970-01-01) of an instant in a zone. */
export function localDayNumber(at: number, timeZone: string): number {
  return Math.floor((at + cachedOffset(at, timeZone)) / DAY_MS);
}

/** The instant a local day (a day number) begins in a zone. */
export function startOfLocalDay(day: number, timeZone: string): Date {
  const midnightUtc = day * DAY_MS;
  // The offset at UTC midnight is a first guess; the offset at the guessed instant corrects it.
  const guess = midnightUtc - cachedOffset(midnightUtc, timeZone);
  return new Date(midnightUtc - cachedOffset(guess, timeZone));
}

/** Days since 1970-01-01 of a YYYY-MM-DD day: cheap arithmetic for streaks and windows. */
export function dayNumber(day: string): number {
  return Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10))) / DAY_MS;
}

/** The YYYY-MM-DD day of a day number. */
export function dayString(n: number): string {
  return new Date(n * DAY_MS).toISOString().slice(0, 10);
}

/** The day `n` days after (or before, when negative) a YYYY-MM-DD day. */
export function addDays(day: string, n: number): string {
  return dayString(dayNumber(day) + n);
}

/** Short weekday name of a YYYY-MM-DD day, e.g. "Tue". */
export function weekdayOf(day: string): string {
  return new Date(`${day}T12:00:00Z`).toLocaleDateString('en-US', { weekday: 'short', timeZone: 'UTC' });
}
