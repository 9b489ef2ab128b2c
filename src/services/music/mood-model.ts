import type { AudioFeatures, MoodPrediction, TrackMood } from '../../integrations/music-types.js';

/**
 * A local mood model on Russell's valence/energy circumplex.
 *
 * A track is a point (valence, energy) in [0,1]^2. Seen from the neutral centre (0.5, 0.5) it has an angle
 * (0 deg = pure positive valence, counter-clockwise towards high energy) and a distance. The angle picks
 * one of eight sectors; the distance and how far the angle sits from the sector's edges give the
 * confidence.
 *
 *                       energy 1 (90 deg)
 *                              |
 *          tense        energetic 60-120        happy
 *        120-150          \    |    /           0-60
 *   dark 150-195            \  |  /
 *   valence 0 --------------- (c) --------------- valence 1 (0 deg)
 *   sad 195-240             /  |  \        romantic 330-360
 *                         /    |    \      calm 285-330
 *              melancholic 240-285
 *                              |
 *                       energy 0 (270 deg)        (c) = neutral centre (0.5, 0.5)
 *
 * Sectors (degrees, [from, to)):
 *   happy 0-60, energetic 60-120, tense 120-150, dark 150-195, sad 195-240, melancholic 240-285,
 *   calm 285-330, romantic 330-360.
 *
 * Tie-breakers: within 10 degrees of a boundary the other features (mode, acousticness, danceability,
 * tempo) may pick the side, e.g. minor tips tense|dark to dark, acoustic + major tips happy|romantic to
 * romantic. Without those features the geometric side wins.
 *
 * Confidence = 0.05 + 0.9 * radial * angular, within [0.05, 0.95]:
 *   radial  = min(1, distance from centre / 0.4)            (near the centre -> 0)
 *   angular = 0.2 + 0.8 * min(1, margin / half sector width) (on a boundary -> 0.2; margin 0 when a
 *             tie-breaker chose the neighbouring sector)
 * so a point deep inside its sector and far from the centre scores high, and moving it outwards or towards
 * its sector's middle never lowers the score.
 */

export type RegionMood = Exclude<TrackMood, 'unknown'>;

export interface MoodRegion {
  mood: RegionMood;
  /** Start angle in degrees, inclusive. */
  from: number;
  /** End angle in degrees, exclusive. */
  to: number;
}

export const moodRegions: readonly MoodRegion[] = [
  { mood: 'happy', from: 0, to: 60 },
  { mood: 'energetic', from: 60, to: 120 },
  { mood: 'tense', from: 120, to: 150 },
  { mood: 'dark', from: 150, to: 195 },
  { mood: 'sad', from: 195, to: 240 },
  { mood: 'melancholic', from: 240, to: 285 },
  { mood: 'calm', from: 285, to: 330 },
  { mood: 'romantic', from: 330, to: 360 },
];

/** Degrees either side of a boundary where tie-breakers may choose the side. */
const TIE_BAND = 10;
/** Distance from the centre at which the radial factor is full. */
const FULL_RADIUS = 0.4;
const MIN_CONFIDENCE = 0.05;
const MAX_CONFIDENCE = 0.95;

export const unknownPrediction: MoodPrediction = { mood: 'unknown', confidence: 0.1, source: 'unknown' };

type TieBreaker = (f: AudioFeatures) => RegionMood | undefined;

const isMinor = (f: AudioFeatures) => f.mode === 0;
const isMajor = (f: AudioFeatures) => f.mode === 1;
const at = (value: number | undefined, test: (v: number) => boolean) =>
  value !== undefined && Number.isFinite(value) && test(value);

/** Keyed by boundary angle; each decides between the sector below and the sector above the boundary. */
const tieBreakers = new Map<number, TieBreaker>([
  // romantic | happy
  [
    0,
    (f) => {
      if (isMajor(f) && at(f.acousticness, (a) => a >= 0.5)) return 'romantic';
      if (at(f.danceability, (d) => d >= 0.6)) return 'happy';
      return undefined;
    },
  ],
  // happy | energetic
  [
    60,
    (f) => {
      if (at(f.tempo, (t) => t >= 128)) return 'energetic';
      if (at(f.tempo, (t) => t <= 105)) return 'happy';
      return undefined;
    },
  ],
  // energetic | tense
  [120, (f) => (isMinor(f) ? 'tense' : isMajor(f) ? 'energetic' : undefined)],
  // tense | dark
  [150, (f) => (isMinor(f) ? 'dark' : isMajor(f) ? 'tense' : undefined)],
  // dark | sad
  [
    195,
    (f) => {
      if (at(f.acousticness, (a) => a >= 0.5)) return 'sad';
      if (isMinor(f) && at(f.acousticness, (a) => a <= 0.2)) return 'dark';
      return undefined;
    },
  ],
  // sad | melancholic
  [240, (f) => (isMinor(f) ? 'sad' : isMajor(f) ? 'melancholic' : undefined)],
  // melancholic | calm
  [
    285,
    (f) => {
      if (isMinor(f)) return 'melancholic';
      if (isMajor(f) && at(f.acousticness, (a) => a >= 0.5)) return 'calm';
      return undefined;
    },
  ],
  // calm | romantic
  [330, (f) => (isMajor(f) && at(f.danceability, (d) => d >= 0.5) ? 'romantic' : undefined)],
]);

const clamp01 = (v: number) => Math.min(1, Math.max(0, v));

/** Where a point sits on the circumplex: angle in [0, 360) and distance from the neutral centre. */
export function circumplexPosition(valence: number, energy: number): { angle: number; radius: number } {
  const x = clamp01(valence) - 0.5;
  const y = clamp01(energy) - 0.5;
  const radius = Math.hypot(x, y);
  let angle = (Math.atan2(y, x) * 180) / Math.PI;
  if (angle < 0) angle += 360;
  if (angle >= 360) angle -= 360;
  return { angle, radius };
}

function regionOf(angle: number): MoodRegion {
  return moodRegions.find((r) => angle >= r.from && angle < r.to) ?? (moodRegions[0] as MoodRegion);
}

function regionByMood(mood: RegionMood): MoodRegion {
  return moodRegions.find((r) => r.mood === mood) as MoodRegion;
}

/** Angular distance from `angle` to the nearest edge of `region`; 0 when outside it. */
function marginInside(angle: number, region: MoodRegion): number {
  if (angle < region.from || angle >= region.to) return 0;
  return Math.min(angle - region.from, region.to - angle);
}

/** Circular distance between two angles in degrees. */
function angularDistance(a: number, b: number): number {
  const d = Math.abs(a - b) % 360;
  return d > 180 ? 360 - d : d;
}

function tieBreak(angle: number, geometric: MoodRegion, features: AudioFeatures): RegionMood {
  for (const [boundary, decide] of tieBreakers) {
    if (angularDistance(angle, boundary) > TIE_BAND) continue;
    const choice = decide(features);
    if (choice === undefined) return geometric.mood;
    // Only the two sectors that meet at this boundary may be chosen.
    const sides = moodRegions.filter(
      (r) => r.from === boundary || r.to === (boundary === 0 ? 360 : boundary),
    );
    return sides.some((r) => r.mood === choice) ? choice : geometric.mood;
  }
  return geometric.mood;
}

function isUsable(v: number | undefined): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

/** Predicts a track's mood from its audio features; deterministic and local. */
export function predictFromFeatures(features: AudioFeatures): MoodPrediction {
  const { valence, energy } = features;
  if (!isUsable(valence) || !isUsable(energy)) return { ...unknownPrediction };

  const { angle, radius } = circumplexPosition(valence, energy);
  const geometric = regionOf(angle);
  const mood = tieBreak(angle, geometric, features);
  const region = regionByMood(mood);

  const halfWidth = (region.to - region.from) / 2;
  const radial = Math.min(1, radius / FULL_RADIUS);
  const angular = 0.2 + 0.8 * Math.min(1, marginInside(angle, region) / halfWidth);
  const raw = MIN_CONFIDENCE + (MAX_CONFIDENCE - MIN_CONFIDENCE) * radial * angular;
  const confidence = Math.round(Math.min(MAX_CONFIDENCE, Math.max(MIN_CONFIDENCE, raw)) * 1000) / 1000;

  return { mood, confidence, source: 'audio-features' };
}
