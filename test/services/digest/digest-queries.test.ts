import { expect, it } from 'vitest';
import type { AudioFeatures } from '../../../src/core/music.js';
import { insertMusicAnalysis } from '../../../src/db/repositories/music-analysis.js';
import { musicBetween, trackCatalogue } from '../../../src/services/digest/digest-queries.js';
import { newUser } from '../../support/fixtures.js';
import { describeEachDatabase } from '../../support/test-database.js';

describeEachDatabase('digest batch queries', (getDb) => {
  it('GIVEN a track whose stored features are not numbers THEN the batch still reads, with those features null', async () => {
    const { db } = getDb();
    const user = await newUser(db, 'odd-features');
    // A provider's answer stored as it came: the jsonb column accepts any value.
    const odd = { valence: 'high', energy: 0.8, tempo: 'fast' } as unknown as AudioFeatures;
    await insertMusicAnalysis(db, {
      userId: user.id,
      spotifyTrackId: 'odd-features-track',
      trackName: 't',
      artistName: 'a',
      audioFeatures: odd,
    });
    const today = new Date().toISOString().slice(0, 10);
    const rows = await musicBetween(db, { userIds: [user.id], timeZones: ['UTC'] }, today, today);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ valence: null, energy: 0.8, tempo: null });
    const catalogue = await trackCatalogue(db, 100_000);
    expect(catalogue.map((t) => t.spotifyTrackId)).not.toContain('odd-features-track');
  });
});
