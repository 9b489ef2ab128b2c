import { expect, it } from 'vitest';
import { insertMusicAnalysis } from '../../../src/db/repositories/music-analysis.js';
import { readRecommendationContext } from '../../../src/db/repositories/recommendation-context.js';
import { insertRecommendations } from '../../../src/db/repositories/recommendations.js';
import { newUser } from '../../support/fixtures.js';
import { insertMoodEntry } from '../../support/mood-entries.js';
import { describeEachDatabase } from '../../support/test-database.js';

const at = (minute: number) => new Date(Date.UTC(2026, 11, 1, 12, minute));

const recommendation = (userId: number, moodEntryId: number, trackId: string, minute: number) => ({
  userId,
  moodEntryId,
  spotifyTrackId: trackId,
  trackName: `Song ${trackId}`,
  artistName: 'Artist',
  albumImage: null,
  reason: 'close to how you feel',
  matchScore: 0.9,
  createdAt: at(minute),
});

describeEachDatabase('what /recommend reads first, in one statement', (getDb) => {
  it('GIVEN a user without a mood THEN there is no entry, whatever else they have', async () => {
    const { db } = getDb();
    const user = await newUser(db);
    await insertMusicAnalysis(db, {
      userId: user.id,
      spotifyTrackId: 'shared1',
      trackName: 'S',
      artistName: 'A',
    });

    expect(await readRecommendationContext(db, user.id, 10)).toEqual({ entry: undefined });
  });

  it('GIVEN moods but no music and no recommendations THEN the latest mood, no music and nothing recent', async () => {
    const { db } = getDb();
    const user = await newUser(db);
    await insertMoodEntry(db, { userId: user.id, moodScore: 3, createdAt: at(1) });
    const latest = await insertMoodEntry(db, {
      userId: user.id,
      moodScore: 7,
      emotions: ['calm'],
      createdAt: at(2),
    });

    const context = await readRecommendationContext(db, user.id, 10);
    expect(context.entry).toEqual(latest);
    expect(context).toMatchObject({ hasMusic: false, recentTrackIds: new Set() });
  });

  it('GIVEN music and more recommendations than the limit THEN music is known and only the newest recommended tracks are recent', async () => {
    const { db } = getDb();
    const user = await newUser(db);
    const other = await newUser(db);
    const entry = await insertMoodEntry(db, { userId: user.id, moodScore: 6, createdAt: at(1) });
    const theirs = await insertMoodEntry(db, { userId: other.id, moodScore: 6, createdAt: at(1) });
    await insertMusicAnalysis(db, {
      userId: user.id,
      spotifyTrackId: 'shared1',
      trackName: 'S',
      artistName: 'A',
    });
    await insertRecommendations(db, [
      recommendation(user.id, entry.id, 'new1', 5),
      recommendation(user.id, entry.id, 'new2', 4),
      // Inserted last, made first: recent goes by when it was made.
      recommendation(user.id, entry.id, 'old1', 2),
      recommendation(other.id, theirs.id, 'notMine', 6),
    ]);

    const context = await readRecommendationContext(db, user.id, 2);
    expect(context).toMatchObject({ hasMusic: true, recentTrackIds: new Set(['new1', 'new2']) });
    expect(context.entry?.id).toBe(entry.id);
  });
});
