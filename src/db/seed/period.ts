import { DAY_MS, WEEK_MS } from '../../core/calendar/index.js';

/** The seeded period: `days` days ending (exclusive) at `until`. Times are epoch milliseconds, UTC. */
export interface SeedPeriod {
  start: number;
  until: number;
  days: number;
}

export function seedPeriod(until: Date, days: number): SeedPeriod {
  const end = until.getTime();
  return { start: end - days * DAY_MS, until: end, days };
}

/** Seven-day windows ending at `until`; the first is cut at the period's start. */
export function weekWindows(period: SeedPeriod): { from: number; to: number }[] {
  const windows: { from: number; to: number }[] = [];
  for (let to = period.until; to > period.start; to -= WEEK_MS) {
    windows.unshift({ from: Math.max(period.start, to - WEEK_MS), to });
  }
  return windows;
}

/** Whole seconds, so stored timestamps look like what a bot writes and compare exactly. */
export function wholeSeconds(time: number): number {
  return Math.floor(time / 1000) * 1000;
}
