import type { Clock } from '../../core/clock.js';
import { LruCache } from '../../core/lru-cache.js';
import type { Db } from '../../db/database.js';
import {
  dailyMoods,
  listMoodEntries,
  loggedDays,
  logMoodEntry,
  type RecentMood,
  recentMoods,
} from '../../db/repositories/mood-entries.js';
import type { MoodEntry } from '../../db/schema/index.js';
import { needsCare } from '../care/care-resources.js';
import { addDays, dayNumber, localDay, localDayNumber, localDayNumbers } from './local-days.js';
import { computeMoodStats, type DayAggregate, type EarlierRun, type MoodStats } from './mood-stats.js';

export interface MoodInput {
  score: number;
  emotions: readonly string[];
  note: string | null;
}

export interface MoodUser {
  id: number;
  timeZone: string;
}

export interface MoodLogged {
  entry: MoodEntry;
  stats: MoodStats;
  /** True when the answer must carry the helpline resources. */
  care: boolean;
}

export interface DayMood {
  day: string;
  average: number | null;
  entries: number;
}

export interface MoodHistory {
  days: number;
  from: string;
  to: string;
  entries: MoodEntry[];
  /** One element per calendar day of the range, oldest first, including days without entries. */
  daily: DayMood[];
  average: number | null;
  best: DayMood | null;
  worst: DayMood | null;
  topEmotions: Array<{ emotion: string; count: number }>;
  stats: MoodStats;
}

export interface MoodService {
  log(user: MoodUser, input: MoodInput): Promise<MoodLogged>;
  history(user: MoodUser, days: number): Promise<MoodHistory>;
}

// The window /mood reads with each entry: the 7-day average against the 7 days before, plus margin for
// the time zone. Longer streaks continue from a cached run instead of reading the whole history.
const STATS_WINDOW_DAYS = 16;
const DAY_MS = 86_400_000;

export function createMoodService(deps: { db: Db; clock: Clock }): MoodService {
  const { db, clock } = deps;
  // Per user: the logging run known so far. Entries are only ever added (erasure drops the user), so
  // a run once seen stays true; a stale one is only shorter than the truth and is then re-read.
  const runs = new LruCache<number, EarlierRun>(50_000, 24 * 3_600_000);
  // Per user: their entries of the stats window and the id of the newest. An entry logged elsewhere
  // (another instance) shows up as a different "previous id" on the next insert and forces a re-read.
  const recents = new LruCache<number, { lastId: number; entries: RecentMood[] }>(20_000, 3_600_000);

  async function runFromHistory(userId: number, timeZone: string): Promise<EarlierRun | undefined> {
    const days = (await loggedDays(db, userId, timeZone)).map(dayNumber);
    if (days.length === 0) return undefined;
    let runStart = days[0]!;
    for (const day of days.slice(1)) {
      if (day !== runStart - 1) break;
      runStart = day;
    }
    return { runStart, lastDay: days[0]! };
  }

  return {
    async log(user, input) {
      const now = clock.now();
      const since = new Date(now.getTime() - STATS_WINDOW_DAYS * DAY_MS);
      const remembered = recents.get(user.id);
      const { entry, previousId } = await logMoodEntry(db, {
        userId: user.id,
        moodScore: input.score,
        emotions: input.emotions.length ? input.emotions : null,
        notes: input.note,
      });
      const earlier =
        remembered && remembered.lastId === previousId
          ? remembered.entries.filter((e) => e.at >= since.getTime())
          : (await recentMoods(db, user.id, since)).filter((e) => e.id !== entry.id);
      const recent = [...earlier, { id: entry.id, at: entry.createdAt.getTime(), score: entry.moodScore }];
      recents.set(user.id, { lastId: entry.id, entries: recent });
      const days = byLocalDay(
        recent,
        user.timeZone,
        since.getTime(),
        Math.max(now.getTime(), entry.createdAt.getTime()),
      );
      const today = localDayNumber(now.getTime(), user.timeZone);
      const known = runs.get(user.id);
      let stats = computeMoodStats(days, today, known);
      const windowStart = localDayNumber(since.getTime(), user.timeZone);
      const runBegins = today - stats.streakDays + (stats.today.entries > 0 ? 1 : 0);
      if (stats.streakDays > 0 && runBegins <= windowStart && known?.runStart !== runBegins) {
        // The run reaches the start of the window: only the full history can say how long it is.
        stats = computeMoodStats(days, today, await runFromHistory(user.id, user.timeZone));
      }
      const end = today - (stats.today.entries > 0 ? 0 : 1);
      if (stats.streakDays > 0) runs.set(user.id, { runStart: end - stats.streakDays + 1, lastDay: end });
      return {
        entry,
        stats,
        care: needsCare({ score: input.score, note: input.note, emotions: input.emotions }),
      };
    },

    async history(user, days) {
      const now = clock.now();
      const to = localDay(now, user.timeZone);
      const from = addDays(to, -(days - 1));
      // A day longer than the range, so entries of the first local day are never cut by the zone offset.
      const since = new Date(now.getTime() - (days + 1) * DAY_MS);
      const statsSince = new Date(now.getTime() - Math.max(days + 1, 15) * DAY_MS);
      const [allEntries, aggregates, statDays] = await Promise.all([
        listMoodEntries(db, user.id, { since, limit: 1000 }),
        dailyMoods(db, user.id, user.timeZone, since),
        days >= 14 ? Promise.resolve(undefined) : dailyMoods(db, user.id, user.timeZone, statsSince),
      ]);
      const entries = allEntries.filter((e) => localDay(e.createdAt, user.timeZone) >= from);
      const inRange = aggregates.filter((d) => d.day >= from && d.day <= to);
      const byDay = new Map(inRange.map((d) => [d.day, d]));
      const daily: DayMood[] = [];
      for (let day = from; day <= to; day = addDays(day, 1)) {
        const d = byDay.get(day);
        daily.push({ day, entries: d?.entries ?? 0, average: d ? d.total / d.entries : null });
      }
      const logged = daily.filter((d) => d.average !== null);
      const total = inRange.reduce((s, d) => s + d.total, 0);
      const count = inRange.reduce((s, d) => s + d.entries, 0);
      const best = logged.reduce<DayMood | null>(
        (b, d) => (b === null || d.average! > b.average! ? d : b),
        null,
      );
      const worst = logged.reduce<DayMood | null>(
        (w, d) => (w === null || d.average! < w.average! ? d : w),
        null,
      );
      return {
        days,
        from,
        to,
        entries,
        daily,
        average: count ? total / count : null,
        best,
        worst,
        topEmotions: countEmotions(entries, 5),
        stats: computeMoodStats(
          (statDays ?? aggregates).map((d) => ({ ...d, day: dayNumber(d.day) })),
          dayNumber(to),
        ),
      };
    },
  };
}

/** Entries grouped by the local day they fall on. */
function byLocalDay(
  entries: readonly RecentMood[],
  timeZone: string,
  from: number,
  to: number,
): DayAggregate[] {
  const numbers = localDayNumbers(
    entries.map((e) => e.at),
    timeZone,
    from,
    to,
  );
  const days = new Map<number, DayAggregate>();
  numbers.forEach((n, i) => {
    const day = days.get(n) ?? { day: n, entries: 0, total: 0 };
    day.entries += 1;
    day.total += entries[i]!.score;
    days.set(n, day);
  });
  return [...days.values()];
}

function countEmotions(
  entries: readonly MoodEntry[],
  limit: number,
): Array<{ emotion: string; count: number }> {
  const counts = new Map<string, number>();
  for (const e of entries) for (const tag of e.emotions ?? []) counts.set(tag, (counts.get(tag) ?? 0) + 1);
  return [...counts]
    .map(([emotion, count]) => ({ emotion, count }))
    .sort((a, b) => b.count - a.count || a.emotion.localeCompare(b.emotion))
    .slice(0, limit);
}
