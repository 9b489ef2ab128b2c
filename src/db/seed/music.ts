import { DAY_MS, HOUR_MS } from '../../core/calendar/index.js';
import { type Catalogue, type TrackMood, trackMoods } from './catalogue.js';
import type { SeedMoodEntry, SeedMoods } from './moods.js';
import type { SeedUser } from './people.js';
import { type SeedPeriod, weekWindows, wholeSeconds } from './period.js';
import { clamp, type Random, randomFor, round } from './random.js';
import {
  bandOf,
  musicDnaOpeners,
  recommendationReasons,
  suggestionTemplates,
  weekdayNames,
} from './vocabulary.js';

const ANALYSIS_STREAM = 0x616e;
const RECOMMENDATION_STREAM = 0x7265;
const INSIGHT_STREAM = 0x696e;

/** A user's slice of all analyses: global slots [start, start + count) of `total`. */
export interface AnalysisSlots {
  start: number;
  count: number;
  total: number;
  /** How many slots hand out the catalogue in `coverageOrder`, spread evenly over all slots. */
  coverage: number;
}

export interface SeedAnalysis {
  track: number;
  createdAt: number;
}

export interface SeedRecommendation {
  track: number;
  /** Index into the user's mood entries, or null when the week had none. */
  moodEntry: number | null;
  reason: string;
  matchScore: number;
  createdAt: number;
}

export interface SeedInsight {
  musicDna: string;
  energyLevel: number;
  positivityLevel: number;
  aiSuggestion: string;
  generatedAt: number;
}

/**
 * The user's shared tracks. Coverage slots walk the whole catalogue once (so every track is analysed
 * when there are enough analyses); the others follow popularity, leaning towards tracks that fit the
 * user's taste and that day's mood.
 */
export function generateAnalyses(
  seed: number,
  user: SeedUser,
  moods: SeedMoods,
  period: SeedPeriod,
  catalogue: Catalogue,
  slots: AnalysisSlots,
): SeedAnalysis[] {
  const rng = randomFor(seed, ANALYSIS_STREAM, user.index);
  const from = user.profile.activeFrom;
  const times = Array.from({ length: slots.count }, () => wholeSeconds(rng.float(from, period.until))).sort(
    (a, b) => a - b,
  );
  return times.map((createdAt, i) => {
    const slot = slots.start + i;
    const coverageIndex = coverageTrack(slot, slots);
    if (coverageIndex !== undefined)
      return { track: catalogue.coverageOrder[coverageIndex] as number, createdAt };
    const day = clamp(Math.floor((createdAt - period.start) / DAY_MS), 0, period.days - 1);
    const moodValence = ((moods.dailyLevel[day] ?? 5.5) - 1) / 9;
    const targetValence = 0.5 * user.profile.tasteValence + 0.5 * moodValence;
    let best = catalogue.popular(rng);
    if (rng.chance(0.6)) {
      let bestDistance = distance(catalogue, best, targetValence, user.profile.tasteEnergy);
      for (let k = 0; k < 2; k++) {
        const candidate = catalogue.popular(rng);
        const d = distance(catalogue, candidate, targetValence, user.profile.tasteEnergy);
        if (d < bestDistance) {
          best = candidate;
          bestDistance = d;
        }
      }
    }
    return { track: best, createdAt };
  });
}

/** Slot k is a coverage slot when floor(k * coverage / total) steps up at k: exactly `coverage` of them. */
function coverageTrack(slot: number, slots: AnalysisSlots): number | undefined {
  if (slots.coverage === 0) return undefined;
  const here = Math.floor((slot * slots.coverage) / slots.total);
  const next = Math.floor(((slot + 1) * slots.coverage) / slots.total);
  return next > here ? here : undefined;
}

function distance(catalogue: Catalogue, track: number, valence: number, energy: number): number {
  return (
    Math.abs((catalogue.valence[track] as number) - valence) +
    0.5 * Math.abs((catalogue.energy[track] as number) - energy)
  );
}

/** What a low, middling or high mood is offered. */
const moodsFor: Record<'low' | 'middle' | 'high', readonly (readonly [TrackMood, number])[]> = {
  low: [
    ['calm', 4],
    ['romantic', 2],
    ['happy', 2],
    ['melancholic', 1],
  ],
  middle: [
    ['happy', 4],
    ['calm', 2],
    ['energetic', 2],
  ],
  high: [
    ['happy', 4],
    ['energetic', 4],
    ['romantic', 1],
  ],
};

/** A few recommendations per week, each answering one of that week's entries when there is one. */
export function generateRecommendations(
  seed: number,
  user: SeedUser,
  entries: readonly SeedMoodEntry[],
  period: SeedPeriod,
  catalogue: Catalogue,
): SeedRecommendation[] {
  const rng = randomFor(seed, RECOMMENDATION_STREAM, user.index);
  const out: SeedRecommendation[] = [];
  let cursor = 0;
  for (const week of weekWindows(period)) {
    const from = Math.max(week.from, user.profile.activeFrom);
    const count = rng.weighted([
      [0, 1.5],
      [1, 3],
      [2, 3],
      [3, 1.5],
      [4, 1],
    ]);
    while (cursor < entries.length && (entries[cursor] as SeedMoodEntry).createdAt < week.from) cursor++;
    let end = cursor;
    while (end < entries.length && (entries[end] as SeedMoodEntry).createdAt < week.to) end++;
    if (from >= week.to) continue;
    const made: SeedRecommendation[] = [];
    for (let i = 0; i < count; i++) {
      const moodEntry = end > cursor ? rng.int(cursor, end - 1) : null;
      const entry = moodEntry === null ? undefined : entries[moodEntry];
      const score = entry?.moodScore ?? Math.round(user.profile.baseline);
      const band = bandOf(score);
      const mood = rng.weighted(moodsFor[band]);
      const track = catalogue.popularWithMood(rng, mood);
      const emotion = entry?.emotions?.[0] ?? (band === 'low' ? 'tired' : band === 'high' ? 'happy' : 'calm');
      const reason = rng
        .pick(recommendationReasons[band] ?? [])
        .replaceAll('{score}', String(score))
        .replaceAll('{mood}', mood)
        .replaceAll('{emotion}', emotion)
        .replace(/^An (?=[^aeiou])/, 'A ');
      const createdAt = entry
        ? wholeSeconds(Math.min(entry.createdAt + rng.int(5, 900) * 1000, period.until - 1000))
        : wholeSeconds(rng.float(from, week.to));
      made.push({ track, moodEntry, reason, matchScore: round(rng.float(0.55, 0.98), 3), createdAt });
    }
    made.sort((a, b) => a.createdAt - b.createdAt);
    out.push(...made);
  }
  return out;
}

const suggestionMoods: Record<TrackMood, string> = {
  happy: 'upbeat',
  energetic: 'energetic',
  calm: 'calm',
  sad: 'gentle',
  tense: 'steady',
  melancholic: 'mellow',
  romantic: 'warm',
  dark: 'calming',
};

/** One personality insight per user and week, drawn from that week's entries and analysed tracks. */
export function generateInsights(
  seed: number,
  user: SeedUser,
  entries: readonly SeedMoodEntry[],
  analyses: readonly SeedAnalysis[],
  period: SeedPeriod,
  catalogue: Catalogue,
): SeedInsight[] {
  const rng = randomFor(seed, INSIGHT_STREAM, user.index);
  const out: SeedInsight[] = [];
  for (const week of weekWindows(period)) {
    const generatedAt = wholeSeconds(week.to - rng.float(1, 36) * HOUR_MS);
    if (generatedAt < Math.max(week.from, user.profile.activeFrom)) continue;
    const scores = entries.filter((e) => e.createdAt >= week.from && e.createdAt < week.to);
    const tracks = analyses
      .filter((a) => a.createdAt >= week.from && a.createdAt < week.to)
      .map((a) => a.track);
    const energy = tracks.length
      ? mean(tracks.map((t) => catalogue.energy[t] as number))
      : user.profile.tasteEnergy;
    const valence = tracks.length
      ? mean(tracks.map((t) => catalogue.valence[t] as number))
      : user.profile.tasteValence;
    const mood = scores.length
      ? (mean(scores.map((e) => e.moodScore)) - 1) / 9
      : (user.profile.baseline - 1) / 9;
    const [first, second] = dominantMoods(rng, catalogue, tracks);
    out.push({
      musicDna: musicDna(rng, first, second, energy, valence),
      energyLevel: round(clamp(energy + rng.gaussian(0, 0.04), 0, 1), 3),
      positivityLevel: round(clamp(0.7 * mood + 0.3 * valence + rng.gaussian(0, 0.03), 0, 1), 3),
      aiSuggestion: rng
        .pick(suggestionTemplates)
        .replaceAll('{mood}', suggestionMoods[first])
        .replaceAll('{day}', lowestWeekday(scores, user.profile.offsetMinutes) ?? rng.pick(weekdayNames)),
      generatedAt,
    });
  }
  return out;
}

function dominantMoods(rng: Random, catalogue: Catalogue, tracks: readonly number[]): [TrackMood, TrackMood] {
  const counts = new Array<number>(trackMoods.length).fill(0);
  for (const t of tracks) {
    const m = catalogue.moodIndexOf(t);
    counts[m] = (counts[m] ?? 0) + 1;
  }
  const ranked = trackMoods
    .map((mood, i) => ({ mood, n: (counts[i] ?? 0) + rng.next() * 0.5 }))
    .sort((a, b) => b.n - a.n);
  return [ranked[0]?.mood ?? 'calm', ranked[1]?.mood ?? 'happy'];
}

function musicDna(rng: Random, first: TrackMood, second: TrackMood, energy: number, valence: number): string {
  const tempo = energy > 0.7 ? 'fast, driving' : energy > 0.45 ? 'mid-tempo' : 'slow, unhurried';
  const texture = valence > 0.6 ? 'bright' : valence > 0.4 ? 'bittersweet' : 'moody';
  return `${rng.pick(musicDnaOpeners)}: mostly ${first} tracks with a streak of ${second}; you lean towards ${tempo} songs with a ${texture} feel.`;
}

function lowestWeekday(entries: readonly SeedMoodEntry[], offsetMinutes: number): string | undefined {
  if (entries.length < 3) return undefined;
  const sums = new Array<number>(7).fill(0);
  const counts = new Array<number>(7).fill(0);
  for (const e of entries) {
    const day = (new Date(e.createdAt + offsetMinutes * 60_000).getUTCDay() + 6) % 7;
    sums[day] = (sums[day] ?? 0) + e.moodScore;
    counts[day] = (counts[day] ?? 0) + 1;
  }
  let lowest: number | undefined;
  let lowestAverage = Number.POSITIVE_INFINITY;
  for (let d = 0; d < 7; d++) {
    const n = counts[d] ?? 0;
    if (n === 0) continue;
    const average = (sums[d] ?? 0) / n;
    if (average < lowestAverage) {
      lowestAverage = average;
      lowest = d;
    }
  }
  return lowest === undefined ? undefined : weekdayNames[lowest];
}

function mean(values: readonly number[]): number {
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}
