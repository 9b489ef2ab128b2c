import { describe, expect, it } from 'vitest';
import {
  addDays,
  dayNumber,
  localDay,
  localDayNumber,
  zoneOffsetMs,
} from '../../../src/core/calendar/index.js';
import { computeMoodStats, sparkline } from '../../../src/services/mood/mood-stats.js';

const today = '2026-11-25';
const t0 = dayNumber(today);
const day = (offset: number, entries: number, total: number) => ({ day: t0 + offset, entries, total });

describe('GIVEN mood days', () => {
  it('THEN today and the 7-day average are averages over entries, not days', () => {
    const stats = computeMoodStats([day(0, 2, 10), day(-1, 1, 8), day(-6, 1, 2), day(-7, 1, 10)], t0);
    expect(stats.today).toEqual({ average: 5, entries: 2 });
    expect(stats.last7Days).toEqual({ average: 5, entries: 4 });
    expect(stats.previous7Days).toEqual({ average: 10, entries: 1 });
  });

  it('THEN the trend is up, down or steady against the 7 days before, and new without them', () => {
    expect(computeMoodStats([day(0, 1, 8), day(-8, 1, 4)], t0).trend).toBe('up');
    expect(computeMoodStats([day(0, 1, 3), day(-8, 1, 7)], t0).trend).toBe('down');
    expect(computeMoodStats([day(0, 1, 6), day(-8, 1, 6)], t0)).toMatchObject({
      trend: 'steady',
      trendDelta: 0,
    });
    expect(computeMoodStats([day(0, 1, 6)], t0)).toMatchObject({ trend: 'new', trendDelta: null });
  });

  it('THEN the streak counts consecutive days ending today, or yesterday before today’s entry', () => {
    expect(computeMoodStats([day(0, 1, 5), day(-1, 1, 5), day(-2, 1, 5), day(-4, 1, 5)], t0).streakDays).toBe(
      3,
    );
    expect(computeMoodStats([day(-1, 1, 5), day(-2, 1, 5)], t0).streakDays).toBe(2);
    expect(computeMoodStats([day(-2, 1, 5)], t0).streakDays).toBe(0);
    expect(computeMoodStats([], t0).streakDays).toBe(0);
  });

  it('THEN a streak crosses month and year boundaries', () => {
    const end = dayNumber('2027-01-10');
    const days = Array.from({ length: 40 }, (_, i) => ({ day: end - i, entries: 1, total: 5 }));
    expect(computeMoodStats(days, end).streakDays).toBe(40);
  });
});

describe('GIVEN a date and a time zone', () => {
  it('THEN the local day follows the zone, across a daylight-saving change', () => {
    expect(localDay(new Date('2026-11-10T23:30:00Z'), 'Asia/Tokyo')).toBe('2026-11-11');
    expect(localDay(new Date('2026-11-10T23:30:00Z'), 'America/New_York')).toBe('2026-11-10');
    expect(localDay(new Date('2026-03-29T00:30:00Z'), 'Europe/Berlin')).toBe('2026-03-29');
    expect(addDays('2026-03-28', 1)).toBe('2026-03-29');
  });
});

describe('GIVEN scores for a sparkline', () => {
  it('THEN 1 is the lowest bar, 10 the highest, and a missing day a dot', () => {
    expect(sparkline([1, 10, null, 5.5])).toBe('▁█·▅');
  });
});

describe('GIVEN instants to group by local day', () => {
  it('THEN the zone offset is read correctly on both sides of a daylight-saving change', () => {
    expect(zoneOffsetMs(Date.parse('2026-03-28T12:00:00Z'), 'Europe/Berlin')).toBe(3_600_000);
    expect(zoneOffsetMs(Date.parse('2026-03-30T12:00:00Z'), 'Europe/Berlin')).toBe(7_200_000);
    expect(zoneOffsetMs(Date.parse('2026-11-10T12:00:00Z'), 'Asia/Kathmandu')).toBe(20_700_000);
  });

  it('THEN the cached offsets give the same local days as Intl per instant, across a change', () => {
    const zones = ['Europe/Berlin', 'America/New_York', 'Asia/Tokyo', 'Australia/Lord_Howe', 'UTC'];
    const instants = Array.from(
      { length: 200 },
      (_, i) => Date.parse('2026-03-20T00:00:00Z') + i * 97 * 60_000,
    );
    for (const zone of zones) {
      const expected = instants.map((at) => dayNumber(localDay(new Date(at), zone)));
      expect(
        instants.map((at) => localDayNumber(at, zone)),
        zone,
      ).toEqual(expected);
    }
  });
});

describe('GIVEN a streak longer than the window read', () => {
  it('THEN an earlier run that touches the window continues it', () => {
    const window = Array.from({ length: 16 }, (_, i) => day(-i, 1, 5));
    const t = t0;
    expect(computeMoodStats(window, t0).streakDays).toBe(16);
    expect(computeMoodStats(window, t0, { runStart: t - 40, lastDay: t - 15 }).streakDays).toBe(41);
  });

  it('THEN an earlier run that ended before the window does not', () => {
    const window = [day(0, 1, 5), day(-1, 1, 5)];
    const t = t0;
    expect(computeMoodStats(window, t0, { runStart: t - 40, lastDay: t - 20 }).streakDays).toBe(2);
  });
});
