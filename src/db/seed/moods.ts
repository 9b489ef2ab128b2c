import { DAY_MS, isoWeekday, MINUTE_MS } from '../../core/calendar/index.js';
import type { SeedUser } from './people.js';
import { type SeedPeriod, wholeSeconds } from './period.js';
import { clamp, type Random, randomFor } from './random.js';
import { bandOf, emotionsByBand, type MoodBand, notesByBand } from './vocabulary.js';

const MOOD_STREAM = 0x6d6f;

export interface SeedMoodEntry {
  moodScore: number;
  emotions: string[] | null;
  notes: string | null;
  createdAt: number;
}

export interface SeedMoods {
  /** The user's entries, oldest first. */
  entries: SeedMoodEntry[];
  /** The underlying mood level (1..10, before the per-entry noise) of each day of the period. */
  dailyLevel: Float32Array;
}

/**
 * A user's mood history: a personal baseline, a weekly rhythm (Monday dip, weekend lift), a slow
 * drift, occasional good or bad spells, and noise per entry. Days are the user's local days; an entry
 * is kept only when it falls inside the period and after the user signed up.
 */
export function generateMoodEntries(seed: number, user: SeedUser, period: SeedPeriod): SeedMoods {
  const rng = randomFor(seed, MOOD_STREAM, user.index);
  const p = user.profile;
  const entries: SeedMoodEntry[] = [];
  const dailyLevel = new Float32Array(period.days);
  const persistence = 0.4;
  let drift = rng.gaussian(0, 0.6);
  let loggedYesterday = rng.chance(p.engagement);
  let spellDays = 0;
  let spellShift = 0;

  for (let day = 0; day < period.days; day++) {
    const utcMidnight = period.start + day * DAY_MS;
    const localMidnight = utcMidnight - p.offsetMinutes * MINUTE_MS;
    const weekday = isoWeekday(Math.floor(utcMidnight / DAY_MS));
    drift = 0.92 * drift + rng.gaussian(0, p.driftStep);
    if (spellDays > 0) spellDays--;
    else if (rng.chance(0.015)) {
      spellDays = rng.int(3, 10);
      spellShift = rng.chance(0.6) ? -rng.float(1, 2.5) : rng.float(0.8, 1.8);
    }
    const weekly = weekday >= 6 ? p.weekendLift : weekday === 1 ? -p.mondayDip : 0;
    const level = p.baseline + weekly + drift + (spellDays > 0 ? spellShift : 0);
    dailyLevel[day] = clamp(level, 1, 10);

    // A two-state chain, so skipped days come in runs; its long-run share of logged days is `engagement`.
    const logChance = loggedYesterday
      ? p.engagement + persistence * (1 - p.engagement)
      : p.engagement * (1 - persistence);
    loggedYesterday = rng.chance(logChance);
    if (!loggedYesterday) continue;

    const count = rng.weighted([
      [1, p.entriesPerDay[0]],
      [2, p.entriesPerDay[1]],
      [3, p.entriesPerDay[2]],
    ]);
    const minutes = Array.from({ length: count }, () => entryMinute(rng, p.nightOwl)).sort((a, b) => a - b);
    for (const minute of minutes) {
      const createdAt = wholeSeconds(localMidnight + minute * MINUTE_MS + rng.int(0, 59) * 1000);
      const moodScore = Math.round(clamp(level + rng.gaussian(0, p.noise), 1, 10));
      const emotions = pickEmotions(rng, moodScore);
      const notes = rng.chance(0.3) ? pickNote(rng, bandOf(moodScore)) : null;
      if (createdAt < p.activeFrom || createdAt < period.start || createdAt >= period.until) continue;
      entries.push({ moodScore, emotions, notes, createdAt });
    }
  }
  return { entries, dailyLevel };
}

/** Minutes after local midnight: mostly mornings and evenings; night owls also log after midnight. */
function entryMinute(rng: Random, nightOwl: boolean): number {
  if (nightOwl && rng.chance(0.3)) return rng.int(0, 150);
  return rng.weighted([
    [rng.int(7 * 60, 10 * 60), 3],
    [rng.int(10 * 60, 18 * 60), 2],
    [rng.int(18 * 60, 23 * 60 + 30), 5],
  ]);
}

const neighbours: Record<MoodBand, MoodBand> = { low: 'middle', middle: 'high', high: 'middle' };

function pickEmotions(rng: Random, score: number): string[] | null {
  if (rng.chance(0.15)) return null;
  const band = bandOf(score);
  const count = rng.weighted([
    [1, 5],
    [2, 3.5],
    [3, 1.5],
  ]);
  const chosen = rng.sample(emotionsByBand[band], count);
  // Mixed feelings now and then: one tag from the neighbouring band.
  if (count > 1 && rng.chance(0.1)) {
    const extra = rng.pick(emotionsByBand[neighbours[band]]);
    if (!chosen.includes(extra)) chosen[chosen.length - 1] = extra;
  }
  return chosen;
}

function pickNote(rng: Random, band: MoodBand): string {
  const notes = notesByBand[band];
  if (rng.chance(0.08)) return rng.pick(notes.special);
  const first = rng.pick(notes.plain);
  if (!rng.chance(0.25)) return first;
  const second = rng.pick(notes.plain);
  return second === first ? first : `${first} ${second}`;
}
