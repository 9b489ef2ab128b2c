import { describe, expect, it } from 'vitest';
import {
  daysOfWeek,
  isIsoWeek,
  isoWeekOf,
  localParts,
  mondayOf,
  previousWeek,
  startOfLocalDay,
} from '../../../src/core/calendar/index.js';
import { dueDigestPeriod } from '../../../src/services/digest/digest-schedule.js';

describe('ISO weeks', () => {
  it.each([
    ['2026-11-16', '2026-W47'],
    ['2026-11-22', '2026-W47'],
    ['2026-11-23', '2026-W48'],
    ['2026-01-01', '2026-W01'],
    ['2026-12-31', '2026-W53'],
    ['2027-01-03', '2026-W53'],
    ['2027-01-04', '2027-W01'],
    ['2024-12-30', '2025-W01'],
  ])('GIVEN %s THEN it lies in %s', (date, week) => {
    expect(isoWeekOf(date)).toBe(week);
  });

  it('GIVEN 2026-W47 THEN it runs from Monday Nov 16 to Sunday Nov 22, after 2026-W46', () => {
    expect(mondayOf('2026-W47')).toBe('2026-11-16');
    expect(daysOfWeek('2026-W47').at(-1)).toBe('2026-11-22');
    expect(previousWeek('2026-W47')).toBe('2026-W46');
    expect(previousWeek('2027-W01')).toBe('2026-W53');
  });

  it('GIVEN weeks that do not exist or are malformed THEN they are refused', () => {
    expect(isIsoWeek('2026-W53')).toBe(true);
    expect(isIsoWeek('2025-W53')).toBe(false);
    expect(isIsoWeek('2026-W00')).toBe(false);
    expect(isIsoWeek('2026-47')).toBe(false);
  });

  it('GIVEN a day on which clocks change THEN its local midnight is found in UTC', () => {
    expect(startOfLocalDay('2026-10-25', 'Europe/Berlin').toISOString()).toBe('2026-10-24T22:00:00.000Z');
    expect(startOfLocalDay('2026-10-26', 'Europe/Berlin').toISOString()).toBe('2026-10-25T23:00:00.000Z');
    expect(startOfLocalDay('2026-11-01', 'America/New_York').toISOString()).toBe('2026-11-01T04:00:00.000Z');
    expect(startOfLocalDay('2026-11-02', 'America/New_York').toISOString()).toBe('2026-11-02T05:00:00.000Z');
    // Santiago springs forward at midnight: the day starts at 01:00.
    expect(startOfLocalDay('2026-09-06', 'America/Santiago').toISOString()).toBe('2026-09-06T04:00:00.000Z');
  });

  it('GIVEN an instant THEN its local date, ISO weekday and hour are those of the zone', () => {
    expect(localParts(new Date('2026-11-02T04:30:00Z'), 'America/New_York')).toEqual({
      date: '2026-11-01',
      isoWeekday: 7,
      hour: 23,
    });
  });
});

describe('when a digest is due', () => {
  const berlin = { timeZone: 'Europe/Berlin', digestDay: 1, digestHour: 9 };

  it.each([
    ['2026-10-19T06:59:00Z', undefined], // 08:59 CEST
    ['2026-10-19T07:00:00Z', '2026-W42'], // 09:00 CEST
    ['2026-10-26T07:00:00Z', undefined], // 08:00 CET: summer time ended the day before
    ['2026-10-26T08:00:00Z', '2026-W43'], // 09:00 CET
    ['2026-11-01T22:59:00Z', '2026-W43'], // Sunday 23:59: still catching up within the local week
    ['2026-11-01T23:00:00Z', undefined], // Monday 00:00 of the next week, before 09:00
  ])('GIVEN Berlin Monday 09:00 at %s THEN due: %s', (at, period) => {
    expect(dueDigestPeriod(new Date(at), berlin)).toBe(period);
  });

  it('GIVEN New York Monday 09:00 across the November change THEN 13:00 UTC before it and 14:00 UTC after', () => {
    const ny = { timeZone: 'America/New_York', digestDay: 1, digestHour: 9 };
    expect(dueDigestPeriod(new Date('2026-10-26T13:00:00Z'), ny)).toBe('2026-W43');
    expect(dueDigestPeriod(new Date('2026-11-02T13:00:00Z'), ny)).toBeUndefined();
    expect(dueDigestPeriod(new Date('2026-11-02T14:00:00Z'), ny)).toBe('2026-W44');
  });

  it('GIVEN a Wednesday 18:00 slot THEN due from then until the local week ends', () => {
    const slot = { timeZone: 'UTC', digestDay: 3, digestHour: 18 };
    expect(dueDigestPeriod(new Date('2026-11-18T17:00:00Z'), slot)).toBeUndefined();
    expect(dueDigestPeriod(new Date('2026-11-18T18:00:00Z'), slot)).toBe('2026-W46');
    expect(dueDigestPeriod(new Date('2026-11-20T02:00:00Z'), slot)).toBe('2026-W46');
  });
});
