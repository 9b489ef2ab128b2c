/**
 * Daily check-in schedules: up to three local times of day on chosen weekdays, in the user's own time zone.
 * Pure: parsing and describing what users type (/checkin), and finding which prompt is due, or comes next,
 * at an instant. The time-zone arithmetic is the calendar's (core/calendar); this module only decides
 * what a schedule means across clock changes.
 */
import {
  addDays,
  clockTime,
  HOUR_MS,
  instantOfLocalTime,
  isoWeekday,
  type LocalDate,
  localDay,
  zoneOffsetMs,
} from '../../core/calendar/index.js';
import { UserError } from '../../core/errors.js';

/** Days as a bitmask: bit (isoWeekday-1), Monday = 1, Sunday = 64. One small integer column to store. */
export const EVERY_DAY = 0b1111111;
export const WEEKDAYS = 0b0011111;
export const WEEKENDS = 0b1100000;

/** A few prompts a day at most: more would nag, and each one is a DM the user has to answer. */
export const MAX_CHECKIN_TIMES = 3;

/** A user's check-in schedule, as stored. */
export interface CheckinTimes {
  /** Minutes after local midnight (0 to 1439), sorted, unique, 1 to MAX_CHECKIN_TIMES of them. */
  times: readonly number[];
  /** Days mask (EVERY_DAY, WEEKDAYS, ... or any bits); 0 means no check-ins. */
  days: number;
}

const MINUTES_PER_DAY = 24 * 60;

const TIME_FORMS = '21:00, 9pm, 9:30am, noon or midnight';

/** Echoes what the user wrote, kept short: a message quoting a pasted paragraph helps nobody. */
function quoted(text: string): string {
  const trimmed = text.trim();
  if (trimmed === '') return 'nothing';
  return `"${trimmed.length > 30 ? `${trimmed.slice(0, 30)}…` : trimmed}"`;
}

function badTime(text: string, hint = ''): UserError {
  return new UserError(`A time looks like ${TIME_FORMS}${hint} (you wrote ${quoted(text)}).`, 'BAD_TIME');
}

const TIME = /^(\d{1,2})(?::(\d{2}))?\s*([ap])\.?m\.?$|^(\d{1,2})(?::(\d{2}))?$/;

/**
 * Minutes after local midnight of a time of day as people type it: 24-hour ("21:00", "09:30", "21") or
 * 12-hour ("9pm", "9 PM", "9:30am", "12am" = 00:00, "12pm" = 12:00), "noon" or "midnight".
 */
export function parseTimeOfDay(text: string): number {
  const input = text.trim().toLowerCase();
  if (input === 'noon' || input === 'midday') return 12 * 60;
  if (input === 'midnight') return 0;
  const match = TIME.exec(input);
  if (!match) throw badTime(text);
  const twelveHour = match[3] !== undefined;
  const hour = Number(twelveHour ? match[1] : match[4]);
  const minute = Number((twelveHour ? match[2] : match[5]) ?? '0');
  if (minute > 59) throw badTime(text, '; minutes run from 00 to 59');
  if (!twelveHour) {
    if (hour > 23) throw badTime(text, '; hours run from 0 to 23');
    return hour * 60 + minute;
  }
  if (hour < 1 || hour > 12) throw badTime(text, '; with am or pm the hour is 1 to 12 (13:00 is 1pm)');
  // 12am is midnight and 12pm noon: the 12 counts as 0 before adding the afternoon's 12 hours.
  return ((hour % 12) + (match[3] === 'p' ? 12 : 0)) * 60 + minute;
}

function assertMinuteOfDay(minutes: number): void {
  if (!Number.isInteger(minutes) || minutes < 0 || minutes >= MINUTES_PER_DAY) {
    throw new RangeError(`not a minute of the day (0 to 1439): ${minutes}`);
  }
}

/** A minute of the day in 24-hour form, "21:00", "09:30": the same on every platform and in every locale. */
export function formatTimeOfDay(minutes: number): string {
  assertMinuteOfDay(minutes);
  return clockTime(minutes);
}

const DAY_NAMES = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
const SHORT_DAY_NAMES = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;

const DAY_WORDS: Record<string, number> = {
  daily: EVERY_DAY,
  everyday: EVERY_DAY,
  all: EVERY_DAY,
  weekdays: WEEKDAYS,
  weekends: WEEKENDS,
};

const DAY_FORMS = 'every day, weekdays, weekends, mon,wed,fri or mon-fri';

function badDays(message: string): UserError {
  return new UserError(message, 'BAD_DAYS');
}

/** The ISO weekday (1 = Monday) of a day's full or three-letter name, undefined for anything else. */
function weekdayNumber(name: string): number | undefined {
  const index = DAY_NAMES.findIndex((full) => name === full || name === full.slice(0, 3));
  return index < 0 ? undefined : index + 1;
}

function namedDay(name: string): number {
  const day = weekdayNumber(name);
  if (day === undefined) throw badDays(`"${name}" is not a day. Days look like ${DAY_FORMS}.`);
  return day;
}

/**
 * The days mask of what people type: "every day", "daily", "weekdays", "weekends", lists of day names
 * ("mon,wed,fri", "Monday, Tuesday") and ranges ("mon-fri", "sat-sun"). Ranges run Monday to Sunday and do
 * not wrap: "fri-mon" could mean Friday to Monday or every day but Tuesday to Thursday, so it is refused.
 */
export function parseDays(text: string): number {
  const input = text
    .trim()
    .toLowerCase()
    .replace(/\bevery\s+day\b/g, 'everyday')
    .replace(/\s*-\s*/g, '-');
  const tokens = input.split(/[\s,]+|\band\b|&/).filter((token) => token !== '');
  if (tokens.length === 0) throw badDays(`Say which days, like ${DAY_FORMS} (you wrote nothing).`);
  let mask = 0;
  for (const token of tokens) {
    const word = DAY_WORDS[token];
    if (word !== undefined) {
      mask |= word;
      continue;
    }
    const range = token.split('-');
    if (range.length === 1) {
      mask |= 1 << (namedDay(token) - 1);
      continue;
    }
    if (range.length !== 2 || range[0] === '' || range[1] === '') {
      throw badDays(`"${token}" is not a range of days. A range looks like mon-fri.`);
    }
    const from = namedDay(range[0]!);
    const to = namedDay(range[1]!);
    if (from > to) {
      const short = (day: number) => SHORT_DAY_NAMES[day - 1]!.toLowerCase();
      const split = `${short(from)}-sun,${to > 1 ? `mon-${short(to)}` : 'mon'}`;
      throw badDays(
        `Day ranges run from Monday to Sunday and do not wrap: for "${token}" write ${split} instead.`,
      );
    }
    for (let day = from; day <= to; day++) mask |= 1 << (day - 1);
  }
  return mask;
}

/** How a days mask reads back to the user ("every day", "weekdays", "Mon, Wed, Fri"); parseDays reads it. */
export function describeDays(mask: number): string {
  if (!Number.isInteger(mask) || mask < 0 || mask > EVERY_DAY)
    throw new RangeError(`not a days mask: ${mask}`);
  if (mask === EVERY_DAY) return 'every day';
  if (mask === WEEKDAYS) return 'weekdays';
  if (mask === WEEKENDS) return 'weekends';
  if (mask === 0) return 'no days';
  return SHORT_DAY_NAMES.filter((_, i) => mask & (1 << i)).join(', ');
}

/**
 * The instant a local date's local minute happens in `timeZone`. A time skipped by a clock change (02:30
 * on a spring-forward night) happens at the first instant after the gap (03:00 local); a time that happens
 * twice (fall back) happens at its first occurrence, so a prompt is never sent twice for one slot.
 */
export function instantOfLocal(date: LocalDate, minute: number, timeZone: string): Date {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new RangeError(`not a YYYY-MM-DD date: ${date}`);
  assertMinuteOfDay(minute);
  return instantOfLocalTime(date, minute, timeZone);
}

function isEnabled(days: number, date: LocalDate): boolean {
  return (days & (1 << (isoWeekday(date) - 1))) !== 0;
}

// A slot's local date is at most a day away from the local date of instants near it (a time skipped with
// its whole date, Pacific/Apia's 2011-12-30, happens on the next date), so searches start a day further
// out than the week they need.
const SEARCH_DAYS = 8;

/**
 * The latest slot instant before `before` (or at it, when `inclusive`), searching back from the day after
 * its local date. Slot instants never decrease along (date, time), so the first day with one wins.
 */
function latestSlot(schedule: CheckinTimes, timeZone: string, before: Date, inclusive: boolean) {
  if (schedule.days === 0 || schedule.times.length === 0) return undefined;
  const limit = before.getTime();
  const today = localDay(before, timeZone);
  for (let offset = 1; offset >= -SEARCH_DAYS; offset--) {
    const date = addDays(today, offset);
    if (!isEnabled(schedule.days, date)) continue;
    let best: number | undefined;
    for (const minute of schedule.times) {
      const at = instantOfLocal(date, minute, timeZone).getTime();
      if ((at < limit || (inclusive && at === limit)) && (best === undefined || at > best)) best = at;
    }
    if (best !== undefined) return new Date(best);
  }
  return undefined;
}

/**
 * The slot whose prompt is due at `now`: the latest slot instant <= now on an enabled local day, while the
 * local clock still shows that slot's hour, the same reading of it. A run missed while the bot was down
 * catches up within that hour and never later, so a late prompt never lands at an odd time. Thus a 09:00
 * slot is due from 09:00:00 to 09:59:59 local; a slot skipped by a clock change (02:30 -> 03:00) from 03:00
 * to 03:59:59; and when the clocks go back over a slot's hour, the repeated hour (a smaller offset, the
 * second reading) does not make it due again. undefined when none is due.
 */
export function dueSlot(schedule: CheckinTimes, timeZone: string, now: Date): Date | undefined {
  const slot = latestSlot(schedule, timeZone, now, true);
  if (!slot) return undefined;
  // An hour or more ago can never be the same hour: the usual answer, found before reading any offset.
  if (now.getTime() - slot.getTime() >= HOUR_MS) return undefined;
  const slotOffset = zoneOffsetMs(slot.getTime(), timeZone);
  const nowOffset = zoneOffsetMs(now.getTime(), timeZone);
  // The clocks went back since the slot: now's reading of the hour is a repeat, not the slot's.
  if (nowOffset < slotOffset) return undefined;
  const localHour = (at: number, offset: number) => Math.floor((at + offset) / HOUR_MS);
  return localHour(now.getTime(), nowOffset) === localHour(slot.getTime(), slotOffset) ? slot : undefined;
}

/**
 * The next slot instant strictly after `after` (looks up to 8 local days ahead): when to wake for the next
 * prompt. undefined if days === 0 or there are no times.
 */
export function nextSlot(schedule: CheckinTimes, timeZone: string, after: Date): Date | undefined {
  if (schedule.days === 0 || schedule.times.length === 0) return undefined;
  const limit = after.getTime();
  const today = localDay(after, timeZone);
  for (let offset = -1; offset <= SEARCH_DAYS; offset++) {
    const date = addDays(today, offset);
    if (!isEnabled(schedule.days, date)) continue;
    let best: number | undefined;
    for (const minute of schedule.times) {
      const at = instantOfLocal(date, minute, timeZone).getTime();
      if (at > limit && (best === undefined || at < best)) best = at;
    }
    if (best !== undefined) return new Date(best);
  }
  return undefined;
}

/** The latest slot instant strictly before `before` (up to 8 local days back), undefined if none. */
export function previousSlot(schedule: CheckinTimes, timeZone: string, before: Date): Date | undefined {
  return latestSlot(schedule, timeZone, before, false);
}

function listTimes(times: readonly number[]): string {
  return times.map(formatTimeOfDay).join(', ');
}

/**
 * Adds a check-in time; adding one that is set already changes nothing. Refused when MAX_CHECKIN_TIMES are
 * set, naming them, so the user can pick one for `/checkin remove`. Returns a new sorted array.
 */
export function addTime(times: readonly number[], minute: number): number[] {
  assertMinuteOfDay(minute);
  const sorted = [...times].sort((a, b) => a - b);
  if (sorted.includes(minute)) return sorted;
  if (sorted.length >= MAX_CHECKIN_TIMES) {
    throw new UserError(
      `You have ${MAX_CHECKIN_TIMES} check-in times already (${listTimes(sorted)}), the most there can be. ` +
        `Remove one with /checkin remove first, then add ${formatTimeOfDay(minute)}.`,
      'TOO_MANY_TIMES',
    );
  }
  return [...sorted, minute].sort((a, b) => a - b);
}

/**
 * Removes a check-in time, refused (listing the times that are set) when it is not one of them. Removing
 * the last leaves an empty list: no check-ins until one is added.
 */
export function removeTime(times: readonly number[], minute: number): number[] {
  assertMinuteOfDay(minute);
  const sorted = [...times].sort((a, b) => a - b);
  if (!sorted.includes(minute)) {
    const time = formatTimeOfDay(minute);
    throw new UserError(
      sorted.length === 0
        ? `${time} is not a check-in time of yours: you have none set.`
        : `${time} is not one of your check-in times (${listTimes(sorted)}). Remove one of those instead.`,
      'TIME_NOT_SET',
    );
  }
  return sorted.filter((t) => t !== minute);
}
