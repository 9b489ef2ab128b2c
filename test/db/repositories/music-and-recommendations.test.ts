import { eq, sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { UserError } from '../../../src/core/errors.js';
import { queryRows } from '../../../src/db/raw-query.js';
import {
  findLatestAnalysisOfTrack,
  insertMusicAnalysis,
  listUserAnalyses,
} from '../../../src/db/repositories/music-analysis.js';
import {
  findLatestInsight,
  insertPersonalityInsight,
  listInsights,
} from '../../../src/db/repositories/personality-insights.js';
import {
  insertManyRecommendations,
  insertRecommendations,
  listRecommendations,
} from '../../../src/db/repositories/recommendations.js';
import { moodEntries } from '../../../src/db/schema/index.js';
import { naughtyStrings, newUser } from '../../support/fixtures.js';
import { insertMoodEntry } from '../../support/mood-entries.js';
import { describeEachDatabase } from '../../support/test-database.js';

const track = (id: string, at?: Date) => ({
  spotifyTrackId: id,
  trackName: `Song ${id}`,
  artistName: 'Artist',
  albumImage: 'https://i.scdn.co/image/abc',
  audioFeatures: { valence: 0.8, energy: 0.7, tempo: 120, source: 'test' },
  predictedMood: 'happy',
  moodConfidence: 0.75,
  ...(at ? { createdAt: at } : {}),
});

describeEachDatabase('music analysis repository', (getDb) => {
  it('GIVEN an analysis WHEN stored THEN every column reads back, features as JSON', async () => {
    const { db } = getDb();
    const user = await newUser(db);
    const row = await insertMusicAnalysis(db, { userId: user.id, ...track('trk1') });
    expect(row).toMatchObject({ userId: user.id, ...track('trk1') });
    expect(row.moodConfidence).toBeCloseTo(0.75);
  });

  it('GIVEN a track analysed twice THEN the latest analysis is found by track id for anyone', async () => {
    const { db } = getDb();
    const a = await newUser(db);
    const b = await newUser(db);
    await insertMusicAnalysis(db, { userId: a.id, ...track('shared', new Date('2026-01-01')) });
    const later = await insertMusicAnalysis(db, { userId: b.id, ...track('shared', new Date('2026-02-01')) });
    expect((await findLatestAnalysisOfTrack(db, 'shared'))?.id).toBe(later.id);
    expect(await findLatestAnalysisOfTrack(db, 'never-seen')).toBeUndefined();
  });

  it('GIVEN a user’s analyses THEN they list newest first, filtered by date and limited', async () => {
    const { db } = getDb();
    const user = await newUser(db);
    for (const m of [1, 2, 3])
      await insertMusicAnalysis(db, { userId: user.id, ...track(`m${m}`, new Date(2026, m, 1)) });
    expect((await listUserAnalyses(db, user.id)).map((r) => r.spotifyTrackId)).toEqual(['m3', 'm2', 'm1']);
    expect(await listUserAnalyses(db, user.id, { since: new Date(2026, 2, 1) })).toHaveLength(2);
    expect(await listUserAnalyses(db, user.id, { limit: 1 })).toHaveLength(1);
  });

  it('GIVEN naughty track names THEN they are stored verbatim, and a NUL is a UserError', async () => {
    const { db } = getDb();
    const user = await newUser(db);
    for (const name of naughtyStrings) {
      const row = await insertMusicAnalysis(db, {
        userId: user.id,
        ...track('n'),
        trackName: name,
        artistName: name,
      });
      expect([row.trackName, row.artistName]).toEqual([name, name]);
    }
    await expect(
      insertMusicAnalysis(db, { userId: user.id, ...track('n'), trackName: '\u0000' }),
    ).rejects.toBeInstanceOf(UserError);
  });
});

describeEachDatabase('recommendations repository', (getDb) => {
  it('GIVEN recommendations for a mood entry THEN they are stored with reason and score and listed', async () => {
    const { db } = getDb();
    const user = await newUser(db);
    const entry = await insertMoodEntry(db, { userId: user.id, moodScore: 4 });
    const rows = await insertRecommendations(db, [
      {
        userId: user.id,
        moodEntryId: entry.id,
        spotifyTrackId: 't1',
        trackName: 'A',
        artistName: 'X',
        reason: 'calm',
        matchScore: 0.9,
      },
      {
        userId: user.id,
        moodEntryId: entry.id,
        spotifyTrackId: 't2',
        trackName: 'B',
        artistName: 'Y',
        reason: 'lift',
        matchScore: 0.5,
      },
    ]);
    expect(rows).toHaveLength(2);
    const listed = await listRecommendations(db, user.id);
    expect(listed.map((r) => r.spotifyTrackId).sort()).toEqual(['t1', 't2']);
    expect(listed.every((r) => r.moodEntryId === entry.id)).toBe(true);
  });

  it('GIVEN a batch stored in one statement (the digests’) THEN every column reads back as the single insert stores it', async () => {
    const { db } = getDb();
    const user = await newUser(db);
    const entry = await insertMoodEntry(db, { userId: user.id, moodScore: 4 });
    const createdAt = new Date('2026-11-30T09:15:00Z');
    const full = {
      userId: user.id,
      moodEntryId: entry.id,
      spotifyTrackId: 'many1',
      trackName: 'Ä “song”',
      artistName: 'X',
      albumImage: 'https://i.scdn.co/image/abc',
      reason: 'calm, then brighter',
      matchScore: 0.75,
      createdAt,
    };
    const bare = { userId: user.id, spotifyTrackId: 'many2', trackName: 'B', artistName: 'Y', createdAt };
    await insertManyRecommendations(db, []);
    await insertManyRecommendations(db, [full, bare]);
    const [single] = await insertRecommendations(db, [{ ...full, spotifyTrackId: 'single' }]);
    const listed = await listRecommendations(db, user.id);
    const many = (id: string) => listed.find((r) => r.spotifyTrackId === id);
    expect(many('many1')).toEqual({ ...single, id: many('many1')?.id, spotifyTrackId: 'many1' });
    expect(many('many2')).toMatchObject({
      moodEntryId: null,
      albumImage: null,
      reason: null,
      matchScore: null,
    });
    expect(many('many2')?.createdAt).toEqual(createdAt);
  });

  it('GIVEN a list stored without waiting for the flush THEN it returns the rows as they read back, in the order given', async () => {
    const { db } = getDb();
    const user = await newUser(db);
    const entry = await insertMoodEntry(db, { userId: user.id, moodScore: 4 });
    const shown = ['lazy3', 'lazy1', 'lazy2'].map((id, i) => ({
      userId: user.id,
      moodEntryId: entry.id,
      spotifyTrackId: id,
      trackName: `Ä “${id}”`,
      artistName: 'X',
      albumImage: i === 0 ? null : 'https://i.scdn.co/image/abc',
      reason: i === 1 ? null : 'calm, then brighter',
      matchScore: i === 2 ? null : 0.75,
    }));
    const returned = await insertRecommendations(db, shown, { flush: false });
    expect([...returned].sort((a, b) => a.id - b.id).map((r) => r.spotifyTrackId)).toEqual([
      'lazy3',
      'lazy1',
      'lazy2',
    ]);
    const listed = await listRecommendations(db, user.id);
    expect([...returned].sort((a, b) => a.id - b.id)).toEqual([...listed].sort((a, b) => a.id - b.id));
  });

  it('GIVEN a list stored without waiting for the flush inside a transaction THEN that transaction commits with synchronous_commit off, and the next does not', async () => {
    const { db } = getDb();
    const user = await newUser(db);
    const row = { userId: user.id, spotifyTrackId: 'lazy', trackName: 'A', artistName: 'X' };
    const inside = await db.transaction(async (tx) => {
      await insertRecommendations(tx, [row], { flush: false });
      return (await queryRows(tx, sql`SHOW synchronous_commit`))[0];
    });
    expect(inside).toEqual({ synchronous_commit: 'off' });
    expect((await queryRows(db, sql`SHOW synchronous_commit`))[0]).toEqual({ synchronous_commit: 'on' });
  });

  it('GIVEN a batch with a NUL in a track name THEN it is a UserError and nothing of it is stored', async () => {
    const { db } = getDb();
    const user = await newUser(db);
    const row = { userId: user.id, spotifyTrackId: 'nul', trackName: 'ok', artistName: 'Y' };
    await expect(
      insertManyRecommendations(db, [row, { ...row, trackName: 'bad\u0000name' }]),
    ).rejects.toBeInstanceOf(UserError);
    expect(await listRecommendations(db, user.id)).toEqual([]);
  });

  it('GIVEN no rows THEN inserting nothing returns nothing', async () => {
    expect(await insertRecommendations(getDb().db, [])).toEqual([]);
  });

  it('GIVEN a recommendation WHEN its mood entry is deleted THEN the recommendation stays, unlinked', async () => {
    const { db } = getDb();
    const user = await newUser(db);
    const entry = await insertMoodEntry(db, { userId: user.id, moodScore: 4 });
    await insertRecommendations(db, [
      { userId: user.id, moodEntryId: entry.id, spotifyTrackId: 't', trackName: 'A', artistName: 'X' },
    ]);
    await db.delete(moodEntries).where(eq(moodEntries.id, entry.id));
    expect((await listRecommendations(db, user.id))[0]?.moodEntryId).toBeNull();
  });
});

describeEachDatabase('personality insights repository', (getDb) => {
  it('GIVEN two insights THEN the latest is found and both are listed newest first', async () => {
    const { db } = getDb();
    const user = await newUser(db);
    await insertPersonalityInsight(db, {
      userId: user.id,
      musicDna: 'old',
      generatedAt: new Date('2026-01-01'),
    });
    await insertPersonalityInsight(db, {
      userId: user.id,
      musicDna: 'Bright, rhythmic, curious',
      energyLevel: 0.7,
      positivityLevel: 0.6,
      aiSuggestion: 'Take a walk with your favourite upbeat album.',
      generatedAt: new Date('2026-02-01'),
    });
    const latest = await findLatestInsight(db, user.id);
    expect(latest?.musicDna).toBe('Bright, rhythmic, curious');
    expect(latest?.energyLevel).toBeCloseTo(0.7);
    expect((await listInsights(db, user.id)).map((i) => i.musicDna)).toEqual([
      'Bright, rhythmic, curious',
      'old',
    ]);
  });

  it('GIVEN a user without insights THEN none is found', async () => {
    const user = await newUser(getDb().db);
    expect(await findLatestInsight(getDb().db, user.id)).toBeUndefined();
  });
});

describeEachDatabase('recording a share', (getDb) => {
  it('GIVEN a known analysis WHEN a user shares it THEN a row with every column is stored for them', async () => {
    const { db } = getDb();
    const user = await newUser(db);
    const { recordShare } = await import('../../../src/db/repositories/music-analysis.js');
    const row = await recordShare(db, { userId: user.id, ...track('shared-fast') });
    expect(row).toMatchObject({ userId: user.id, ...track('shared-fast') });
    const [stored] = await listUserAnalyses(db, user.id);
    expect(stored).toEqual(row);
  });

  it('GIVEN no features and a NUL in the name THEN nulls are stored, and the NUL is a UserError', async () => {
    const { db } = getDb();
    const user = await newUser(db);
    const { recordShare } = await import('../../../src/db/repositories/music-analysis.js');
    const bare = await recordShare(db, {
      userId: user.id,
      spotifyTrackId: 'x',
      trackName: 'n',
      artistName: 'a',
    });
    expect([bare.audioFeatures, bare.predictedMood, bare.moodConfidence, bare.albumImage]).toEqual([
      null,
      null,
      null,
      null,
    ]);
    await expect(
      recordShare(db, { userId: user.id, spotifyTrackId: 'x', trackName: '\u0000', artistName: 'a' }),
    ).rejects.toBeInstanceOf(UserError);
  });
});
