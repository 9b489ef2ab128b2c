import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../src/db/database.js';
import type { PlanePoint } from '../../src/db/repositories/catalogue-near.js';
import { MOOD_POINT_SQL } from '../../src/db/schema/music-analysis.js';
import { queryRows } from './query-rows.js';

/**
 * What listCatalogueNear answers, found the slow way to check it: every analysed row's distance to every
 * point, each point's `perPoint` nearest tracks (a track by its nearest row), then each track once by its
 * smallest distance, all sorted in SQL. No index can serve it.
 */
export async function catalogueNearByFullSort(
  db: Db,
  points: readonly PlanePoint[],
  perPoint: number,
): Promise<Array<{ spotifyTrackId: string; analysedAt: number }>> {
  const point = sql.raw(MOOD_POINT_SQL);
  const asked = sql.join(
    points.map((p, i) => sql`(${i}, ${p.valence}::float8, ${p.energy}::float8)`),
    sql`, `,
  );
  const rows = await queryRows<unknown>(
    db,
    sql`WITH asked (i, v, e) AS (VALUES ${asked}),
        distances AS (
          SELECT a.i, m.id, m.spotify_track_id, m.created_at, m.pt <-> point(a.v, a.e) AS d
            FROM asked a
           CROSS JOIN (SELECT *, ${point} AS pt FROM music_analysis WHERE ${point} IS NOT NULL) m),
        per_track AS (
          SELECT DISTINCT ON (i, spotify_track_id) * FROM distances
           ORDER BY i, spotify_track_id, d, created_at DESC, id DESC),
        ranked AS (
          SELECT *, row_number() OVER (PARTITION BY i ORDER BY d, spotify_track_id COLLATE "C") AS rank
            FROM per_track),
        chosen AS (
          SELECT DISTINCT ON (spotify_track_id) * FROM ranked WHERE rank <= ${perPoint}
           ORDER BY spotify_track_id, d, created_at DESC, id DESC)
        SELECT spotify_track_id, (extract(epoch FROM created_at) * 1000)::float8 AS analysed_ms
          FROM chosen ORDER BY d, spotify_track_id COLLATE "C"`,
  );
  return rows.map((raw) => {
    const r = z.object({ spotify_track_id: z.string(), analysed_ms: z.coerce.number() }).parse(raw);
    return { spotifyTrackId: r.spotify_track_id, analysedAt: r.analysed_ms };
  });
}

/**
 * What /recommend ran before the index (issue 21): a bounded top-N sort over every row by squared
 * distance, three rows per wanted track. The benchmark's baseline.
 */
export async function catalogueNearByTopNScan(db: Db, points: readonly PlanePoint[], limit: number) {
  const distances = points.map(
    (p) => sql`((audio_features->>'valence')::float8 - ${p.valence}::float8) ^ 2
               + ((audio_features->>'energy')::float8 - ${p.energy}::float8) ^ 2`,
  );
  const distance = distances.length === 1 ? distances[0]! : sql`LEAST(${sql.join(distances, sql`, `)})`;
  const rows = await queryRows<{ spotify_track_id: string }>(
    db,
    sql`SELECT spotify_track_id, track_name, artist_name, album_image,
               (audio_features->>'valence')::float8 AS valence, (audio_features->>'energy')::float8 AS energy,
               (extract(epoch FROM created_at) * 1000)::float8 AS analysed_ms
          FROM music_analysis
         WHERE jsonb_typeof(audio_features->'valence') = 'number'
           AND jsonb_typeof(audio_features->'energy') = 'number'
         ORDER BY ${distance}, spotify_track_id, created_at DESC
         LIMIT ${limit * 3}`,
  );
  return [...new Set(rows.map((r) => r.spotify_track_id))].slice(0, limit);
}
