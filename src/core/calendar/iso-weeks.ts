/**
 * ISO 8601 weeks ("2026-W47"): Monday to Sunday, numbered within the year that holds the week's Thursday,
 * so week 1 is the week with January 4th and a year has 52 or 53 weeks.
 */
import { DAY_MS, type Day, dayNumber, dayString, isoWeekday, type LocalDate, toDayNumber } from './days.js';
import { localDayNumber, startOfLocalDay } from './time-zones.js';

const ISO_WEEK = /^(\d{4})-W(\d{2})$/;

/** The ISO week a day belongs to, e.g. 2026-11-16 -> "2026-W47" (the year is the week's Thursday's). */
export function isoWeekOf(day: Day): string {
  const n = toDayNumber(day);
  const thursday = n + 4 - isoWeekday(n);
  const year = new Date(thursday * DAY_MS).getUTCFullYear();
  const week = 1 + Math.floor((thursday - Date.UTC(year, 0, 1) / DAY_MS) / 7);
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** The Monday that starts an ISO week. */
export function mondayOf(period: string): LocalDate {
  const match = ISO_WEEK.exec(period);
  if (!match) throw new RangeError(`not an ISO week: ${period}`);
  const jan4 = dayNumber(`${match[1]}-01-04`);
  return dayString(jan4 - (isoWeekday(jan4) - 1) + (Number(match[2]) - 1) * 7);
}

/** True for a well-formed ISO week that exists (only some years have a week 53). */
export function isIsoWeek(period: string): boolean {
  const match = ISO_WEEK.exec(period);
  if (!match) return false;
  const week = Number(match[2]);
  return week >= 1 && week <= 53 && isoWeekOf(mondayOf(period)) === period;
}

/** The seven dates of an ISO week, Monday first. */
export function daysOfWeek(period: string): LocalDate[] {
  const monday = dayNumber(mondayOf(period));
  return Array.from({ length: 7 }, (_, i) => dayString(monday + i));
}

/** The ISO week before `period`. */
export function previousWeek(period: string): string {
  return isoWeekOf(dayNumber(mondayOf(period)) - 7);
}

/** An ISO week as a span of time in one zone: its label and its bounds [start, end). */
export interface WeekSpan {
  period: string;
  start: Date;
  end: Date;
}

/** The span of the ISO week `period` in `timeZone`, from its Monday's start to the next Monday's. */
export function weekSpan(period: string, timeZone: string): WeekSpan {
  const monday = dayNumber(mondayOf(period));
  return {
    period,
    start: startOfLocalDay(monday, timeZone),
    end: startOfLocalDay(monday + 7, timeZone),
  };
}

/** The span of the ISO week that `at` falls in, in `timeZone`. */
export function weekSpanAt(at: Date, timeZone: string): WeekSpan {
  return weekSpan(isoWeekOf(localDayNumber(at.getTime(), timeZone)), timeZone);
}
