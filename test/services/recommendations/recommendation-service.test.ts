import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../../src/core/errors.js';
import { listRecommendations } from '../../../src/db/repositories/recommendations.js';
import { goalTarget, moodPoint } from '../../../src/services/recommendations/rank-local.js';
import { FakeOpenAi, type FakeOpenAiReply } from '../../fakes/openai/fake-openai.js';
import { type FakeSpotify, startFakeSpotify } from '../../fakes/spotify/fake-spotify.js';
import { type AppHarness, createAppHarness, newAccount, userFor } from '../../support/app-harness.js';
import { insertMoodEntry } from '../../support/mood-entries.js';
import { describeEachDatabase } from '../../support/test-database.js';
import {
  allSeeded,
  musicSettings,
  type SeededName,
  seededTracks,
  shareTracks,
  trackId,
  userMessageOf,
} from './music-fixtures.js';

let openai: FakeOpenAi;
let spotify: FakeSpotify;

beforeAll(async () => {
  openai = await new FakeOpenAi().start();
  spotify = await startFakeSpotify();
  spotify.addTrack(trackId('RealOnSpotify'), {
    name: 'Real On Spotify',
    artists: ['Search Artist'],
    images: [{ url: 'https://i.scdn.co/image/real', width: 640, height: 640 }],
  });
});

afterAll(async () => {
  await Promise.all([openai?.close(), spotify?.close()]);
});

const suggestion = (track: string, artist: string, matchScore = 0.9) => ({
  track,
  artist,
  reason: 'Warm guitars and an easy groove that fit the moment.',
  matchScore,
});

const idsOf = (items: { spotifyTrackId: string }[]) => items.map((i) => i.spotifyTrackId);
const seededIds = new Set(allSeeded.map(trackId));

describeEachDatabase('recommendations from the latest mood', (getDb) => {
  let local: AppHarness;
  beforeAll(async () => {
    local = createAppHarness(getDb().db, { music: musicSettings({}) });
    // The catalogue: tracks someone else analysed.
    await shareTracks(local.db, await userFor(local, newAccount('seeder')), allSeeded);
  });

  /** A user who logged `score` with `emotions` and shared one track. */
  async function userWithMood(
    app: AppHarness,
    score: number,
    emotions: string[],
    shared: SeededName = 'Middle',
  ) {
    const userId = await userFor(app, newAccount());
    await shareTracks(app.db, userId, [shared]);
    await insertMoodEntry(app.db, { userId, moodScore: score, emotions });
    return userId;
  }

  it.each([
    ['match', 9, ['excited'], 'HappyLoud'],
    ['match', 2, ['sad'], 'SadSlow'],
    ['calm', 3, ['anxious'], 'CalmWarm'],
    ['focus', 6, [], 'FocusSteady'],
  ] as const)(
    'GIVEN goal %s after a %s with %j THEN %s comes first, stored with the entry, reason and score',
    async (goal, score, emotions, first) => {
      const userId = await userWithMood(local, score, [...emotions]);
      const result = await local.services.recommendations.recommend({ userId, goal, limit: 3 });
      expect(result.source).toBe('local');
      expect(result.items[0]?.spotifyTrackId).toBe(trackId(first));
      const stored = await listRecommendations(local.db, userId);
      expect(stored).toHaveLength(3);
      for (const row of stored) {
        expect(row.moodEntryId).toBe(result.moodEntry.id);
        expect(row.reason).toMatch(/\w/);
        expect(row.matchScore).toBeGreaterThanOrEqual(0);
        expect(row.matchScore).toBeLessThanOrEqual(1);
      }
    },
  );

  it('GIVEN a match THEN the reason names how the track sounds and when the user felt that way', async () => {
    const userId = await userWithMood(local, 9, ['happy']);
    const result = await local.services.recommendations.recommend({ userId, goal: 'match', limit: 1 });
    expect(result.items[0]?.reason).toBe('bright and upbeat, close to how you felt today');
  });

  it('GIVEN a low mood WHEN lifting THEN the list is a path: from near the mood, each step closer to the target', async () => {
    const userId = await userWithMood(local, 2, ['sad'], 'SadSlow');
    const result = await local.services.recommendations.recommend({ userId, goal: 'lift', limit: 4 });
    const names = result.items.map((i) => allSeeded.find((n) => trackId(n) === i.spotifyTrackId)!);
    const target = goalTarget('lift', moodPoint(2, ['sad']));
    const toTarget = names.map((n) =>
      Math.hypot(seededTracks[n].valence - target.valence, seededTracks[n].energy - target.energy),
    );
    expect(names[0]).toBe('SadSlow');
    for (let i = 1; i < toTarget.length; i++) expect(toTarget[i]).toBeLessThanOrEqual(toTarget[i - 1]!);
    expect(seededTracks[names.at(-1)!].valence).toBeGreaterThanOrEqual(0.8);
  });

  it('GIVEN a second request THEN tracks just recommended are left out while the catalogue has others', async () => {
    const userId = await userWithMood(local, 9, ['excited']);
    const first = await local.services.recommendations.recommend({ userId, goal: 'match', limit: 3 });
    const second = await local.services.recommendations.recommend({ userId, goal: 'match', limit: 3 });
    expect(idsOf(second.items).some((id) => idsOf(first.items).includes(id))).toBe(false);
  });

  it('GIVEN no mood entry yet THEN a UserError says to log one first', async () => {
    const userId = await userFor(local, newAccount());
    await shareTracks(local.db, userId, ['Middle']);
    await expect(local.services.recommendations.recommend({ userId, goal: 'match' })).rejects.toThrow(
      /\/mood/,
    );
  });

  it('GIVEN a mood but no analysed music THEN a UserError says to share a Spotify link with /share first', async () => {
    const userId = await userFor(local, newAccount());
    await insertMoodEntry(local.db, { userId, moodScore: 5 });
    const attempt = local.services.recommendations.recommend({ userId, goal: 'match' });
    await expect(attempt).rejects.toBeInstanceOf(UserError);
    await expect(attempt).rejects.toThrow(/share a Spotify link with `\/share` first/);
    expect(await listRecommendations(local.db, userId)).toEqual([]);
  });

  describe('with the language model', () => {
    it('GIVEN suggestions that resolve in the catalogue and one that does not THEN only real tracks are kept, the rest filled locally', async () => {
      const app = createAppHarness(getDb().db, { music: musicSettings({ openai }) });
      const userId = await userWithMood(app, 8, ['happy']);
      openai.reply({
        kind: 'ok',
        answer: {
          suggestions: [
            suggestion('Song HappyLoud', 'Artist HappyLoud', 0.95),
            suggestion('Imaginary Song', 'Nobody At All', 0.99),
            suggestion('song brightmid', ' ARTIST BRIGHTMID ', 0.8),
          ],
        },
      });
      const before = openai.requests.length;
      const result = await app.services.recommendations.recommend({ userId, goal: 'match', limit: 3 });
      expect(openai.requests.length).toBe(before + 1);
      expect(result.source).toBe('mixed');
      expect(idsOf(result.items).slice(0, 2)).toEqual([trackId('HappyLoud'), trackId('BrightMid')]);
      expect(result.items[0]).toMatchObject({
        reason: 'Warm guitars and an easy groove that fit the moment.',
        matchScore: 0.95,
        trackName: 'Song HappyLoud',
      });
      expect(result.items).toHaveLength(3);
      for (const id of idsOf(await listRecommendations(app.db, userId))) expect(seededIds.has(id)).toBe(true);
      expect(result.items.some((i) => i.trackName === 'Imaginary Song')).toBe(false);
    });

    it('GIVEN the Web API is configured THEN suggestions resolve through Spotify search to real ids, and unknown ones are dropped', async () => {
      const app = createAppHarness(getDb().db, { music: musicSettings({ openai, spotify, search: true }) });
      const userId = await userWithMood(app, 8, ['happy']);
      openai.reply({
        kind: 'ok',
        answer: {
          suggestions: [
            suggestion('Real On Spotify', 'Search Artist'),
            suggestion('Made Up Tune', 'Invented Band'),
          ],
        },
      });
      const searches = spotify.requestsTo('search').length;
      const result = await app.services.recommendations.recommend({ userId, goal: 'match', limit: 2 });
      expect(spotify.requestsTo('search').length).toBe(searches + 2);
      expect(result.items[0]).toMatchObject({
        spotifyTrackId: trackId('RealOnSpotify'),
        trackName: 'Real On Spotify',
        artistName: 'Search Artist',
        albumImage: 'https://i.scdn.co/image/real',
      });
      expect(result.items.some((i) => /Made Up/.test(i.trackName))).toBe(false);
      expect(seededIds.has(result.items[1]!.spotifyTrackId)).toBe(true);
    });

    it('GIVEN a model reason with medical advice THEN the reason is replaced with a plain one', async () => {
      const app = createAppHarness(getDb().db, { music: musicSettings({ openai }) });
      const userId = await userWithMood(app, 3, ['sad']);
      openai.reply({
        kind: 'ok',
        answer: {
          suggestions: [
            {
              ...suggestion('Song SadSlow', 'Artist SadSlow'),
              reason: 'This song will treat your depression.',
            },
          ],
        },
      });
      const result = await app.services.recommendations.recommend({ userId, goal: 'match', limit: 1 });
      expect(result.items[0]?.spotifyTrackId).toBe(trackId('SadSlow'));
      expect(result.items[0]?.reason).toBe('picked for how you felt today');
    });

    it('GIVEN a mood THEN the model gets the score and tags, never the note', async () => {
      const app = createAppHarness(getDb().db, { music: musicSettings({ openai }) });
      const userId = await userFor(app, newAccount());
      await shareTracks(app.db, userId, ['Middle']);
      await insertMoodEntry(app.db, {
        userId,
        moodScore: 4,
        emotions: ['tired'],
        notes: 'private words here',
      });
      openai.reply({ kind: 'ok', answer: { suggestions: [] } });
      const before = openai.requests.length;
      const result = await app.services.recommendations.recommend({ userId, goal: 'lift', limit: 3 });
      const sent = userMessageOf(openai.requests[before]!.body);
      expect(JSON.parse(sent)).toMatchObject({ mood: { score: 4, emotions: ['tired'] }, count: 3 });
      expect(sent).not.toContain('private words');
      expect(result.source).toBe('local');
      expect(result.items).toHaveLength(3);
    });

    it.each<[string, FakeOpenAiReply]>([
      ['429', { kind: 'rate-limit' }],
      ['500', { kind: 'server-error', status: 500 }],
      ['a timeout', { kind: 'hang' }],
      ['malformed JSON', { kind: 'malformed' }],
      ['a schema mismatch', { kind: 'ok', answer: { suggestions: [{ track: 'x' }] } }],
      ['a refusal', { kind: 'refusal' }],
    ])('GIVEN the model answers with %s THEN the local ranking still answers', async (_, failure) => {
      const app = createAppHarness(getDb().db, { music: musicSettings({ openai, timeoutMs: 800 }) });
      const userId = await userWithMood(app, 9, ['excited']);
      openai.reply(failure);
      const before = openai.requests.length;
      const result = await app.services.recommendations.recommend({ userId, goal: 'match', limit: 3 });
      expect(openai.requests.length).toBe(before + 1);
      expect(result.source).toBe('local');
      expect(result.items[0]?.spotifyTrackId).toBe(trackId('HappyLoud'));
      expect(await listRecommendations(app.db, userId)).toHaveLength(3);
    });
  });
});
