/**
 * Local, deterministic recommendation ranking on the valence/energy plane (Russell's circumplex, as in
 * src/services/music/mood-model.ts). Pure: no I/O, no clock, no randomness; ties break on the track id.
 *
 * A mood entry becomes a point: valence from the 1-10 score (nudged by the emotion tags), energy from the
 * tags (tired/calm low, excited/anxious high). Each goal picks a target:
 *   match  the mood point itself (stay with the feeling),
 *   lift   a brighter point; following the iso principle the list is a path of evenly spaced waypoints from
 *          near the current mood to the target, ordered so each step is no further from the target,
 *   calm   low energy, gently positive,
 *   focus  steady middle energy, neutral to positive.
 *
 * The digest ranks thousands of users against one catalogue, so a catalogue array passed repeatedly is
 * indexed once (a grid over the plane, cached by array identity and length) and queried by expanding rings.
 * Callers treat a candidates array as immutable once ranked against (append-only growth is noticed).
 */

export type RecommendationGoal = 'match' | 'lift' | 'calm' | 'focus';

export const recommendationGoals = [
  'match',
  'lift',
  'calm',
  'focus',
] as const satisfies readonly RecommendationGoal[];

export interface CandidateTrack {
  spotifyTrackId: string;
  trackName: string;
  artistName: string;
  albumImage: string | null;
  valence: number;
  energy: number;
  sharedAt?: Date;
}

export interface RankedTrack {
  track: CandidateTrack;
  reason: string;
  /** 0..1 */
  matchScore: number;
}

export interface MoodPoint {
  valence: number;
  energy: number;
}

export interface RankLocalInput {
  moodScore: number;
  emotions: readonly string[];
  goal: RecommendationGoal;
  candidates: readonly CandidateTrack[];
  limit: number;
  exclude?: ReadonlySet<string>;
  /** How to name the moment of the mood entry in reasons, e.g. "on Tuesday" or "today". */
  moodWhen?: string;
}

export interface RankNearTargetInput {
  target: { valence: number; energy: number };
  candidates: readonly CandidateTrack[];
  limit: number;
  exclude?: ReadonlySet<string>;
}

/** Largest distance on the unit square; scores fall linearly to 0 there. */
const MAX_DISTANCE = Math.SQRT2;
/** Below this many candidates a linear scan beats building a grid. */
const INDEX_THRESHOLD = 256;
/** Aim for about this many tracks per grid cell. */
const TRACKS_PER_CELL = 8;
const MAX_GRID = 128;
export const MAX_RECOMMENDATIONS = 50;

/** Where each emotion tag sits on the circumplex; unlisted tags do not move the point. */
const emotionPoints: Readonly<Record<string, MoodPoint>> = {
  happy: { valence: 0.85, energy: 0.65 },
  calm: { valence: 0.65, energy: 0.2 },
  content: { valence: 0.75, energy: 0.35 },
  grateful: { valence: 0.8, energy: 0.4 },
  hopeful: { valence: 0.7, energy: 0.5 },
  excited: { valence: 0.85, energy: 0.9 },
  energetic: { valence: 0.7, energy: 0.9 },
  proud: { valence: 0.8, energy: 0.65 },
  relaxed: { valence: 0.7, energy: 0.2 },
  loved: { valence: 0.9, energy: 0.5 },
  focused: { valence: 0.6, energy: 0.55 },
  motivated: { valence: 0.75, energy: 0.75 },
  curious: { valence: 0.65, energy: 0.6 },
  playful: { valence: 0.85, energy: 0.75 },
  confident: { valence: 0.8, energy: 0.7 },
  peaceful: { valence: 0.75, energy: 0.15 },
  inspired: { valence: 0.8, energy: 0.7 },
  relieved: { valence: 0.7, energy: 0.3 },
  tired: { valence: 0.4, energy: 0.1 },
  bored: { valence: 0.35, energy: 0.2 },
  restless: { valence: 0.35, energy: 0.75 },
  anxious: { valence: 0.2, energy: 0.8 },
  stressed: { valence: 0.2, energy: 0.8 },
  overwhelmed: { valence: 0.15, energy: 0.75 },
  sad: { valence: 0.15, energy: 0.25 },
  lonely: { valence: 0.2, energy: 0.25 },
  angry: { valence: 0.1, energy: 0.9 },
  frustrated: { valence: 0.15, energy: 0.75 },
  irritable: { valence: 0.2, energy: 0.7 },
  nervous: { valence: 0.25, energy: 0.75 },
  numb: { valence: 0.3, energy: 0.1 },
  hopeless: { valence: 0.1, energy: 0.15 },
  guilty: { valence: 0.2, energy: 0.4 },
  ashamed: { valence: 0.15, energy: 0.35 },
  sick: { valence: 0.25, energy: 0.15 },
  'burned out': { valence: 0.15, energy: 0.1 },
};

const clamp01 = (v: number) => (Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : 0.5);
const round3 = (v: number) => Math.round(v * 1000) / 1000;

function distance(a: MoodPoint, b: MoodPoint): number {
  // Math.hypot is markedly slower and this runs millions of times per digest.
  const dv = a.valence - b.valence;
  const de = a.energy - b.energy;
  return Math.sqrt(dv * dv + de * de);
}

export function scoreForDistance(d: number): number {
  return round3(Math.min(1, Math.max(0, 1 - d / MAX_DISTANCE)));
}

/** The mood entry as a point: the score sets most of the valence, the tags the energy. */
export function moodPoint(moodScore: number, emotions: readonly string[]): MoodPoint {
  const fromScore = clamp01(
    (Math.min(10, Math.max(1, Number.isFinite(moodScore) ? moodScore : 5.5)) - 1) / 9,
  );
  const known = emotions
    .map((e) => emotionPoints[e.trim().toLowerCase()])
    .filter((p): p is MoodPoint => p !== undefined);
  if (known.length === 0) return { valence: round3(fromScore), energy: 0.5 };
  const tagValence = known.reduce((s, p) => s + p.valence, 0) / known.length;
  const tagEnergy = known.reduce((s, p) => s + p.energy, 0) / known.length;
  return { valence: round3(0.75 * fromScore + 0.25 * tagValence), energy: round3(tagEnergy) };
}

/** Where each goal heads from the mood point. */
export function goalTarget(goal: RecommendationGoal, mood: MoodPoint): MoodPoint {
  switch (goal) {
    case 'match':
      return mood;
    case 'lift':
      // Somewhere bright and a little livelier than now; never lower than where the mood already is.
      return {
        valence: round3(Math.max(mood.valence, Math.min(0.9, mood.valence + 0.45), 0.75)),
        energy: round3(Math.max(0.55, Math.min(0.75, mood.energy + 0.15))),
      };
    case 'calm':
      return { valence: round3(Math.min(0.7, Math.max(0.5, mood.valence))), energy: 0.2 };
    case 'focus':
      return { valence: 0.55, energy: 0.45 };
  }
}

/** Plain words for how a track sounds. */
export function describeSound(valence: number, energy: number): string {
  const v = clamp01(valence);
  const e = clamp01(energy);
  const bright = v >= 0.6;
  const dark = v < 0.4;
  const lively = e >= 0.6;
  const soft = e < 0.4;
  if (bright && lively) return 'bright and upbeat';
  if (bright && soft) return 'warm and gentle';
  if (bright) return 'sunny and easy-going';
  if (dark && lively) return 'intense and driving';
  if (dark && soft) return 'quiet and reflective';
  if (dark) return 'moody and steady';
  if (lively) return 'lively and bold';
  if (soft) return 'soft and mellow';
  return 'balanced and steady';
}

/** Second and later reasons of a list vary, so five tracks do not read as one sentence five times. */
const FOLLOW_UPS: Record<Exclude<RecommendationGoal, 'lift'>, readonly string[]> = {
  match: [
    'in the same spirit',
    'right where you are',
    'another one in that mood',
    'keeping you company as you are',
  ],
  calm: ['to help things settle', 'unhurried and easy', 'a soft place to land', 'slow and easy on the ears'],
  focus: [
    'steady enough to keep you company while you work',
    'even and unobtrusive',
    'a steady backdrop',
    'calm enough to think alongside',
  ],
};

function reasonFor(
  goal: RecommendationGoal,
  track: CandidateTrack,
  step: number,
  steps: number,
  when: string,
): string {
  const sound = describeSound(track.valence, track.energy);
  switch (goal) {
    case 'match':
      return step === 0
        ? `${sound}, close to how you felt ${when}`
        : `${sound}, ${FOLLOW_UPS.match[(step - 1) % FOLLOW_UPS.match.length]}`;
    case 'lift':
      if (step === 0) return `${sound}, meeting you where you are`;
      if (step === steps - 1 && steps > 1) return `${sound}, where this little path ends up`;
      return `${sound}, a gentle step brighter`;
    case 'calm':
    case 'focus':
      return `${sound}, ${FOLLOW_UPS[goal][step % FOLLOW_UPS[goal].length]}`;
  }
}

interface Indexed {
  tracks: CandidateTrack[];
  points: MoodPoint[];
  /** Track indexes per grid cell, row-major (energy rows, valence columns); undefined for small lists. */
  cells: number[][] | undefined;
  /** Cells per side. */
  grid: number;
  /** The array's length when indexed: an array that grew since is indexed again. */
  sourceLength: number;
}

const indexCache = new WeakMap<readonly CandidateTrack[], Indexed>();

const cellOf = (v: number, grid: number) => Math.min(grid - 1, Math.floor(clamp01(v) * grid));

/** Drops tracks without usable features and later duplicates of an id. */
function indexCandidates(candidates: readonly CandidateTrack[]): Indexed {
  const cached = indexCache.get(candidates);
  if (cached && cached.sourceLength === candidates.length) return cached;
  const seen = new Set<string>();
  const tracks: CandidateTrack[] = [];
  const points: MoodPoint[] = [];
  for (const c of candidates) {
    if (!c.spotifyTrackId || seen.has(c.spotifyTrackId)) continue;
    if (!Number.isFinite(c.valence) || !Number.isFinite(c.energy)) continue;
    seen.add(c.spotifyTrackId);
    tracks.push(c);
    points.push({ valence: clamp01(c.valence), energy: clamp01(c.energy) });
  }
  let cells: number[][] | undefined;
  const grid = Math.max(1, Math.min(MAX_GRID, Math.floor(Math.sqrt(tracks.length / TRACKS_PER_CELL))));
  if (tracks.length >= INDEX_THRESHOLD) {
    const filled = Array.from({ length: grid * grid }, () => [] as number[]);
    for (let i = 0; i < points.length; i++) {
      const p = points[i]!;
      filled[cellOf(p.energy, grid) * grid + cellOf(p.valence, grid)]!.push(i);
    }
    cells = filled;
  }
  const indexed = { tracks, points, cells, grid, sourceLength: candidates.length };
  indexCache.set(candidates, indexed);
  return indexed;
}

interface Hit {
  index: number;
  distance: number;
}

const before = (tracks: CandidateTrack[], a: Hit, b: Hit) =>
  a.distance < b.distance ||
  (a.distance === b.distance && tracks[a.index]!.spotifyTrackId < tracks[b.index]!.spotifyTrackId);

/** Keeps `best` sorted and at most k long. */
function offer(tracks: CandidateTrack[], best: Hit[], hit: Hit, k: number): void {
  if (best.length === k && !before(tracks, hit, best[k - 1]!)) return;
  let i = best.length;
  best.push(hit);
  while (i > 0 && before(tracks, hit, best[i - 1]!)) {
    best[i] = best[i - 1]!;
    i--;
  }
  best[i] = hit;
  if (best.length > k) best.pop();
}

/** The k nearest usable tracks to a point, nearest first, ties by id. */
function nearest(ix: Indexed, target: MoodPoint, k: number, skip: (id: string) => boolean): Hit[] {
  const best: Hit[] = [];
  if (k <= 0) return best;
  const consider = (i: number) => {
    if (skip(ix.tracks[i]!.spotifyTrackId)) return;
    offer(ix.tracks, best, { index: i, distance: distance(ix.points[i]!, target) }, k);
  };
  if (!ix.cells) {
    for (let i = 0; i < ix.tracks.length; i++) consider(i);
    return best;
  }
  const GRID = ix.grid;
  const cv = cellOf(target.valence, GRID);
  const ce = cellOf(target.energy, GRID);
  const cellSize = 1 / GRID;
  for (let ring = 0; ring < GRID; ring++) {
    for (let e = ce - ring; e <= ce + ring; e++) {
      if (e < 0 || e >= GRID) continue;
      const edgeRow = e === ce - ring || e === ce + ring;
      for (let v = cv - ring; v <= cv + ring; v++) {
        if (v < 0 || v >= GRID) continue;
        if (!edgeRow && v !== cv - ring && v !== cv + ring) continue;
        for (const i of ix.cells[e * GRID + v]!) consider(i);
      }
    }
    // Every point in a ring beyond this one is at least `ring` whole cells away from the target.
    if (best.length === k && best[k - 1]!.distance <= ring * cellSize) break;
  }
  return best;
}

function boundedLimit(limit: number): number {
  if (!Number.isFinite(limit)) return 0;
  return Math.max(0, Math.min(MAX_RECOMMENDATIONS, Math.floor(limit)));
}

/** Nearest tracks to a target point in valence/energy (used for a channel's musical mood). */
export function rankNearTarget(input: RankNearTargetInput): RankedTrack[] {
  const ix = indexCandidates(input.candidates);
  const target = { valence: clamp01(input.target.valence), energy: clamp01(input.target.energy) };
  const exclude = input.exclude;
  const hits = nearest(ix, target, boundedLimit(input.limit), (id) => exclude?.has(id) ?? false);
  return hits.map((h) => {
    const track = ix.tracks[h.index]!;
    return {
      track,
      reason: `${describeSound(track.valence, track.energy)}, in tune with the mood`,
      matchScore: scoreForDistance(h.distance),
    };
  });
}

/** `count` evenly spaced points from the mood point to the target (the target alone for one). */
export function liftWaypoints(from: MoodPoint, to: MoodPoint, count: number): MoodPoint[] {
  return Array.from({ length: count }, (_, step) => {
    const t = count === 1 ? 1 : step / (count - 1);
    return {
      valence: from.valence + (to.valence - from.valence) * t,
      energy: from.energy + (to.energy - from.energy) * t,
    };
  });
}

/**
 * Evenly spaced waypoints from the mood point to the target, the nearest free track at each, then ordered
 * so every step is no further from the target than the one before.
 */
function liftPath(
  ix: Indexed,
  from: MoodPoint,
  to: MoodPoint,
  limit: number,
  skip: (id: string) => boolean,
): { hit: Hit; waypoint: MoodPoint }[] {
  const used = new Set<string>();
  const picks: { hit: Hit; waypoint: MoodPoint; toTarget: number }[] = [];
  for (const waypoint of liftWaypoints(from, to, limit)) {
    const [hit] = nearest(ix, waypoint, 1, (id) => used.has(id) || skip(id));
    if (!hit) break;
    used.add(ix.tracks[hit.index]!.spotifyTrackId);
    picks.push({ hit, waypoint, toTarget: distance(ix.points[hit.index]!, to) });
  }
  const byId = (i: number) => ix.tracks[i]!.spotifyTrackId;
  picks.sort((a, b) =>
    b.toTarget !== a.toTarget ? b.toTarget - a.toTarget : byId(a.hit.index) < byId(b.hit.index) ? -1 : 1,
  );
  return picks.map(({ hit, waypoint }) => ({
    hit: { ...hit, distance: distance(ix.points[hit.index]!, waypoint) },
    waypoint,
  }));
}

/** From a mood (score 1-10 and emotions) and a goal. Lift follows the iso principle: a path from near the current mood toward the target. */
export function rankLocalRecommendations(input: RankLocalInput): RankedTrack[] {
  const ix = indexCandidates(input.candidates);
  const limit = boundedLimit(input.limit);
  const exclude = input.exclude;
  const skip = (id: string) => exclude?.has(id) ?? false;
  const mood = moodPoint(input.moodScore, input.emotions);
  const target = goalTarget(input.goal, mood);
  const when = input.moodWhen ?? 'lately';

  if (input.goal === 'lift') {
    const path = liftPath(ix, mood, target, limit, skip);
    return path.map(({ hit }, step) => {
      const track = ix.tracks[hit.index]!;
      return {
        track,
        reason: reasonFor('lift', track, step, path.length, when),
        matchScore: scoreForDistance(hit.distance),
      };
    });
  }
  const hits = nearest(ix, target, limit, skip);
  return hits.map((h, step) => {
    const track = ix.tracks[h.index]!;
    return {
      track,
      reason: reasonFor(input.goal, track, step, hits.length, when),
      matchScore: scoreForDistance(h.distance),
    };
  });
}
