import { addDays } from './local-days.js';

/** Entries of one local calendar day. */
export interface DayAggregate {
  day: string;
  entries: number;
  total: number;
}

export interface Average {
  average: number | null;
  entries: number;
}

export type Trend = 'up' | 'down' | 'steady' | 'new';

export interface MoodStats {
  today: Average;
  last7Days: Average;
  previous7Days: Average;
  trend: Trend;
  /** last7Days minus previous7Days, when both have entries. */
  trendDelta: number | null;
  /** Consecutive days with at least one entry, ending today (or yesterday, if today has none yet). */
  streakDays: number;
}

// Below this difference of weekly averages the week reads as steady rather than a change.
const STEADY_BAND = 0.5;

function averageOver(days: DayAggregate[], from: string, to: string): Average {
  let entries = 0;
  let total = 0;
  for (const d of days) {
    if (d.day >= from && d.day <= to) {
      entries += d.entries;
      total += d.total;
    }
  }
  return { average: entries ? total / entries : null, entries };
}

/** Today's and the 7-day average, the trend against the 7 days before, and the streak. */
export function computeMoodStats(days: readonly DayAggregate[], today: string): MoodStats {
  const sorted = [...days].sort((a, b) => (a.day < b.day ? 1 : -1));
  const last7Days = averageOver(sorted, addDays(today, -6), today);
  const previous7Days = averageOver(sorted, addDays(today, -13), addDays(today, -7));
  let trend: Trend = 'new';
  let trendDelta: number | null = null;
  if (last7Days.average !== null && previous7Days.average !== null) {
    trendDelta = last7Days.average - previous7Days.average;
    trend = trendDelta > STEADY_BAND ? 'up' : trendDelta < -STEADY_BAND ? 'down' : 'steady';
  }
  return {
    today: averageOver(sorted, today, today),
    last7Days,
    previous7Days,
    trend,
    trendDelta,
    streakDays: streak(new Set(sorted.filter((d) => d.entries > 0).map((d) => d.day)), today),
  };
}

function streak(logged: Set<string>, today: string): number {
  let day = logged.has(today) ? today : addDays(today, -1);
  let count = 0;
  while (logged.has(day)) {
    count++;
    day = addDays(day, -1);
  }
  return count;
}

const BARS = '▁▂▃▄▅▆▇█';

/** One character per score from 1 to 10; null (a day without entries) is a gap. */
export function sparkline(values: ReadonlyArray<number | null>): string {
  return values
    .map((v) => {
      if (v === null) return '·';
      const index = Math.round(((Math.min(10, Math.max(1, v)) - 1) / 9) * (BARS.length - 1));
      return BARS[index];
    })
    .join('');
}
