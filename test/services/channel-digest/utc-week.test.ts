import { describe, expect, it } from 'vitest';
import { previousWeek, weekSpan, weekSpanAt } from '../../../src/core/calendar/index.js';
import { dueWeek } from '../../../src/services/channel-digest/run-channel-digests.js';

describe('UTC ISO weeks', () => {
  it.each([
    ['2026-11-25T12:00:00Z', '2026-W48', '2026-11-23', '2026-11-30'],
    ['2026-11-22T23:59:59Z', '2026-W47', '2026-11-16', '2026-11-23'],
    ['2021-01-03T23:59:59Z', '2020-W53', '2020-12-28', '2021-01-04'],
    ['2026-01-01T00:00:00Z', '2026-W01', '2025-12-29', '2026-01-05'],
    ['2027-01-03T10:00:00Z', '2026-W53', '2026-12-28', '2027-01-04'],
  ])('GIVEN %s THEN the week is %s from %s to %s', (at, period, start, end) => {
    const week = weekSpanAt(new Date(at), 'UTC');
    expect(week.period).toBe(period);
    expect(week.start.toISOString().slice(0, 10)).toBe(start);
    expect(week.end.toISOString().slice(0, 10)).toBe(end);
  });

  it('GIVEN the first week of a year THEN the week before is the last of the previous year', () => {
    const week = weekSpanAt(new Date('2021-01-06T00:00:00Z'), 'UTC');
    expect(weekSpan(previousWeek(week.period), 'UTC')).toEqual({
      period: '2020-W53',
      start: new Date('2020-12-28T00:00:00Z'),
      end: new Date('2021-01-04T00:00:00Z'),
    });
  });
});

describe('the week a channel post is due for', () => {
  it('GIVEN Monday before 09:00 UTC THEN nothing is due yet', () => {
    expect(dueWeek(new Date('2026-11-23T08:59:59Z'))).toBeUndefined();
  });

  it('GIVEN Monday 09:00 UTC or later in the week THEN last week is due', () => {
    expect(dueWeek(new Date('2026-11-23T09:00:00Z'))?.period).toBe('2026-W47');
    expect(dueWeek(new Date('2026-11-29T23:00:00Z'))?.period).toBe('2026-W47');
  });

  it('GIVEN another posting hour THEN it is honoured', () => {
    expect(dueWeek(new Date('2026-11-23T05:00:00Z'), 6)).toBeUndefined();
    expect(dueWeek(new Date('2026-11-23T06:00:00Z'), 6)?.period).toBe('2026-W47');
  });
});
