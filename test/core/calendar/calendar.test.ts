import { describe, expect, it } from 'vitest';
import {
  addDays,
  DAY_MS,
  dayNumber,
  dayString,
  HOUR_MS,
  isIsoWeek,
  isKnownTimeZone,
  isoWeekday,
  isoWeekOf,
  localDay,
  localDayNumber,
  localParts,
  mondayOf,
  startOfLocalDay,
  weekdayOf,
  weekSpan,
  weekSpanAt,
  zoneOffsetMs,
} from '../../../src/core/calendar/index.js';

const start = (day: string, zone: string) => startOfLocalDay(day, zone).toISOString();
const hoursOf = (day: string, zone: string) =>
  (startOfLocalDay(dayNumber(day) + 1, zone).getTime() - startOfLocalDay(day, zone).getTime()) / HOUR_MS;
const dayAt = (instant: string, zone: string) => localDay(new Date(instant), zone);

describe('GIVEN days without a zone', () => {
  it('THEN day numbers count from 1970-01-01 and add across months, years and leap days', () => {
    expect(dayNumber('1970-01-01')).toBe(0);
    expect(dayString(dayNumber('2026-11-16'))).toBe('2026-11-16');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
  });

  it('THEN weekdays are ISO (Monday 1, Sunday 7), before 1970 too', () => {
    expect(isoWeekday('2026-11-16')).toBe(1);
    expect(isoWeekday('2026-11-22')).toBe(7);
    expect(isoWeekday('1969-12-31')).toBe(3);
    expect(weekdayOf('2026-11-17')).toBe('Tue');
  });
});

describe('GIVEN a day whose midnight the clocks skip', () => {
  it.each([
    // zone, day, starts at (01:00 local), the day before starts at
    ['America/Santiago', '2026-09-06', '2026-09-06T04:00:00.000Z', '2026-09-05T04:00:00.000Z'],
    ['America/Havana', '2026-03-08', '2026-03-08T05:00:00.000Z', '2026-03-07T05:00:00.000Z'],
    ['Asia/Beirut', '2026-03-29', '2026-03-28T22:00:00.000Z', '2026-03-27T22:00:00.000Z'],
  ])(
    'GIVEN %s on %s THEN the day starts at 01:00, the first instant that exists, and lasts 23 hours',
    (zone, day, first, before) => {
      expect(start(day, zone)).toBe(first);
      expect(localParts(new Date(first), zone)).toMatchObject({ date: day, hour: 1 });
      expect(dayAt(new Date(Date.parse(first) - 1).toISOString(), zone)).toBe(addDays(day, -1));
      expect(start(addDays(day, -1), zone)).toBe(before);
      expect(hoursOf(addDays(day, -1), zone)).toBe(24);
      expect(hoursOf(day, zone)).toBe(23);
    },
  );

  it('GIVEN a date the zone skipped altogether (Samoa, 2011-12-30) THEN it starts where the next date does', () => {
    expect(start('2011-12-29', 'Pacific/Apia')).toBe('2011-12-29T10:00:00.000Z');
    expect(start('2011-12-30', 'Pacific/Apia')).toBe('2011-12-30T10:00:00.000Z');
    expect(start('2011-12-31', 'Pacific/Apia')).toBe('2011-12-30T10:00:00.000Z');
    expect(hoursOf('2011-12-29', 'Pacific/Apia')).toBe(24);
    expect(dayAt('2011-12-30T09:59:59Z', 'Pacific/Apia')).toBe('2011-12-29');
    expect(dayAt('2011-12-30T10:00:00Z', 'Pacific/Apia')).toBe('2011-12-31');
  });
});

describe('GIVEN a day with a repeated hour', () => {
  it('GIVEN Berlin when summer time ends (02:00 to 03:00 twice) THEN the day lasts 25 hours from its midnight', () => {
    expect(start('2026-10-25', 'Europe/Berlin')).toBe('2026-10-24T22:00:00.000Z');
    expect(start('2026-10-26', 'Europe/Berlin')).toBe('2026-10-25T23:00:00.000Z');
    expect(localParts(new Date('2026-10-25T00:30:00Z'), 'Europe/Berlin').hour).toBe(2);
    expect(localParts(new Date('2026-10-25T01:30:00Z'), 'Europe/Berlin').hour).toBe(2);
    expect(hoursOf('2026-10-25', 'Europe/Berlin')).toBe(25);
  });

  it('GIVEN Havana, whose repeated hour is the first of the day THEN the day starts at the first midnight', () => {
    expect(start('2026-11-01', 'America/Havana')).toBe('2026-11-01T04:00:00.000Z');
    expect(localParts(new Date('2026-11-01T04:30:00Z'), 'America/Havana')).toMatchObject({
      date: '2026-11-01',
      hour: 0,
    });
    expect(localParts(new Date('2026-11-01T05:30:00Z'), 'America/Havana')).toMatchObject({
      date: '2026-11-01',
      hour: 0,
    });
    expect(hoursOf('2026-11-01', 'America/Havana')).toBe(25);
    // The same in Amman in 1997, where the former digest code began the day an hour late.
    expect(start('1997-09-19', 'Asia/Amman')).toBe('1997-09-18T21:00:00.000Z');
  });

  it('GIVEN Newfoundland ending daylight saving at 00:01, back to 23:01 the evening before THEN the date starts at its first midnight and an instant in the repeated hour is still the day before', () => {
    expect(start('2006-10-29', 'America/St_Johns')).toBe('2006-10-29T02:30:00.000Z');
    expect(dayAt('2006-10-29T02:30:30Z', 'America/St_Johns')).toBe('2006-10-29');
    expect(dayAt('2006-10-29T02:45:00Z', 'America/St_Johns')).toBe('2006-10-28');
    expect(start('2006-10-30', 'America/St_Johns')).toBe('2006-10-30T03:30:00.000Z');
    // The change at a minute past falls inside a quarter hour: the offset is read per instant there.
    expect(dayAt('2006-10-29T03:00:30Z', 'America/Goose_Bay')).toBe('2006-10-29');
    expect(dayAt('2006-10-29T03:05:00Z', 'America/Goose_Bay')).toBe('2006-10-28');
  });
});

describe('GIVEN zones with unusual offsets', () => {
  it.each([
    ['Asia/Kolkata', '2026-11-09T18:30:00.000Z', 19_800_000], // +5:30
    ['Asia/Kathmandu', '2026-11-09T18:15:00.000Z', 20_700_000], // +5:45
    ['Australia/Eucla', '2026-11-09T15:15:00.000Z', 31_500_000], // +8:45
    ['Pacific/Kiritimati', '2026-11-09T10:00:00.000Z', 50_400_000], // +14
    ['Etc/GMT+12', '2026-11-10T12:00:00.000Z', -43_200_000], // -12
  ])('GIVEN %s THEN 2026-11-10 starts at %s', (zone, first, offset) => {
    expect(start('2026-11-10', zone)).toBe(first);
    expect(zoneOffsetMs(Date.parse(first), zone)).toBe(offset);
    expect(hoursOf('2026-11-10', zone)).toBe(24);
  });

  it('GIVEN one instant THEN +14 and -12 put it two dates apart', () => {
    expect(dayAt('2026-11-10T11:00:00Z', 'Pacific/Kiritimati')).toBe('2026-11-11');
    expect(dayAt('2026-11-10T11:00:00Z', 'Etc/GMT+12')).toBe('2026-11-09');
  });

  it('GIVEN Lord Howe’s half-hour daylight saving THEN the day it ends lasts 24 and a half hours', () => {
    expect(start('2026-04-05', 'Australia/Lord_Howe')).toBe('2026-04-04T13:00:00.000Z');
    expect(hoursOf('2026-04-05', 'Australia/Lord_Howe')).toBe(24.5);
  });

  it('GIVEN an offset with seconds (Liberia until 1972, -0:44:30) THEN the day starts to the second', () => {
    expect(start('1971-08-09', 'Africa/Monrovia')).toBe('1971-08-09T00:44:30.000Z');
    expect(localDayNumber(Date.parse('1971-08-09T00:44:29Z'), 'Africa/Monrovia')).toBe(
      dayNumber('1971-08-08'),
    );
  });

  it('GIVEN a zone the runtime does not know THEN it is reported as unknown', () => {
    expect(isKnownTimeZone('Europe/Berlin')).toBe(true);
    expect(isKnownTimeZone('Mars/Olympus_Mons')).toBe(false);
  });
});

describe('GIVEN ISO weeks at the ends of years', () => {
  it.each([
    ['2020-12-31', '2020-W53'],
    ['2021-01-03', '2020-W53'],
    ['2021-01-04', '2021-W01'],
    ['2026-01-01', '2026-W01'],
    ['2025-12-29', '2026-W01'],
    ['2026-12-31', '2026-W53'],
    ['2027-01-03', '2026-W53'],
    ['2024-12-30', '2025-W01'],
  ])('GIVEN %s THEN it lies in %s', (day, week) => {
    expect(isoWeekOf(day)).toBe(week);
    expect(isoWeekOf(dayNumber(day))).toBe(week);
  });

  it('THEN 2020 and 2026 have a week 53, 2021 and 2025 none', () => {
    expect([isIsoWeek('2020-W53'), isIsoWeek('2026-W53')]).toEqual([true, true]);
    expect([isIsoWeek('2021-W53'), isIsoWeek('2025-W53')]).toEqual([false, false]);
    expect(mondayOf('2026-W53')).toBe('2026-12-28');
  });

  it('GIVEN a week in a zone THEN it runs from its Monday’s start to the next Monday’s, 7 days less an hour in spring', () => {
    const week = weekSpan('2026-W13', 'Europe/Berlin');
    expect(week.start.toISOString()).toBe('2026-03-22T23:00:00.000Z');
    expect(week.end.toISOString()).toBe('2026-03-29T22:00:00.000Z');
    expect(week.end.getTime() - week.start.getTime()).toBe(7 * DAY_MS - HOUR_MS);
    expect(weekSpanAt(new Date('2026-03-29T21:59:59Z'), 'Europe/Berlin').period).toBe('2026-W13');
    expect(weekSpanAt(new Date('2026-03-29T22:00:00Z'), 'Europe/Berlin').period).toBe('2026-W14');
  });
});
