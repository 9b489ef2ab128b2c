export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;
export const WEEK_MS = 7 * DAY_MS;

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

/** ISO weekday (1 = Monday ... 7 = Sunday) of a UTC instant shifted by an offset in minutes. */
export function isoWeekday(time: number, offsetMinutes = 0): number {
  const day = new Date(time + offsetMinutes * MINUTE_MS).getUTCDay();
  return day === 0 ? 7 : day;
}

/** Whole seconds, so stored timestamps look like what a bot writes and compare exactly. */
export function wholeSeconds(time: number): number {
  return Math.floor(time / 1000) * 1000;
}
