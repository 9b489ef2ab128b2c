import { expect, it } from 'vitest';
import { insertMusicAnalysis, listUserCatalogue } from '../../../src/db/repositories/music-analysis.js';
import { newUser } from '../../support/fixtures.js';
import { describeEachDatabase } from '../../support/test-database.js';

const at = (minute: number) => new Date(Date.UTC(2026, 11, 1, 12, minute));

describeEachDatabase('the user’s own tracks, as /recommend reads them', (getDb) => {
  async function share(userId: number, trackId: string, minute: number, features: object) {
    await insertMusicAnalysis(getDb().db, {
      userId,
      spotifyTrackId: trackId,
      trackName: `Song ${trackId}`,
      artistName: 'Artist',
      audioFeatures: features,
      createdAt: at(minute),
    });
  }

  it('GIVEN a track shared twice, one without numeric features and another user’s THEN each of theirs once, by its latest analysis, newest first', async () => {
    const { db } = getDb();
    const user = await newUser(db);
    const other = await newUser(db);
    await share(user.id, 'older', 1, { valence: 0.1, energy: 0.5 });
    await share(user.id, 'twice', 2, { valence: 0.2, energy: 0.3 });
    await share(user.id, 'newest', 3, { valence: 0.3, energy: 0.5 });
    await share(user.id, 'twice', 4, { valence: 0.9, energy: 0.8 });
    await share(user.id, 'textFeatures', 5, { valence: 'bright', energy: 0.5 });
    await share(other.id, 'notMine', 6, { valence: 0.5, energy: 0.5 });

    const own = await listUserCatalogue(db, user.id, 10);
    expect(own.map((t) => [t.spotifyTrackId, t.valence, t.energy])).toEqual([
      ['twice', 0.9, 0.8],
      ['newest', 0.3, 0.5],
      ['older', 0.1, 0.5],
    ]);
    expect(own[0]?.analysedAt).toEqual(at(4));
  });

  it('GIVEN more tracks than asked THEN only the newest', async () => {
    const { db } = getDb();
    const user = await newUser(db);
    for (const minute of [1, 2, 3, 4])
      await share(user.id, `t${minute}`, minute, { valence: 0.5, energy: 0.5 });

    expect((await listUserCatalogue(db, user.id, 2)).map((t) => t.spotifyTrackId)).toEqual(['t4', 't3']);
  });
});
