import type { Clock } from '../../core/clock.js';
import { UserError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { Db } from '../../db/database.js';
import { listCatalogueNear } from '../../db/repositories/catalogue-near.js';
import {
  type CatalogueTrack,
  findAnalysedTrackByName,
  listUserCatalogue,
} from '../../db/repositories/music-analysis.js';
import { readRecommendationContext } from '../../db/repositories/recommendation-context.js';
import { insertRecommendations } from '../../db/repositories/recommendations.js';
import { getUserSettings } from '../../db/repositories/user-settings.js';
import type { MoodEntry, Recommendation } from '../../db/schema/index.js';

/** A stored recommendation, as /recommend shows them. */
export type { Recommendation };

import { addDays, localDay, weekdayOf } from '../../core/calendar/index.js';
import type { AiClient } from '../../integrations/ai/openai-client.js';
import type { TrackMetadata } from '../../integrations/music-types.js';
import { isPlainAndKind, oneLine } from './kind-text.js';
import { askForSuggestions, type ModelSuggestion } from './model-suggestions.js';
import {
  type CandidateTrack,
  goalTarget,
  liftWaypoints,
  MAX_RECOMMENDATIONS,
  type MoodPoint,
  moodPoint,
  type RankedTrack,
  type RecommendationGoal,
  rankLocalRecommendations,
} from './rank-local.js';

export interface RecommendInput {
  userId: number;
  goal: RecommendationGoal;
  /** How many (1 to 10; default 5). */
  limit?: number;
  /** For "how you felt on Tuesday"; the user's settings when not given. */
  timeZone?: string;
}

export interface RecommendationResult {
  goal: RecommendationGoal;
  moodEntry: MoodEntry;
  /** Where the list came from: the model's suggestions (resolved to real tracks), local ranking, or both. */
  source: 'model' | 'local' | 'mixed';
  /** As stored, in the order shown. */
  items: Recommendation[];
}

export interface RecommendationService {
  recommend(input: RecommendInput): Promise<RecommendationResult>;
}

export interface RecommendationDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  /** The language model; local ranking only when absent. */
  ai?: AiClient | undefined;
  /** Spotify's search (Web API credentials); the catalogue of analysed tracks resolves names otherwise. */
  searchTrack?:
    | ((query: { track: string; artist: string }) => Promise<TrackMetadata | undefined>)
    | undefined;
}

export const DEFAULT_LIMIT = 5;
const MAX_LIMIT = 10;
/** Recent recommendations left out of the next list, so asking again brings something new. */
const RECENT_EXCLUDED = 20;

/** "today", "yesterday", "on Tuesday" (within the week) or "on 3 Nov". */
export function whenFelt(at: Date, now: Date, timeZone: string): string {
  const day = localDay(at, timeZone);
  const today = localDay(now, timeZone);
  if (day === today) return 'today';
  if (day === addDays(today, -1)) return 'yesterday';
  if (day > addDays(today, -7)) {
    const long = new Date(`${day}T12:00:00Z`).toLocaleDateString('en-US', {
      weekday: 'long',
      timeZone: 'UTC',
    });
    return `on ${long}`;
  }
  const date = new Date(`${day}T12:00:00Z`);
  return `on ${date.getUTCDate()} ${date.toLocaleDateString('en-US', { month: 'short', timeZone: 'UTC' })} (${weekdayOf(day)})`;
}

function toCandidate(t: CatalogueTrack): CandidateTrack {
  return {
    spotifyTrackId: t.spotifyTrackId,
    trackName: t.trackName,
    artistName: t.artistName,
    albumImage: t.albumImage,
    valence: t.valence,
    energy: t.energy,
    sharedAt: t.analysedAt,
  };
}

export function createRecommendationService(deps: RecommendationDeps): RecommendationService {
  const { db, clock, logger } = deps;

  /**
   * The user's own music first (the language model's sense of their taste), then each point the ranking
   * aims at with its `limit + RECENT_EXCLUDED` nearest tracks: every pick is the nearest track to its
   * point that is neither recent nor already picked, so it is always among them, and the local ranking
   * over these candidates equals the ranking over the whole catalogue (for features within 0..1, which
   * the ranking clamps to).
   */
  async function candidatesFor(userId: number, points: readonly MoodPoint[], limit: number) {
    const [own, near] = await Promise.all([
      listUserCatalogue(db, userId, 200),
      listCatalogueNear(db, points, limit + RECENT_EXCLUDED),
    ]);
    return [...own, ...near].map(toCandidate);
  }

  /** A suggestion by name as a real track: Spotify's search when configured, else the analysed catalogue. */
  async function resolve(
    s: ModelSuggestion,
  ): Promise<Omit<CandidateTrack, 'valence' | 'energy'> | undefined> {
    if (deps.searchTrack) {
      try {
        const found = await deps.searchTrack({ track: s.track, artist: s.artist });
        if (found) {
          return {
            spotifyTrackId: found.id,
            trackName: found.name,
            artistName: found.artist,
            albumImage: found.albumImage,
          };
        }
        return undefined;
      } catch (error) {
        logger.warn({ kind: (error as Error).name }, 'Spotify search failed; trying the analysed catalogue');
      }
    }
    const known = await findAnalysedTrackByName(db, s.track, s.artist);
    return known
      ? {
          spotifyTrackId: known.spotifyTrackId,
          trackName: known.trackName,
          artistName: known.artistName,
          albumImage: known.albumImage,
        }
      : undefined;
  }

  async function fromModel(
    ai: AiClient,
    request: Parameters<typeof askForSuggestions>[1],
    exclude: ReadonlySet<string>,
    fallbackReason: string,
  ): Promise<RankedTrack[]> {
    const suggestions = await askForSuggestions(ai, request);
    if (!suggestions) return [];
    const resolved = await Promise.all(suggestions.slice(0, request.count * 2).map(resolve));
    const kept: RankedTrack[] = [];
    const seen = new Set<string>();
    resolved.forEach((track, i) => {
      const s = suggestions[i]!;
      if (!track || seen.has(track.spotifyTrackId) || exclude.has(track.spotifyTrackId)) return;
      seen.add(track.spotifyTrackId);
      const reason = oneLine(s.reason, 200);
      kept.push({
        track: { ...track, valence: Number.NaN, energy: Number.NaN },
        reason: reason && isPlainAndKind(reason) ? reason : fallbackReason,
        matchScore: Math.round(Math.min(1, Math.max(0, s.matchScore)) * 1000) / 1000,
      });
    });
    const dropped = suggestions.length - kept.length;
    if (dropped > 0)
      logger.debug({ dropped }, 'model suggestions that did not resolve to a track were dropped');
    return kept.slice(0, request.count);
  }

  return {
    async recommend(input) {
      const limit = Math.max(1, Math.min(MAX_LIMIT, Math.floor(input.limit ?? DEFAULT_LIMIT)));
      // What does not depend on the mood is read with it, in one statement.
      const context = await readRecommendationContext(db, input.userId, RECENT_EXCLUDED);
      if (!context.entry) {
        throw new UserError(
          'I recommend music for how you feel, and you have not logged a mood yet. Log one with `/mood 6 tired`, then ask again.',
          'NO_MOOD_ENTRY',
        );
      }
      const { entry, hasMusic, recentTrackIds: recent } = context;
      if (!hasMusic) {
        throw new UserError(
          'I do not know your music yet: share a Spotify link with `/share` first (a track you like), then ask again.',
          'NO_ANALYSED_MUSIC',
        );
      }
      const emotions = entry.emotions ?? [];
      const mood = moodPoint(entry.moodScore, emotions);
      const target = goalTarget(input.goal, mood);
      const points = input.goal === 'lift' ? liftWaypoints(mood, target, limit) : [target];
      const [candidates, timeZone] = await Promise.all([
        candidatesFor(input.userId, points, limit),
        input.timeZone ?? getUserSettings(db, input.userId).then((s) => s.timeZone),
      ]);
      const moodWhen = whenFelt(entry.createdAt, clock.now(), timeZone);
      const rank = (exclude: ReadonlySet<string>) =>
        rankLocalRecommendations({
          moodScore: entry.moodScore,
          emotions,
          goal: input.goal,
          candidates,
          limit,
          exclude,
          moodWhen,
        });
      // Something new when the catalogue allows it; the best matches again when it is small.
      let local = rank(recent);
      if (local.length < limit) local = rank(new Set());

      let chosen: RankedTrack[] = local;
      let source: RecommendationResult['source'] = 'local';
      if (deps.ai) {
        const suggested = await fromModel(
          deps.ai,
          {
            goal: input.goal,
            moodScore: entry.moodScore,
            emotions,
            mood,
            target,
            taste: candidates.slice(0, 10),
            count: limit,
          },
          recent,
          `picked for how you felt ${moodWhen}`,
        );
        if (suggested.length > 0) {
          const taken = new Set(suggested.map((r) => r.track.spotifyTrackId));
          const fill = local
            .filter((r) => !taken.has(r.track.spotifyTrackId))
            .slice(0, limit - suggested.length);
          chosen = [...suggested, ...fill];
          source = fill.length > 0 ? 'mixed' : 'model';
        }
      }
      const items = await insertRecommendations(
        db,
        chosen.slice(0, MAX_RECOMMENDATIONS).map((r) => ({
          userId: input.userId,
          moodEntryId: entry.id,
          spotifyTrackId: r.track.spotifyTrackId,
          trackName: r.track.trackName,
          artistName: r.track.artistName,
          albumImage: r.track.albumImage,
          reason: r.reason,
          matchScore: r.matchScore,
        })),
        { flush: false },
      );
      // Serial ids follow the order of the VALUES list: the order shown.
      items.sort((a, b) => a.id - b.id);
      return { goal: input.goal, moodEntry: entry, source, items };
    },
  };
}
