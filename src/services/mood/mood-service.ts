import type { Clock } from '../../core/clock.js';
import type { Db } from '../../db/database.js';
import {
  dailyMoods,
  insertMoodEntryWithHistory,
  listMoodEntries,
} from '../../db/repositories/mood-entries.js';
import type { MoodEntry } from '../../db/schema/index.js';
import { needsCare } from '../care/care-resources.js';
import { addDays, localDay } from './local-days.js';
import { computeMoodStats, type DayAggregate, type MoodStats } from './mood-stats.js';

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

// Enough days for the 7-day trend against the week before, and for streaks up to this long.
const STATS_WINDOW_DAYS = 400;
const DAY_MS = 86_400_000;

export function createMoodService(deps: { db: Db; clock: Clock }): MoodService {
  const { db, clock } = deps;

  return {
    async log(user, input) {
      const now = clock.now();
      const { entry, earlierDays } = await insertMoodEntryWithHistory(
        db,
        { userId: user.id, moodScore: input.score, emotions: input.emotions.length ? input.emotions : null, notes: input.note },
        user.timeZone,
        new Date(now.getTime() - STATS_WINDOW_DAYS * DAY_MS),
      );
      const today = localDay(entry.createdAt, user.timeZone);
      const days = withEntry(earlierDays, today, entry.moodScore);
      return {
        entry,
        stats: computeMoodStats(days, localDay(now, user.timeZone)),
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
      const best = logged.reduce<DayMood | null>((b, d) => (b === null || d.average! > b.average! ? d : b), null);
      const worst = logged.reduce<DayMood | null>((w, d) => (w === null || d.average! < w.average! ? d : w), null);
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
        stats: computeMoodStats(statDays ?? aggregates, to),
      };
    },
  };
}

function withEntry(days: readonly DayAggregate[], day: string, score: number): DayAggregate[] {
  const copy = days.map((d) => ({ ...d }));
  const existing = copy.find((d) => d.day === day);
  if (existing) {
    existing.entries += 1;
    existing.total += score;
  } else {
    copy.push({ day, entries: 1, total: score });
  }
  return copy;
}

function countEmotions(entries: readonly MoodEntry[], limit: number): Array<{ emotion: string; count: number }> {
  const counts = new Map<string, number>();
  for (const e of entries) for (const tag of e.emotions ?? []) counts.set(tag, (counts.get(tag) ?? 0) + 1);
  return [...counts]
    .map(([emotion, count]) => ({ emotion, count }))
    .sort((a, b) => b.count - a.count || a.emotion.localeCompare(b.emotion))
    .slice(0, limit);
}
