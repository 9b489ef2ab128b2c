import type { AudioFeatures } from '../../core/music.js';
import { knownTrackMoods } from '../../core/music.js';
import { clamp, type Random, randomFor, round } from './random.js';
import {
  artistFirst,
  artistWords,
  firstNames,
  lastNames,
  nonLatinTrackNames,
  trackAdjectives,
  trackNouns,
  trackPhrases,
} from './vocabulary.js';

/** The moods the seed gives tracks: the product's vocabulary ('unknown' aside). */
export const trackMoods = knownTrackMoods;
export type TrackMood = (typeof trackMoods)[number];

/** One track of the mock catalogue, with what an analysis of it stores. */
export interface CatalogueTrack {
  spotifyTrackId: string;
  trackName: string;
  artistName: string;
  albumImage: string;
  audioFeatures: Required<AudioFeatures>;
  predictedMood: TrackMood;
  moodConfidence: number;
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const HEX = '0123456789abcdef';
export const ALBUM_IMAGE_PREFIX = 'https://i.scdn.co/image/ab67616d0000b273';

// Stream tags keep the catalogue's random streams apart from each other and from the users'.
const TRACK_STREAM = 0x7472;
const ARTIST_STREAM = 0x6172;
const ORDER_STREAM = 0x6f72;

/** Valence bands (rows) by energy bands (columns: below 0.4, below 0.7, the rest). */
const VALENCE_EDGES = [0.3, 0.5, 0.7];
const ENERGY_EDGES = [0.4, 0.7];
const MOOD_GRID: readonly (readonly TrackMood[])[] = [
  ['sad', 'melancholic', 'dark'],
  ['melancholic', 'romantic', 'tense'],
  ['calm', 'happy', 'energetic'],
  ['romantic', 'happy', 'energetic'],
];

/**
 * The mood a track's valence/energy quadrant suggests, with a confidence in 0..1 that grows with the
 * distance from the neighbouring region's edge (a track on a border is a coin toss).
 */
export function predictMood(valence: number, energy: number): { mood: TrackMood; confidence: number } {
  const row = bandIndex(valence, VALENCE_EDGES);
  const column = bandIndex(energy, ENERGY_EDGES);
  const mood = MOOD_GRID[row]?.[column] ?? 'calm';
  let margin = 0.5;
  for (const edge of VALENCE_EDGES) margin = Math.min(margin, Math.abs(valence - edge));
  for (const edge of ENERGY_EDGES) margin = Math.min(margin, Math.abs(energy - edge));
  return { mood, confidence: round(clamp(0.45 + margin * 4, 0, 0.97), 3) };
}

function bandIndex(value: number, edges: readonly number[]): number {
  let i = 0;
  while (i < edges.length && value >= (edges[i] as number)) i++;
  return i;
}

/**
 * A deterministic catalogue of `size` tracks. Tracks are made on demand from (seed, index), so even a
 * million-track catalogue costs only a few typed arrays; index 0 is the most popular track.
 */
export class Catalogue {
  readonly valence: Float32Array;
  readonly energy: Float32Array;
  private readonly moodOf: Uint8Array;
  private readonly byMood: Int32Array[];
  private readonly popularityCdf: Float64Array;
  private readonly artistCount: number;
  /** Every track once, in random order: the tracks handed out to make sure all get analysed. */
  readonly coverageOrder: Int32Array;

  constructor(
    readonly seed: number,
    readonly size: number,
  ) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError('a catalogue needs at least one track');
    this.artistCount = Math.max(20, Math.ceil(size / 6));
    this.valence = new Float32Array(size);
    this.energy = new Float32Array(size);
    this.moodOf = new Uint8Array(size);
    const moodCounts = new Array<number>(trackMoods.length).fill(0);
    for (let i = 0; i < size; i++) {
      const { valence, energy } = baseFeatures(randomFor(seed, TRACK_STREAM, i));
      this.valence[i] = valence;
      this.energy[i] = energy;
      const mood = trackMoods.indexOf(predictMood(valence, energy).mood);
      this.moodOf[i] = mood;
      moodCounts[mood] = (moodCounts[mood] ?? 0) + 1;
    }
    this.byMood = moodCounts.map((n) => new Int32Array(n));
    const filled = new Array<number>(trackMoods.length).fill(0);
    for (let i = 0; i < size; i++) {
      const mood = this.moodOf[i] as number;
      (this.byMood[mood] as Int32Array)[filled[mood] as number] = i;
      filled[mood] = (filled[mood] as number) + 1;
    }
    // Zipf-Mandelbrot popularity: weight 1 / (rank + 2.7)^0.95.
    this.popularityCdf = new Float64Array(size);
    let total = 0;
    for (let i = 0; i < size; i++) {
      total += 1 / (i + 2.7) ** 0.95;
      this.popularityCdf[i] = total;
    }
    for (let i = 0; i < size; i++) this.popularityCdf[i] = (this.popularityCdf[i] as number) / total;
    const order = new Int32Array(size);
    for (let i = 0; i < size; i++) order[i] = i;
    const shuffle = randomFor(seed, ORDER_STREAM);
    for (let i = size - 1; i > 0; i--) {
      const j = Math.floor(shuffle.next() * (i + 1));
      const swap = order[i] as number;
      order[i] = order[j] as number;
      order[j] = swap;
    }
    this.coverageOrder = order;
  }

  moodIndexOf(index: number): number {
    return this.moodOf[index] as number;
  }

  /** A track index drawn by popularity (Zipf-like: a few hits, a long tail). */
  popular(rng: Random): number {
    const u = rng.next();
    let lo = 0;
    let hi = this.size - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.popularityCdf[mid] as number) < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** A popular track of the given mood, or any popular track when the catalogue has none of it. */
  popularWithMood(rng: Random, mood: TrackMood): number {
    const list = this.byMood[trackMoods.indexOf(mood)];
    if (!list || list.length === 0) return this.popular(rng);
    return list[Math.floor(list.length * rng.next() ** 3)] as number;
  }

  /** The full track at `index`; the same (seed, index) always gives the same track. */
  track(index: number): CatalogueTrack {
    if (!Number.isInteger(index) || index < 0 || index >= this.size) {
      throw new RangeError(`track index ${index} is outside the catalogue of ${this.size}`);
    }
    const rng = randomFor(this.seed, TRACK_STREAM, index);
    const { valence, energy } = baseFeatures(rng);
    const live = rng.chance(0.06);
    const instrumental = rng.chance(0.12);
    const spoken = !instrumental && rng.chance(0.1);
    const audioFeatures: Required<AudioFeatures> = {
      valence,
      energy,
      danceability: round(clamp(0.3 + 0.35 * valence + 0.2 * energy + rng.gaussian(0, 0.1), 0.05, 0.98), 3),
      acousticness: round(clamp(0.95 - 0.95 * energy + rng.gaussian(0, 0.15), 0.001, 0.99), 3),
      instrumentalness: round(instrumental ? rng.float(0.5, 0.95) : rng.float(0, 0.02), 3),
      speechiness: round(spoken ? rng.float(0.15, 0.45) : rng.float(0.025, 0.09), 3),
      liveness: round(live ? rng.float(0.7, 0.98) : rng.float(0.04, 0.35), 3),
      loudness: round(clamp(-22 + 19 * energy + rng.gaussian(0, 1.5), -30, -1), 2),
      tempo: round(clamp(rng.gaussian(80 + 70 * energy, 18), 55, 205), 3),
      key: rng.int(0, 11),
      mode: rng.chance(0.65) ? 1 : 0,
      source: 'seed',
      moodSource: 'audio-features',
    };
    const artistName = this.artistName(rng.int(0, this.artistCount - 1));
    const trackName = makeTrackName(rng, live, () => this.artistName(rng.int(0, this.artistCount - 1)));
    const { mood, confidence } = predictMood(valence, energy);
    return {
      spotifyTrackId: rng.string(BASE62, 22),
      trackName,
      artistName,
      albumImage: ALBUM_IMAGE_PREFIX + rng.string(HEX, 24),
      audioFeatures,
      predictedMood: mood,
      moodConfidence: confidence,
    };
  }

  private artistName(artist: number): string {
    const rng = randomFor(this.seed, ARTIST_STREAM, artist);
    const style = rng.weighted([
      ['person', 4],
      ['the', 3],
      ['prefixed', 2],
      ['duo', 1],
    ] as const);
    switch (style) {
      case 'person':
        return `${rng.pick(firstNames)} ${rng.pick(lastNames)}`;
      case 'the':
        return `The ${rng.pick(artistWords)}`;
      case 'prefixed':
        return `${rng.pick(artistFirst)} ${rng.pick(artistWords)}`;
      case 'duo':
        return `${rng.pick(firstNames)} & the ${rng.pick(artistWords)}`;
    }
  }
}

/** Valence and energy come first in every track's stream, so the catalogue can index them cheaply. */
function baseFeatures(rng: Random): { valence: number; energy: number } {
  // Rounded here, so the mood predicted from them is the one their stored values give.
  const valence = round(clamp(rng.gaussian(0.5, 0.23), 0.02, 0.98), 3);
  const energy = round(clamp(rng.gaussian(0.6, 0.21), 0.02, 0.99), 3);
  return { valence, energy };
}

function makeTrackName(rng: Random, live: boolean, featured: () => string): string {
  const base = rng.weighted([
    ['adjective-noun', 5],
    ['phrase', 3],
    ['noun', 1],
    ['non-latin', 0.4],
  ] as const);
  let name: string;
  switch (base) {
    case 'adjective-noun':
      name = `${rng.pick(trackAdjectives)} ${rng.pick(trackNouns)}`;
      break;
    case 'phrase':
      name = rng.pick(trackPhrases);
      break;
    case 'noun':
      name = rng.pick(trackNouns);
      break;
    case 'non-latin':
      name = rng.pick(nonLatinTrackNames);
      break;
  }
  if (live) return `${name} - Live`;
  const suffix = rng.next();
  if (suffix < 0.08) return `${name} (feat. ${featured()})`;
  if (suffix < 0.13) return `${name} - Remastered ${rng.int(1995, 2024)}`;
  if (suffix < 0.17) return `${name} - Acoustic`;
  return name;
}
