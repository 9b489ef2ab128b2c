/** Entries of one local calendar day; `day` is a day number (days since 1970-01-01, see core/calendar). */
export interface DayAggregate {
  day: number;
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

/**
 * What is known of the logging run before the days given to computeMoodStats: the run of consecutive
 * logged days that ended on `lastDay` began on `runStart` (day numbers). Lets a streak longer than the
 * fetched window be counted without reading the whole history.
 */
export interface EarlierRun {
  runStart: number;
  lastDay: number;
}

// Below this difference of weekly averages the week reads as steady rather than a change.
const STEADY_BAND = 0.5;

function averageOver(days: readonly DayAggregate[], from: number, to: number): Average {
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

/**
 * Today's and the 7-day average, the trend against the 7 days before, and the streak. `days` must hold
 * at least the last 14 days; a streak reaching past the oldest day given continues with `earlier`.
 */
export function computeMoodStats(
  days: readonly DayAggregate[],
  today: number,
  earlier?: EarlierRun,
): MoodStats {
  const t = today;
  const last7Days = averageOver(days, t - 6, t);
  const previous7Days = averageOver(days, t - 13, t - 7);
  let trend: Trend = 'new';
  let trendDelta: number | null = null;
  if (last7Days.average !== null && previous7Days.average !== null) {
    trendDelta = last7Days.average - previous7Days.average;
    trend = trendDelta > STEADY_BAND ? 'up' : trendDelta < -STEADY_BAND ? 'down' : 'steady';
  }
  return {
    today: averageOver(days, t, t),
    last7Days,
    previous7Days,
    trend,
    trendDelta,
    streakDays: streak(days, t, earlier),
  };
}

function streak(days: readonly DayAggregate[], today: number, earlier?: EarlierRun): number {
  const logged = new Set(days.filter((d) => d.entries > 0).map((d) => d.day));
  const end = logged.has(today) ? today : today - 1;
  let day = end;
  while (logged.has(day)) day--;
  // `day` is the first day back without an entry among those given. When it lies before the oldest
  // day given, the run may go further back: the earlier run continues it if the two touch.
  const oldest = days.reduce((min, d) => Math.min(min, d.day), Number.POSITIVE_INFINITY);
  if (earlier && day < oldest && earlier.lastDay >= day && earlier.runStart <= day)
    return end - earlier.runStart + 1;
  return end - day;
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
