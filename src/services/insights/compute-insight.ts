/**
 * A week's personality insight computed locally: pure, deterministic and linear in its input, so the digest
 * can run it for thousands of users. The model (insight-service.ts) may replace musicDna and suggestion;
 * the levels and the mood-and-music statements always come from here.
 *
 * Mood-and-music statements describe what happened together, never why, and only when there is enough
 * data; they are observations, not advice about health.
 */

export interface InsightMood {
  score: number;
  emotions: readonly string[];
  /** local YYYY-MM-DD */
  day: string;
}

export interface InsightTrack {
  valence: number | null;
  energy: number | null;
  day: string;
  artistName: string;
  predictedMood: string | null;
  danceability?: number | null;
  acousticness?: number | null;
  tempo?: number | null;
}

export interface LocalInsight {
  energyLevel: number | null;
  positivityLevel: number | null;
  musicDna: string;
  suggestion: string;
  /** mood-and-music statements, only with enough data */
  moodMusic: string[];
}

/** A day's music counts as high-energy from this mean energy. */
export const HIGH_ENERGY = 0.6;
/** Days needed on each side before comparing moods on high-energy days with other days. */
export const MIN_DAYS_PER_GROUP = 2;
/** Days an emotion and a music mood must share before they are said to come together. */
export const MIN_SHARED_DAYS = 3;
/** Analysed tracks needed before the week's music is described beyond a gentle default. */
export const MIN_TRACKS_FOR_DNA = 3;

const round3 = (v: number) => Math.round(v * 1000) / 1000;
const round1 = (v: number) => Math.round(v * 10) / 10;
const usable = (v: number | null | undefined): v is number => typeof v === 'number' && Number.isFinite(v);
const clamp01 = (v: number) => Math.min(1, Math.max(0, v));

function mean(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/** The most frequent key; ties go to the alphabetically first so the result is stable. */
function mostFrequent(counts: ReadonlyMap<string, number>): string | undefined {
  let best: string | undefined;
  let bestCount = 0;
  for (const [key, count] of counts) {
    if (count > bestCount || (count === bestCount && best !== undefined && key < best)) {
      best = key;
      bestCount = count;
    }
  }
  return best;
}

function count<T>(items: readonly T[], key: (item: T) => string | null | undefined): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) {
    const k = key(item);
    if (k) counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return counts;
}

function soundOf(energy: number, positivity: number): string {
  const lively = energy >= 0.6;
  const soft = energy < 0.4;
  const bright = positivity >= 0.6;
  const dark = positivity < 0.4;
  if (lively && bright) return 'upbeat and sunny';
  if (lively && dark) return 'intense and driving';
  if (soft && bright) return 'warm and gentle';
  if (soft && dark) return 'quiet and reflective';
  if (lively) return 'energetic';
  if (soft) return 'mellow';
  if (bright) return 'easy-going and bright';
  if (dark) return 'moody';
  return 'balanced';
}

function describeDna(
  tracks: readonly InsightTrack[],
  energy: number | null,
  positivity: number | null,
): string {
  const analysed = tracks.filter((t) => usable(t.energy) && usable(t.valence));
  if (analysed.length < MIN_TRACKS_FOR_DNA || energy === null || positivity === null) {
    return 'Still getting to know your sound: share a few more songs and your music DNA will take shape.';
  }
  const parts = [`Your week sounded ${soundOf(energy, positivity)}`];
  const mood = mostFrequent(
    count(tracks, (t) => (t.predictedMood && t.predictedMood !== 'unknown' ? t.predictedMood : null)),
  );
  if (mood) parts.push(`with mostly ${mood} tracks`);
  const artist = mostFrequent(count(tracks, (t) => t.artistName.trim() || null));
  const artistCount = artist ? tracks.filter((t) => t.artistName.trim() === artist).length : 0;
  let sentence = parts.join(', ');
  if (artist && artistCount >= 2) sentence += `, and ${artist} came back more than once`;
  sentence += '.';
  const dance = mean(tracks.map((t) => t.danceability).filter(usable));
  const acoustic = mean(tracks.map((t) => t.acousticness).filter(usable));
  if (dance !== null && dance >= 0.65) sentence += ' You lean towards songs with a groove.';
  else if (acoustic !== null && acoustic >= 0.6) sentence += ' You lean towards acoustic, organic sounds.';
  return sentence;
}

function suggest(moods: readonly InsightMood[], energy: number | null, positivity: number | null): string {
  const avgMood = mean(moods.map((m) => m.score).filter(Number.isFinite));
  if (energy === null || positivity === null) {
    return 'Share a song that matches your mood with /share once or twice this week, to see how your music and mood move together.';
  }
  if (avgMood !== null && avgMood < 5 && positivity < 0.4) {
    return 'Next time you press play, try /recommend lift: a short path of songs that starts where you are and gets a little brighter.';
  }
  if (energy >= 0.7) {
    return 'Your music has been high-energy; try /recommend calm one evening this week for something gentler to wind down with.';
  }
  if (energy < 0.35) {
    return 'Your music has been soft and slow; when you want a boost, try /recommend lift for something a little livelier.';
  }
  return 'Try /recommend focus during your next block of work and see whether a steady soundtrack suits you.';
}

function byDay<T extends { day: string }>(items: readonly T[]): Map<string, T[]> {
  const days = new Map<string, T[]>();
  for (const item of items) {
    const list = days.get(item.day);
    if (list) list.push(item);
    else days.set(item.day, [item]);
  }
  return days;
}

function dayMoodAverages(moods: readonly InsightMood[]): Map<string, number> {
  const averages = new Map<string, number>();
  for (const [day, entries] of byDay(moods)) {
    const avg = mean(entries.map((e) => e.score).filter(Number.isFinite));
    if (avg !== null) averages.set(day, avg);
  }
  return averages;
}

/** Average mood on days whose music was high-energy, against the other days with a mood. */
function energyStatement(
  moodByDay: ReadonlyMap<string, number>,
  tracksByDay: ReadonlyMap<string, InsightTrack[]>,
) {
  const high: number[] = [];
  const other: number[] = [];
  for (const [day, avg] of moodByDay) {
    const energy = mean((tracksByDay.get(day) ?? []).map((t) => t.energy).filter(usable));
    if (energy !== null && energy >= HIGH_ENERGY) high.push(avg);
    else other.push(avg);
  }
  if (high.length < MIN_DAYS_PER_GROUP || other.length < MIN_DAYS_PER_GROUP) return undefined;
  const h = round1(mean(high)!);
  const o = round1(mean(other)!);
  const comparison = h > o ? 'higher than' : h < o ? 'lower than' : 'about the same as';
  return `On the ${high.length} days with high-energy music your mood averaged ${h.toFixed(1)}, ${comparison} the ${o.toFixed(1)} of the other ${other.length} days.`;
}

/** The emotion tag and music mood that most often shared a day, when they did so often enough. */
function emotionStatement(moods: readonly InsightMood[], tracksByDay: ReadonlyMap<string, InsightTrack[]>) {
  const pairDays = new Map<string, Set<string>>();
  for (const [day, entries] of byDay(moods)) {
    const musicMood = mostFrequent(
      count(tracksByDay.get(day) ?? [], (t) =>
        t.predictedMood && t.predictedMood !== 'unknown' ? t.predictedMood : null,
      ),
    );
    if (!musicMood) continue;
    const emotions = new Set(
      entries.flatMap((e) => e.emotions.map((x) => x.trim().toLowerCase()).filter(Boolean)),
    );
    for (const emotion of emotions) {
      const key = `${emotion}\u0000${musicMood}`;
      const days = pairDays.get(key) ?? new Set<string>();
      days.add(day);
      pairDays.set(key, days);
    }
  }
  const counts = new Map([...pairDays].map(([k, days]) => [k, days.size] as const));
  const best = mostFrequent(counts);
  if (!best || (counts.get(best) ?? 0) < MIN_SHARED_DAYS) return undefined;
  const [emotion, musicMood] = best.split('\u0000') as [string, string];
  return `Feeling ${emotion} often came with ${musicMood} music (${counts.get(best)} days).`;
}

export function computeLocalInsight(
  moods: readonly InsightMood[],
  tracks: readonly InsightTrack[],
): LocalInsight {
  const energies = tracks
    .map((t) => t.energy)
    .filter(usable)
    .map(clamp01);
  const valences = tracks
    .map((t) => t.valence)
    .filter(usable)
    .map(clamp01);
  const e = mean(energies);
  const p = mean(valences);
  const energyLevel = e === null ? null : round3(clamp01(e));
  const positivityLevel = p === null ? null : round3(clamp01(p));

  const tracksByDay = byDay(tracks);
  const moodMusic: string[] = [];
  const energy = energyStatement(dayMoodAverages(moods), tracksByDay);
  if (energy) moodMusic.push(energy);
  const emotion = emotionStatement(moods, tracksByDay);
  if (emotion) moodMusic.push(emotion);

  return {
    energyLevel,
    positivityLevel,
    musicDna: describeDna(tracks, energyLevel, positivityLevel),
    suggestion: suggest(moods, energyLevel, positivityLevel),
    moodMusic,
  };
}
