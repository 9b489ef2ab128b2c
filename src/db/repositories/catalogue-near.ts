import { type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../database.js';
import { queryRows } from '../raw-query.js';
import { MOOD_POINT_SQL } from '../schema/music-analysis.js';
import { type CatalogueTrack, toCatalogueTrack } from './music-analysis.js';
import { boundedLimit } from './text-guard.js';

export interface PlanePoint {
  valence: number;
  energy: number;
}

/** The indexed expression (idx_music_analysis_mood_point), spelled as the index spells it. */
const moodPoint = sql.raw(MOOD_POINT_SQL);
/** Rows read per point beyond the tracks wanted: shared tracks repeat, one row per share. */
const HEADROOM = 1.25;
/** A catalogue where one point's nearest rows are this many shares of few tracks is read no further. */
const MAX_ROWS_PER_POINT = 50_000;

const nearRow = z.object({
  point_index: z.coerce.number(),
  id: z.coerce.number(),
  spotify_track_id: z.string(),
  distance: z.coerce.number(),
  near: z.coerce.number(),
  analysed_ms: z.coerce.number(),
});

interface NearRow {
  /** Which of the asked points this row was read for, and its distance to that point. */
  pointIndex: number;
  distance: number;
  /** Its distance to the nearest of all the asked points: the order of the answer. */
  near: number;
  id: number;
  trackId: string;
  analysedMs: number;
  track: CatalogueTrack;
}

/**
 * The analysed tracks (by anyone: analyses are shared) nearest to a point, or to the nearest of several
 * (a lift's path), each track once, nearest first (default 200, at most 2,000). Ties go by track id, then
 * the latest analysis.
 *
 * Each point's nearest rows come from the GiST index (a KNN scan: the cost grows with the rows read, not
 * the table), all points in one statement. The answer is exactly what sorting every row would give: a
 * track among the nearest `limit` by its distance to the nearest point is among the nearest `limit`
 * tracks of that point, so reading each point until it holds `limit` distinct tracks, and every row tied
 * with the last of them, cannot miss one (test/db/catalogue-near.test.ts checks it against a full sort).
 */
export async function listCatalogueNear(
  db: Db,
  points: PlanePoint | readonly PlanePoint[],
  limit?: number,
): Promise<CatalogueTrack[]> {
  const wanted = boundedLimit(limit, 200, 2000);
  const list: readonly PlanePoint[] = Array.isArray(points) ? points : [points as PlanePoint];
  if (list.length === 0) return [];
  let perPoint = Math.ceil(wanted * HEADROOM) + 8;
  for (;;) {
    const rows = await readNearest(db, list, perPoint);
    const enough = list.every((_, i) =>
      holdsNearest(
        rows.filter((r) => r.pointIndex === i),
        perPoint,
        wanted,
      ),
    );
    if (enough || perPoint >= MAX_ROWS_PER_POINT) return nearestTracks(rows, wanted);
    perPoint = Math.min(MAX_ROWS_PER_POINT, perPoint * 4);
  }
}

/**
 * The statement that reads each point's `perPoint` nearest analysed rows through the index (exported so
 * a test can EXPLAIN it and keep it an index scan).
 */
export function nearestRowsQuery(points: readonly PlanePoint[], perPoint: number): SQL {
  const targets = points.map((p) => sql`point(${p.valence}::float8, ${p.energy}::float8)`);
  const near =
    targets.length === 1
      ? sql`${moodPoint} <-> ${targets[0]}`
      : sql`LEAST(${sql.join(
          targets.map((t) => sql`${moodPoint} <-> ${t}`),
          sql`, `,
        )})`;
  // ORDER BY the bare `<point> <-> target` is what lets the planner walk the index; anything added to
  // it (a tie-break) makes it sort the table instead, so ties are settled in JavaScript.
  const parts = targets.map(
    (target, i) => sql`(SELECT ${i}::int AS point_index, id, spotify_track_id, track_name, artist_name,
              album_image, (${moodPoint})[0] AS valence, (${moodPoint})[1] AS energy,
              (extract(epoch FROM created_at) * 1000)::float8 AS analysed_ms,
              ${moodPoint} <-> ${target} AS distance, ${near} AS near
         FROM music_analysis
        WHERE ${moodPoint} IS NOT NULL
        ORDER BY ${moodPoint} <-> ${target}
        LIMIT ${perPoint})`,
  );
  return sql.join(parts, sql` UNION ALL `);
}

async function readNearest(db: Db, points: readonly PlanePoint[], perPoint: number): Promise<NearRow[]> {
  const rows = await queryRows(db, nearestRowsQuery(points, perPoint));
  return rows.map((raw) => {
    const r = nearRow.parse(raw);
    return {
      pointIndex: r.point_index,
      distance: r.distance,
      near: r.near,
      id: r.id,
      trackId: r.spotify_track_id,
      analysedMs: r.analysed_ms,
      track: toCatalogueTrack(raw),
    };
  });
}

/**
 * Whether one point's rows (nearest first) surely hold its `wanted` nearest tracks: the index ran out,
 * or they hold `wanted` distinct tracks and a row beyond the distance of the last of them (no tie with
 * it is left unread).
 */
function holdsNearest(rows: readonly NearRow[], asked: number, wanted: number): boolean {
  if (rows.length < asked) return true;
  const seen = new Set<string>();
  for (const row of rows) {
    seen.add(row.trackId);
    if (seen.size === wanted) return rows.at(-1)!.distance > row.distance;
  }
  return false;
}

/** Nearest first by the nearest point; ties by track id (code units), then the latest analysis. */
function byNearness(a: NearRow, b: NearRow): number {
  if (a.near !== b.near) return a.near - b.near;
  if (a.trackId !== b.trackId) return a.trackId < b.trackId ? -1 : 1;
  if (a.analysedMs !== b.analysedMs) return b.analysedMs - a.analysedMs;
  return b.id - a.id;
}

function nearestTracks(rows: NearRow[], wanted: number): CatalogueTrack[] {
  rows.sort(byNearness);
  const seen = new Set<string>();
  const tracks: CatalogueTrack[] = [];
  for (const row of rows) {
    if (seen.has(row.trackId)) continue;
    seen.add(row.trackId);
    tracks.push(row.track);
    if (tracks.length === wanted) break;
  }
  return tracks;
}
