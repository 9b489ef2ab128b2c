import { dayNumber, dayString, localDayNumber, startOfLocalDay } from '../../core/calendar/index.js';
import type { Clock } from '../../core/clock.js';
import { UserError } from '../../core/errors.js';
import { LruCache } from '../../core/lru-cache.js';
import type { Db } from '../../db/database.js';
import { musicBetween } from '../../db/repositories/digest-data.js';
import {
  dailyMoods,
  isAlreadyApplied,
  listMoodEntries,
  loggedDays,
  topEmotions,
  undoMoodEntry,
} from '../../db/repositories/mood-entries.js';
import type { MoodEntry } from '../../db/schema/index.js';
import { needsCare } from '../care/care-resources.js';
import { type DayMusic, dailyMusic } from '../music/daily-music.js';
import { computeMoodStats, type DayAggregate, type EarlierRun, type MoodStats } from './mood-stats.js';
import { createMoodWriteBatcher, type MoodWriter } from './mood-write-batcher.js';
import type { NoteCipher, OpenedEntry } from './note-cipher.js';
import { readWrittenNotes, type WrittenNote } from './written-notes.js';

/**
 * An entry as /mood's options parse it. The text is checked there, once (storable, within its limits:
 * see the options in commands/mood.ts); the service and the writer below store it as given.
 */
export interface MoodInput {
  score: number;
  emotions: readonly string[];
  note: string | null;
  /** The inbox delivery it comes from: stored at most once per delivery, however often it runs. */
  deliveryKey?: string | undefined;
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

export interface DayMood extends DayMusic {
  day: string;
  average: number | null;
  entries: number;
}

export interface MoodHistory {
  days: number;
  from: string;
  to: string;
  /** Every entry of the range counted (the list below holds only the latest). */
  entryCount: number;
  /**
   * The most recent entries of the range, newest first, at most LATEST_SHOWN, notes decrypted
   * (`noteKeyMissing` names the key of a note this server cannot read).
   */
  latest: Array<OpenedEntry<MoodEntry>>;
  /**
   * One element per calendar day of the range, oldest first, including days without entries, each with
   * its music's energy and positivity (null without analysed music that day).
   */
  daily: DayMood[];
  average: number | null;
  best: DayMood | null;
  worst: DayMood | null;
  topEmotions: Array<{ emotion: string; count: number }>;
  stats: MoodStats;
}

/** How long after logging an entry /undo may remove it. */
export const UNDO_WINDOW_MS = 10 * 60_000;

export interface MoodService {
  log(user: MoodUser, input: MoodInput): Promise<MoodLogged>;
  /**
   * Removes one of the user's entries of the last UNDO_WINDOW_MS (`entryId`, else the newest) and
   * returns it; a UserError when there is none (older, another user's, or undone already).
   */
  undo(
    user: MoodUser,
    request: { entryId?: number | undefined; deliveryKey?: string | undefined },
  ): Promise<MoodEntry>;
  history(user: MoodUser, days: number): Promise<MoodHistory>;
  /**
   * The last `days` local days (today included), oldest first, each with its average mood and its
   * music's energy and positivity: what the charts draw (/insights).
   */
  moodAndMusic(user: MoodUser, days: number): Promise<DayMood[]>;
  /** Drops what is remembered about the user (their time zone changed, or accounts were merged). */
  forget(userId: number): void;
  /**
   * The user's notes of a period (`until` exclusive), decrypted, oldest first, at most 1,000. For
   * features that read notes (insights): sending them to a language model needs the user's consent.
   */
  notes(userId: number, period: { since: Date; until: Date }): Promise<WrittenNote[]>;
}

// The local days /mood keeps per user: the 7-day average against the 7 days before, plus two days of
// margin. Longer streaks continue from a cached run instead of reading the whole history.
const STATS_WINDOW_DAYS = 16;
/** How many of the latest entries /history lists. */
export const LATEST_SHOWN = 10;

export function createMoodService(deps: {
  db: Db;
  clock: Clock;
  notes: NoteCipher;
  writer?: MoodWriter;
}): MoodService {
  const { db, clock } = deps;
  const writer = deps.writer ?? createMoodWriteBatcher({ db });
  // Per user: the logging run known so far. Entries are only added, except that /undo removes one of the
  // last 10 minutes, which lies inside the stats window (read afresh after an undo) rather than in the
  // older run this remembers; so a run once seen stays true, and a stale one is only shorter than the
  // truth and is then re-read.
  const runs = new LruCache<number, EarlierRun>(50_000, 24 * 3_600_000);
  // Per user: their stats window as per-day counts and totals (a few numbers per day, however often
  // they log), with the zone the days are in and the user's mood version they are current at. Each
  // insert raises that version: the one after this means nothing else changed the user's entries (see
  // WindowRead); anything else (another instance, an undo, an import, a merge) brings the window back
  // afresh with the same statement.
  const recents = new LruCache<number, RecentDays>(20_000, 3_600_000);

  /** The user's music of local days `first` to `last`, by day (the digest's query, for one user). */
  async function musicOfDays(user: MoodUser, first: number, last: number) {
    const zoned = { userIds: [user.id], timeZones: [user.timeZone] };
    return dailyMusic(await musicBetween(db, zoned, dayString(first), dayString(last)));
  }

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
      const today = localDayNumber(now.getTime(), user.timeZone);
      const windowStart = today - (STATS_WINDOW_DAYS - 1);
      // What is remembered counts only while it is in the user's current zone; the database then says
      // whether it still holds the same number of entries in the window.
      const remembered = recents.get(user.id);
      const held =
        remembered?.timeZone === user.timeZone
          ? remembered.days.filter((d) => d.day >= windowStart)
          : undefined;
      const written = await writer.write({
        userId: user.id,
        moodScore: input.score,
        emotions: input.emotions.length ? input.emotions : null,
        notes: deps.notes.seal(user.id, input.note),
        window: {
          from: startOfLocalDay(windowStart, user.timeZone),
          timeZone: user.timeZone,
          knownVersion: held ? (remembered?.version ?? null) : null,
        },
        ...(input.deliveryKey !== undefined ? { deliveryKey: input.deliveryKey } : {}),
      });
      if (isAlreadyApplied(written)) {
        throw new UserError(
          'That mood is saved already, so I did not save it a second time.',
          'ALREADY_APPLIED',
        );
      }
      const { entry, recentDays } = written;
      // A copy: the remembered days stay as they were until the new ones replace them.
      const days = recentDays ?? held?.map((d) => ({ ...d }));
      if (!days) throw new Error('The mood writer returned no window for a user whose days are not held.');
      addToDay(days, localDayNumber(entry.createdAt.getTime(), user.timeZone), entry.moodScore);
      recents.set(user.id, { timeZone: user.timeZone, days, version: written.version });
      const known = runs.get(user.id);
      let stats = computeMoodStats(days, today, known);
      const runBegins = today - stats.streakDays + (stats.today.entries > 0 ? 1 : 0);
      // A run that reaches the window's first day may go further back: only the full history can say.
      if (stats.streakDays > 0 && runBegins <= windowStart && known?.runStart !== runBegins) {
        stats = computeMoodStats(days, today, await runFromHistory(user.id, user.timeZone));
      }
      const end = today - (stats.today.entries > 0 ? 0 : 1);
      if (stats.streakDays > 0) runs.set(user.id, { runStart: end - stats.streakDays + 1, lastDay: end });
      return {
        entry: { ...entry, notes: input.note },
        stats,
        care: needsCare({ score: input.score, note: input.note, emotions: input.emotions }),
      };
    },

    async undo(user, request) {
      const since = new Date(clock.now().getTime() - UNDO_WINDOW_MS);
      const result = await undoMoodEntry(db, { userId: user.id, since, ...request });
      if (result.alreadyApplied) {
        throw new UserError('That undo is done already, so nothing else was removed.', 'ALREADY_APPLIED');
      }
      if (!result.removed) {
        throw new UserError(
          request.entryId === undefined
            ? 'You have no mood from the last 10 minutes to undo, so nothing was removed. `/history` shows your entries.'
            : 'That mood was undone already or is more than 10 minutes old, so nothing was removed. ' +
                '`/history` shows your entries.',
          'NOTHING_TO_UNDO',
        );
      }
      // The remembered window still counts the entry; the next /mood reads it afresh.
      recents.delete(user.id);
      return result.removed;
    },

    forget(userId) {
      runs.delete(userId);
      recents.delete(userId);
    },

    notes: (userId, period) => readWrittenNotes(db, deps.notes, userId, period),

    async moodAndMusic(user, days) {
      const today = localDayNumber(clock.now().getTime(), user.timeZone);
      const first = today - (days - 1);
      const [aggregates, music] = await Promise.all([
        dailyMoods(db, user.id, user.timeZone, startOfLocalDay(first, user.timeZone)),
        musicOfDays(user, first, today),
      ]);
      return dayByDay(first, today, aggregates, music);
    },

    async history(user, days) {
      const now = clock.now();
      const today = localDayNumber(now.getTime(), user.timeZone);
      const first = today - (days - 1);
      const since = startOfLocalDay(first, user.timeZone);
      // The trend compares two full weeks, whatever the range shown.
      const statsSince = startOfLocalDay(Math.min(first, today - 13), user.timeZone);
      const [latest, aggregates, emotions, music] = await Promise.all([
        listMoodEntries(db, user.id, { since, limit: LATEST_SHOWN }),
        dailyMoods(db, user.id, user.timeZone, statsSince),
        topEmotions(db, user.id, since, 5),
        musicOfDays(user, first, today),
      ]);
      const numbered = aggregates.map((d) => ({ ...d, day: dayNumber(d.day) }));
      const byDay = new Map(numbered.filter((d) => d.day >= first).map((d) => [d.day, d]));
      const daily = dayByDay(first, today, aggregates, music);
      const logged = daily.filter((d) => d.average !== null);
      const total = [...byDay.values()].reduce((s, d) => s + d.total, 0);
      const count = [...byDay.values()].reduce((s, d) => s + d.entries, 0);
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
        from: dayString(first),
        to: dayString(today),
        entryCount: count,
        latest: deps.notes.openAll(latest),
        daily,
        average: count ? total / count : null,
        best,
        worst,
        topEmotions: emotions,
        stats: computeMoodStats(numbered, today),
      };
    },
  };
}

/** Every day from `first` to `last` with its entries' average and its music; days without either too. */
function dayByDay(
  first: number,
  last: number,
  aggregates: ReadonlyArray<{ day: string; entries: number; total: number }>,
  music: ReadonlyMap<string, DayMusic>,
): DayMood[] {
  const byDay = new Map(aggregates.map((d) => [d.day, d]));
  const days: DayMood[] = [];
  for (let n = first; n <= last; n++) {
    const day = dayString(n);
    const d = byDay.get(day);
    const m = music.get(day);
    days.push({
      day,
      entries: d?.entries ?? 0,
      average: d ? d.total / d.entries : null,
      energy: m?.energy ?? null,
      positivity: m?.positivity ?? null,
    });
  }
  return days;
}

/** The stats window of one user, as remembered between their entries. */
interface RecentDays {
  timeZone: string;
  /** The user's mood version `days` is current at; null when that is not known (read them again). */
  version: number | null;
  /** Oldest first. */
  days: DayAggregate[];
}

/** Counts one more entry on `day`, keeping the days in order. */
function addToDay(days: DayAggregate[], day: number, score: number): void {
  const last = days[days.length - 1];
  if (last?.day === day) {
    last.entries += 1;
    last.total += score;
    return;
  }
  const at = days.findIndex((d) => d.day >= day);
  if (at === -1) days.push({ day, entries: 1, total: score });
  else if (days[at]!.day === day) {
    days[at]!.entries += 1;
    days[at]!.total += score;
  } else days.splice(at, 0, { day, entries: 1, total: score });
}
