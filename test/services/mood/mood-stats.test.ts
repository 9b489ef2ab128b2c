import { describe, expect, it } from 'vitest';
import { addDays, localDay } from '../../../src/services/mood/local-days.js';
import { computeMoodStats, sparkline } from '../../../src/services/mood/mood-stats.js';

const today = '2026-11-25';
const day = (offset: number, entries: number, total: number) => ({ day: addDays(today, offset), entries, total });

describe('GIVEN mood days', () => {
  it('THEN today and the 7-day average are averages over entries, not days', () => {
    const stats = computeMoodStats([day(0, 2, 10), day(-1, 1, 8), day(-6, 1, 2), day(-7, 1, 10)], today);
    expect(stats.today).toEqual({ average: 5, entries: 2 });
    expect(stats.last7Days).toEqual({ average: 5, entries: 4 });
    expect(stats.previous7Days).toEqual({ average: 10, entries: 1 });
  });

  it('THEN the trend is up, down or steady against the 7 days before, and new without them', () => {
    expect(computeMoodStats([day(0, 1, 8), day(-8, 1, 4)], today).trend).toBe('up');
    expect(computeMoodStats([day(0, 1, 3), day(-8, 1, 7)], today).trend).toBe('down');
    expect(computeMoodStats([day(0, 1, 6), day(-8, 1, 6)], today)).toMatchObject({ trend: 'steady', trendDelta: 0 });
    expect(computeMoodStats([day(0, 1, 6)], today)).toMatchObject({ trend: 'new', trendDelta: null });
  });

  it('THEN the streak counts consecutive days ending today, or yesterday before today’s entry', () => {
    expect(computeMoodStats([day(0, 1, 5), day(-1, 1, 5), day(-2, 1, 5), day(-4, 1, 5)], today).streakDays).toBe(3);
    expect(computeMoodStats([day(-1, 1, 5), day(-2, 1, 5)], today).streakDays).toBe(2);
    expect(computeMoodStats([day(-2, 1, 5)], today).streakDays).toBe(0);
    expect(computeMoodStats([], today).streakDays).toBe(0);
  });

  it('THEN a streak crosses month and year boundaries', () => {
    const days = Array.from({ length: 40 }, (_, i) => ({ day: addDays('2027-01-10', -i), entries: 1, total: 5 }));
    expect(computeMoodStats(days, '2027-01-10').streakDays).toBe(40);
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
