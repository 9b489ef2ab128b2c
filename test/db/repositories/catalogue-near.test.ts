import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import type { AudioFeatures } from '../../../src/core/music.js';
import type { Db } from '../../../src/db/database.js';
import {
  listCatalogueNear,
  nearestRowsQuery,
  nearestStatement,
} from '../../../src/db/repositories/catalogue-near.js';
import { insertMusicAnalysis } from '../../../src/db/repositories/music-analysis.js';
import { musicAnalysis } from '../../../src/db/schema/index.js';
import { catalogueNearByFullSort } from '../../support/catalogue-scan.js';
import { newUser } from '../../support/fixtures.js';
import { queryRows } from '../../support/query-rows.js';
import { describeEachDatabase } from '../../support/test-database.js';

// Coordinates on a grid of twentieths, so that equal distances (ties) are common, not a rarity.
const coordinate = fc.integer({ min: 0, max: 20 }).map((n) => n / 20);
const point = fc.record({ valence: coordinate, energy: coordinate });
const row = fc.record({
  // Few track ids for many rows: a track shared several times, with different features.
  track: fc.integer({ min: 0, max: 40 }).map((n) => `${'aBcD'[n % 4]}${n}`),
  valence: coordinate,
  energy: coordinate,
  features: fc.constantFrom('numbers', 'numbers', 'numbers', 'numbers', 'text', 'missing'),
  secondsAgo: fc.integer({ min: 0, max: 5 }),
});

function featuresOf(r: RowValue): AudioFeatures | null {
  if (r.features === 'missing') return r.valence > 0.5 ? null : { tempo: 120 };
  if (r.features === 'text') return { valence: 'bright', energy: r.energy } as unknown as AudioFeatures;
  return { valence: r.valence, energy: r.energy };
}
type RowValue = { track: string; valence: number; energy: number; features: string; secondsAgo: number };

/** A catalogue large enough that the planner would rather walk the index than sort the table. */
async function twentyThousandTracks(db: Db): Promise<void> {
  const user = await newUser(db);
  await db.execute(sql`
    INSERT INTO music_analysis (user_id, spotify_track_id, track_name, artist_name, audio_features)
    SELECT ${user.id}, 'trk' || g, 'Song ' || g, 'Artist',
           jsonb_build_object('valence', (g * 7919 % 1000) / 1000.0, 'energy', (g * 104729 % 1000) / 1000.0)
      FROM generate_series(1, 20000) g`);
  await db.execute(sql`ANALYZE music_analysis`);
}

describeEachDatabase('GIVEN analysed tracks and points on the valence/energy plane', (getDb) => {
  it('THEN the nearest tracks of each point read through the index are exactly those a full sort gives, on random catalogues', async () => {
    const { db } = getDb();
    const user = await newUser(db);
    const base = Date.UTC(2026, 10, 1);
    await fc.assert(
      fc.asyncProperty(
        fc.array(row, { maxLength: 150 }),
        fc.array(point, { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 1, max: 30 }),
        async (rows, points, perPoint) => {
          await db.delete(musicAnalysis);
          if (rows.length > 0) {
            await db.insert(musicAnalysis).values(
              rows.map((r) => ({
                userId: user.id,
                spotifyTrackId: r.track,
                trackName: `Song ${r.track}`,
                artistName: 'Artist',
                audioFeatures: featuresOf(r),
                createdAt: new Date(base - r.secondsAgo * 1000),
              })),
            );
          }
          const byIndex = await listCatalogueNear(db, points, perPoint);
          const bySort = await catalogueNearByFullSort(db, points, perPoint);
          expect(byIndex.map((t) => [t.spotifyTrackId, t.analysedAt.getTime()])).toEqual(
            bySort.map((t) => [t.spotifyTrackId, t.analysedAt]),
          );
        },
      ),
      { numRuns: 40 },
    );
  });

  it('THEN a track whose features are text or missing is stored and never returned', async () => {
    const { db } = getDb();
    await db.delete(musicAnalysis);
    const user = await newUser(db);
    const share = (id: string, audioFeatures: AudioFeatures | null) =>
      insertMusicAnalysis(db, {
        userId: user.id,
        spotifyTrackId: id,
        trackName: id,
        artistName: 'A',
        audioFeatures,
      });
    await share('text', { valence: 'high', energy: 0.5 } as unknown as AudioFeatures);
    await share('none', null);
    await share('half', { valence: 0.5 });
    await share('good', { valence: 0.5, energy: 0.5 });
    const found = await listCatalogueNear(db, { valence: 0.5, energy: 0.5 }, 10);
    expect(found.map((t) => t.spotifyTrackId)).toEqual(['good']);
    expect(found[0]).toMatchObject({ valence: 0.5, energy: 0.5 });
  });

  it('THEN on a catalogue of 20,000 rows the planner reads each point through the GiST index, never a sort of the table', async () => {
    const { db } = getDb();
    await twentyThousandTracks(db);
    for (const points of [
      [{ valence: 0.3, energy: 0.6 }],
      [
        { valence: 0.2, energy: 0.3 },
        { valence: 0.45, energy: 0.45 },
        { valence: 0.7, energy: 0.6 },
      ],
    ]) {
      const plan = await queryRows<{ 'QUERY PLAN': string }>(
        db,
        sql`EXPLAIN ${nearestRowsQuery(points, 258)}`,
      );
      const text = plan.map((r) => r['QUERY PLAN']).join('\n');
      expect(text).toMatch(/Index Scan using idx_music_analysis_mood_point/);
      expect(text).not.toMatch(/Seq Scan on music_analysis|Sort/);
    }
  });

  it('THEN the prepared statement, once PostgreSQL plans it for any point (a generic plan), still walks the GiST index', async () => {
    const { db } = getDb();
    await twentyThousandTracks(db);

    const text = await db.transaction(async (tx) => {
      await tx.execute(sql`SET LOCAL plan_cache_mode = force_generic_plan`);
      await tx.execute(sql.raw(`PREPARE near_generic AS ${nearestStatement.text}`));
      try {
        const plan = await queryRows<{ 'QUERY PLAN': string }>(
          tx,
          sql`EXPLAIN EXECUTE near_generic('{0.2,0.7}', '{0.3,0.6}', 40)`,
        );
        return plan.map((r) => r['QUERY PLAN']).join('\n');
      } finally {
        await tx.execute(sql`DEALLOCATE near_generic`);
      }
    });
    expect(text).toMatch(/Index Scan using idx_music_analysis_mood_point/);
    expect(text).not.toMatch(/Seq Scan on music_analysis|Sort/);
  });
});
