import { daysOfWeek, type LocalDate, previousWeek } from '../../core/calendar/index.js';
import type { DigestMoodRow, DigestMusicRow } from '../../db/repositories/digest-data.js';
import { computeLocalInsight, type LocalInsight } from '../insights/compute-insight.js';
import {
  type CandidateTrack,
  type RankedTrack,
  type RecommendationGoal,
  rankLocalRecommendations,
} from '../recommendations/rank-local.js';

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;

/** One local day of the week: the mood logged, and how the music shared that day sounded. */
export interface DigestDay {
  date: LocalDate;
  label: (typeof WEEKDAYS)[number];
  /** Average score of the day's entries; null without entries. */
  mood: number | null;
  entries: number;
  /** Mean energy and valence (positivity) of the day's analysed tracks, 0 to 1; null without music. */
  energy: number | null;
  positivity: number | null;
}

export type DigestTrend = 'up' | 'down' | 'steady' | 'new';

/**
 * Everything one user's digest says, computed from the batch's rows without any I/O. `kind` is
 * 'digest' with entries that week, 'nudge' (one gentle line) when the week was empty but the one before
 * was not, and 'empty' when there is nothing to send at all (two quiet weeks: the nudge went last time).
 */
export interface DigestData {
  userId: number;
  period: string;
  kind: 'digest' | 'nudge' | 'empty';
  days: DigestDay[];
  entries: number;
  average: number | null;
  previousAverage: number | null;
  trend: DigestTrend;
  /** Change of the average against last week, rounded to a tenth; null when either week is empty. */
  change: number | null;
  topEmotions: Array<{ emotion: string; count: number }>;
  insight: LocalInsight | undefined;
  goal: RecommendationGoal;
  recommendations: RankedTrack[];
  /** The week's latest mood entry, which the stored recommendations point to. */
  latestEntryId: number | null;
}

export interface DigestInput {
  userId: number;
  period: string;
  /** The user's entries of `period` and the week before, oldest first. */
  moods: readonly DigestMoodRow[];
  /** The user's analysed tracks of `period`. */
  music: readonly DigestMusicRow[];
  catalogue: readonly CandidateTrack[];
  /**
   * Rankings already made in this run, by goal, score and emotions (see rankFor): thousands of users
   * share a few hundred moods, and ranking is most of the digest's work.
   */
  rankings?: Map<string, RankedTrack[]>;
}

/** Below this change of the weekly average the trend reads as steady. */
export const STEADY_WITHIN = 0.3;
export const RECOMMENDATIONS_PER_DIGEST = 3;
const TOP_EMOTIONS = 3;

const round1 = (v: number) => Math.round(v * 10) / 10;
const round3 = (v: number) => Math.round(v * 1000) / 1000;

function mean(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

const usable = (v: number | null): v is number => v !== null && Number.isFinite(v);

function topEmotionsOf(moods: readonly DigestMoodRow[]): Array<{ emotion: string; count: number }> {
  const counts = new Map<string, number>();
  for (const m of moods)
    for (const raw of m.emotions) {
      const e = raw.trim().toLowerCase();
      if (e) counts.set(e, (counts.get(e) ?? 0) + 1);
    }
  return [...counts]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, TOP_EMOTIONS)
    .map(([emotion, count]) => ({ emotion, count }));
}

function trendOf(
  average: number | null,
  previous: number | null,
): { trend: DigestTrend; change: number | null } {
  if (average === null || previous === null) return { trend: 'new', change: null };
  const change = round1(average - previous);
  if (Math.abs(average - previous) < STEADY_WITHIN) return { trend: 'steady', change };
  return { trend: change > 0 ? 'up' : 'down', change };
}

const weeks = new Map<string, { dates: LocalDate[]; previousFirst: LocalDate }>();

/** A week's dates, worked out once per period rather than once per user. */
function weekOf(period: string): { dates: LocalDate[]; previousFirst: LocalDate } {
  let week = weeks.get(period);
  if (!week) {
    week = { dates: daysOfWeek(period), previousFirst: daysOfWeek(previousWeek(period))[0]! };
    if (weeks.size > 100) weeks.clear();
    weeks.set(period, week);
  }
  return week;
}

/** One user's digest for `period` from their rows (see DigestData). Pure and linear in its input. */
export function buildDigest(input: DigestInput): DigestData {
  const { dates, previousFirst } = weekOf(input.period);
  const first = dates[0]!;
  const week = input.moods.filter((m) => m.day >= first);
  const before = input.moods.filter((m) => m.day >= previousFirst && m.day < first);
  const average = mean(week.map((m) => m.score));
  const previousAverage = mean(before.map((m) => m.score));
  const { trend, change } = trendOf(average, previousAverage);

  const days: DigestDay[] = dates.map((date, i) => {
    const moods = week.filter((m) => m.day === date);
    const music = input.music.filter((t) => t.day === date);
    const mood = mean(moods.map((m) => m.score));
    const energy = mean(music.map((t) => t.energy).filter(usable));
    const positivity = mean(music.map((t) => t.valence).filter(usable));
    return {
      date,
      label: WEEKDAYS[i]!,
      mood: mood === null ? null : round1(mood),
      entries: moods.length,
      energy: energy === null ? null : round3(energy),
      positivity: positivity === null ? null : round3(positivity),
    };
  });

  const base = {
    userId: input.userId,
    period: input.period,
    days,
    entries: week.length,
    average: average === null ? null : round1(average),
    previousAverage: previousAverage === null ? null : round1(previousAverage),
    trend,
    change,
  };
  if (week.length === 0) {
    return {
      ...base,
      kind: before.length > 0 ? 'nudge' : 'empty',
      topEmotions: [],
      insight: undefined,
      goal: 'match',
      recommendations: [],
      latestEntryId: null,
    };
  }

  const topEmotions = topEmotionsOf(week);
  const insight = computeLocalInsight(
    week.map((m) => ({ score: m.score, emotions: m.emotions, day: m.day })),
    input.music.map((t) => ({
      valence: t.valence,
      energy: t.energy,
      day: t.day,
      artistName: t.artistName,
      predictedMood: t.predictedMood,
      danceability: t.danceability,
      acousticness: t.acousticness,
      tempo: t.tempo,
    })),
  );
  // A hard week gets a gentle path upwards (the iso principle); otherwise music that stays with the mood.
  const score = average === null ? 5.5 : round1(average);
  const goal: RecommendationGoal = score < 5 ? 'lift' : 'match';
  const recommendations = rankFor(
    input,
    goal,
    score,
    topEmotions.map((e) => e.emotion),
  );
  return {
    ...base,
    kind: 'digest',
    topEmotions,
    insight,
    goal,
    recommendations,
    latestEntryId: week.at(-1)?.id ?? null,
  };
}

/**
 * Three tracks for a mood, never one the user shared that week. A ranking made without exclusions is
 * reused when none of its tracks is excluded: then the ranker, skipping excluded tracks, would have
 * picked exactly the same ones (each pick is the nearest track not excluded), so the result is identical.
 */
function rankFor(
  input: DigestInput,
  goal: RecommendationGoal,
  moodScore: number,
  emotions: string[],
): RankedTrack[] {
  const exclude = new Set(input.music.map((t) => t.spotifyTrackId));
  const rank = (without?: ReadonlySet<string>) =>
    rankLocalRecommendations({
      moodScore,
      emotions,
      goal,
      candidates: input.catalogue,
      limit: RECOMMENDATIONS_PER_DIGEST,
      ...(without ? { exclude: without } : {}),
      moodWhen: 'this week',
    });
  const cache = input.rankings;
  if (!cache) return rank(exclude);
  const key = `${goal}|${moodScore}|${emotions.join(',')}`;
  let shared = cache.get(key);
  if (!shared) {
    shared = rank();
    cache.set(key, shared);
  }
  return shared.some((r) => exclude.has(r.track.spotifyTrackId)) ? rank(exclude) : shared;
}
