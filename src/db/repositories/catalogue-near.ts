import type { SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../database.js';
import { type PreparedStatement, preparedAsSql, runPrepared } from '../raw-query.js';
import { MOOD_POINT_SQL } from '../schema/music-analysis.js';
import { type CatalogueTrack, toCatalogueTrack } from './music-analysis.js';
import { boundedLimit } from './text-guard.js';

export interface PlanePoint {
  valence: number;
  energy: number;
}

/** Rows read per point beyond the tracks wanted: shared tracks repeat, one row per share. */
const HEADROOM = 1.25;
/** A catalogue where one point's nearest rows are this many shares of few tracks is read no further. */
const MAX_ROWS_PER_POINT = 50_000;

const nearRow = z.object({
  point_index: z.coerce.number(),
  id: z.coerce.number(),
  spotify_track_id: z.string(),
  distance: z.coerce.number(),
  analysed_ms: z.coerce.number(),
});

interface NearRow {
  /** Which of the asked points this row was read for, and its distance to that point. */
  pointIndex: number;
  distance: number;
  id: number;
  trackId: string;
  analysedMs: number;
  /** The row as read, made a CatalogueTrack only if it is kept. */
  raw: unknown;
}

/**
 * For each point, its `perPoint` nearest analysed tracks (by anyone: analyses are shared; default 200, at
 * most 2,000): a track counts by its row nearest that point; ties go by track id, then the latest
 * analysis. The answer holds each track once, nearest first by its distance to the nearest asked point.
 *
 * Each point's rows come from the GiST index (a KNN scan: the cost follows the rows read, not the
 * table), all points in one statement. Reading stops at a point once its rows hold `perPoint` distinct
 * tracks and one row beyond the distance of the last of them (so no tie is left unread), or the index
 * ran out: the answer is exactly what sorting every row would give (test/db/repositories/
 * catalogue-near.test.ts checks it against a full sort).
 */
export async function listCatalogueNear(
  db: Db,
  points: PlanePoint | readonly PlanePoint[],
  perPoint?: number,
): Promise<CatalogueTrack[]> {
  const wanted = boundedLimit(perPoint, 200, 2000);
  const list: readonly PlanePoint[] = Array.isArray(points) ? points : [points as PlanePoint];
  if (list.length === 0) return [];
  let rowsPerPoint = Math.ceil(wanted * HEADROOM) + 8;
  for (;;) {
    const rows = await readNearest(db, list, rowsPerPoint);
    const byPoint = list.map((_, i) => rows.filter((r) => r.pointIndex === i).sort(byDistance));
    const done = byPoint.every((own) => holdsNearest(own, rowsPerPoint, wanted));
    if (done || rowsPerPoint >= MAX_ROWS_PER_POINT) return merged(byPoint, wanted);
    rowsPerPoint = Math.min(MAX_ROWS_PER_POINT, rowsPerPoint * 4);
  }
}

// ORDER BY the bare `<point> <-> target` is what lets the planner walk the index; anything added to it
// (a tie-break) makes it sort the table instead, so ties are settled in JavaScript. The point is
// computed once per row (inner list), and the distance from it: each computation parses the JSON. One
// named statement for any number of points (a lateral index scan per point), prepared once per
// connection: parsing and planning the statement cost more than reading a few dozen rows.
export const nearestStatement: PreparedStatement = {
  name: 'moodscale_catalogue_near_v1',
  text: `SELECT (p.ord - 1)::int AS point_index, n.*
           FROM unnest($1::float8[], $2::float8[]) WITH ORDINALITY AS p(valence, energy, ord)
          CROSS JOIN LATERAL (
                SELECT id, spotify_track_id, track_name, artist_name, album_image, pt[0] AS valence,
                       pt[1] AS energy, analysed_ms, pt <-> point(p.valence, p.energy) AS distance
                  FROM (SELECT id, spotify_track_id, track_name, artist_name, album_image,
                               ${MOOD_POINT_SQL} AS pt,
                               (extract(epoch FROM created_at) * 1000)::float8 AS analysed_ms
                          FROM music_analysis
                         WHERE ${MOOD_POINT_SQL} IS NOT NULL
                         ORDER BY ${MOOD_POINT_SQL} <-> point(p.valence, p.energy)
                         LIMIT $3::int) nearest) n`,
};

function nearestValues(points: readonly PlanePoint[], perPoint: number): unknown[] {
  return [points.map((p) => p.valence), points.map((p) => p.energy), perPoint];
}

/**
 * The statement that reads each point's `perPoint` nearest analysed rows through the index, with its
 * values (exported so a test and the benchmark can EXPLAIN it and keep it an index scan).
 */
export function nearestRowsQuery(points: readonly PlanePoint[], perPoint: number): SQL {
  return preparedAsSql(nearestStatement, nearestValues(points, perPoint));
}

async function readNearest(db: Db, points: readonly PlanePoint[], perPoint: number): Promise<NearRow[]> {
  const rows = await runPrepared(db, nearestStatement, nearestValues(points, perPoint));
  return rows.map((raw) => {
    const r = nearRow.parse(raw);
    return {
      pointIndex: r.point_index,
      distance: r.distance,
      id: r.id,
      trackId: r.spotify_track_id,
      analysedMs: r.analysed_ms,
      raw,
    };
  });
}

/**
 * Whether one point's rows (its nearest, sorted) surely hold its `wanted` nearest tracks: the index ran out,
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

/** Nearest first; ties by track id (code units, as COLLATE "C"), then the latest analysis, then id. */
function byDistance(a: NearRow, b: NearRow): number {
  if (a.distance !== b.distance) return a.distance - b.distance;
  if (a.trackId !== b.trackId) return a.trackId < b.trackId ? -1 : 1;
  if (a.analysedMs !== b.analysedMs) return b.analysedMs - a.analysedMs;
  return b.id - a.id;
}

/** Each point's `wanted` nearest tracks (rows sorted, each track by its nearest row), then all of them, each once. */
function merged(byPoint: NearRow[][], wanted: number): CatalogueTrack[] {
  const kept: NearRow[] = [];
  for (const rows of byPoint) {
    const seen = new Set<string>();
    for (const row of rows) {
      if (seen.has(row.trackId)) continue;
      seen.add(row.trackId);
      kept.push(row);
      if (seen.size === wanted) break;
    }
  }
  kept.sort(byDistance);
  const seen = new Set<string>();
  const tracks: CatalogueTrack[] = [];
  for (const row of kept) {
    if (seen.has(row.trackId)) continue;
    seen.add(row.trackId);
    tracks.push(toCatalogueTrack(row.raw));
  }
  return tracks;
}
