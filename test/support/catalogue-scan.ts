import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../src/db/database.js';
import type { PlanePoint } from '../../src/db/repositories/catalogue-near.js';
import { MOOD_POINT_SQL } from '../../src/db/schema/music-analysis.js';
import { queryRows } from './query-rows.js';

/**
 * The nearest tracks found the slow way, to check the index's answer against: every analysed row's
 * distance to the nearest point, each track's nearest row, all of them sorted. No index can serve it.
 */
export async function catalogueNearByFullSort(
  db: Db,
  points: readonly PlanePoint[],
  limit: number,
): Promise<Array<{ spotifyTrackId: string; analysedAt: number }>> {
  const point = sql.raw(MOOD_POINT_SQL);
  const near = sql`LEAST(${sql.join(
    points.map((p) => sql`${point} <-> point(${p.valence}::float8, ${p.energy}::float8)`),
    sql`, `,
  )})`;
  const rows = await queryRows<unknown>(
    db,
    sql`SELECT spotify_track_id, analysed_ms FROM (
          SELECT DISTINCT ON (spotify_track_id) spotify_track_id, near,
                 (extract(epoch FROM created_at) * 1000)::float8 AS analysed_ms
            FROM (SELECT *, ${near} AS near FROM music_analysis WHERE ${point} IS NOT NULL) m
           ORDER BY spotify_track_id, near, created_at DESC, id DESC
        ) t
        ORDER BY near, spotify_track_id COLLATE "C"
        LIMIT ${limit}`,
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
