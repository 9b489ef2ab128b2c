import { afterAll, beforeAll, expect, it } from 'vitest';
import { listUserAnalyses } from '../../../src/db/repositories/music-analysis.js';
import type { MusicSettings } from '../../../src/services/music/build-track-analysis.js';
import { FakeOpenAi } from '../../fakes/openai/fake-openai.js';
import { FakeReccoBeats } from '../../fakes/reccobeats/fake-reccobeats.js';
import { defaultFakeTrack, type FakeSpotify, startFakeSpotify } from '../../fakes/spotify/fake-spotify.js';
import { createAppHarness, newAccount, textOf, userOf } from '../../support/app-harness.js';
import { describeEachDatabase } from '../../support/test-database.js';

const BRIGHT = '4uLU6hMCjMI75M1A2tKUQC';
const QUIET = '7qiZfU4dY1lWllzX7mPBI3';
const SILENT = '0VjIjW4GlUZAMYd2vXMi3b';
const brightFeatures = {
  valence: 0.9,
  energy: 0.8,
  danceability: 0.8,
  acousticness: 0.1,
  tempo: 128,
  mode: 1,
};

let spotify: FakeSpotify;
let recco: FakeReccoBeats;
let openai: FakeOpenAi;

beforeAll(async () => {
  spotify = await startFakeSpotify();
  recco = await new FakeReccoBeats().start();
  openai = await new FakeOpenAi().start();
  for (const id of [BRIGHT, QUIET, SILENT])
    spotify.addTrack(id, { ...defaultFakeTrack, name: `Song ${id.slice(0, 4)}` });
  recco
    .addTrack(BRIGHT, brightFeatures)
    .addTrack(QUIET, { valence: 0.3, energy: 0.2, acousticness: 0.9, mode: 0 });
  spotify.addRedirect('/s/short1', `https://open.spotify.com/track/${BRIGHT}`);
});

afterAll(async () => {
  await Promise.all([spotify?.close(), recco?.close(), openai?.close()]);
});

const settings = (withAi: boolean): MusicSettings => ({
  music: {
    spotify: undefined,
    spotifyApiUrl: spotify.url,
    spotifyAccountsUrl: spotify.url,
    oembedUrl: spotify.oembedUrl,
    reccoBeatsUrl: recco.url,
    redirectUri: undefined,
  },
  ai: withAi ? { apiKey: 'test-key', baseUrl: openai.baseURL, model: 'test-model' } : undefined,
  timeoutMs: 1500,
  allowLoopbackForTests: true,
  shortLinkHosts: [spotify.host],
});

const outbound = () => spotify.requests.length + recco.requests.length + openai.requests.length;

describeEachDatabase('sharing a Spotify track', (getDb) => {
  it('GIVEN a new track and no keys THEN oEmbed and ReccoBeats feed the local model and a card answers', async () => {
    const app = createAppHarness(getDb().db, { music: settings(false) });
    const who = newAccount();
    const result = await app.run(`/share https://open.spotify.com/intl-de/track/${BRIGHT}?si=abc`, who);
    expect(result.reply.visibility).toBe('public');
    expect(textOf(result)).toMatch(/Song 4uLU — Unknown artist/);
    expect(textOf(result)).toMatch(/Mood: happy \(\d+% sure, from its audio features\)/);
    expect(textOf(result)).toMatch(/Energy: ████████░░ 0\.80/);
    const [row] = await listUserAnalyses(app.db, userOf(result));
    expect(row).toMatchObject({
      spotifyTrackId: BRIGHT,
      trackName: 'Song 4uLU',
      artistName: 'Unknown artist',
      predictedMood: 'happy',
      audioFeatures: { valence: 0.9, energy: 0.8, source: 'reccobeats', moodSource: 'audio-features' },
    });
    expect(row?.albumImage).toMatch(/^https:\/\//);
    expect(row?.moodConfidence).toBeGreaterThan(0.3);
  });

  it('GIVEN a track analysed before WHEN another user shares it THEN no outbound request is made and their share is stored', async () => {
    const first = createAppHarness(getDb().db, { music: settings(false) });
    await first.run(`/share https://open.spotify.com/track/${QUIET}`, newAccount());
    // A second instance (empty memory) finds the analysis in the database.
    const second = createAppHarness(getDb().db, { music: settings(false) });
    const before = outbound();
    const again = await second.run(`/share spotify:track:${QUIET}`, newAccount());
    const thrice = await second.run(`/share https://open.spotify.com/track/${QUIET}`, newAccount());
    expect(outbound()).toBe(before);
    expect(textOf(again)).toMatch(/Song 7qiZ/);
    expect(await listUserAnalyses(second.db, userOf(thrice))).toHaveLength(1);
  });

  it('GIVEN a track without audio features THEN the mood is an honest unknown with low confidence', async () => {
    const app = createAppHarness(getDb().db, { music: settings(false) });
    const result = await app.run(`/share https://open.spotify.com/track/${SILENT}`, newAccount());
    expect(textOf(result)).toMatch(/Mood: unknown \(no audio features were available/);
    const [row] = await listUserAnalyses(app.db, userOf(result));
    expect(row?.predictedMood).toBe('unknown');
    expect(row?.moodConfidence).toBeLessThanOrEqual(0.2);
  });

  it('GIVEN a short link THEN it is followed (to allowed hosts only) to the track', async () => {
    const app = createAppHarness(getDb().db, { music: settings(false) });
    const userId = userOf(await app.run('/help', newAccount()));
    const shared = await app.services.tracks.share(userId, { kind: 'short', url: `${spotify.url}/s/short1` });
    expect(shared).toMatchObject({ kind: 'track', analysis: { spotifyTrackId: BRIGHT } });
    expect(
      await app.services.tracks.share(userId, { kind: 'short', url: `${spotify.url}/s/missing` }),
    ).toEqual({
      kind: 'unresolved',
    });
  });

  it('GIVEN an album, a non-Spotify link or a lookalike host THEN a friendly answer and no request', async () => {
    const app = createAppHarness(getDb().db, { music: settings(false) });
    const before = outbound();
    expect(
      textOf(await app.run('/share https://open.spotify.com/album/4aawyAB9vmqN3uQ7FjRGTy', newAccount())),
    ).toMatch(/an album/);
    expect(
      textOf(await app.run(`/share https://open.spotify.com.evil.com/track/${BRIGHT}`, newAccount())),
    ).toMatch(/not a Spotify track link/);
    expect(
      textOf(await app.run(`/share https://open.spotify.com@evil.com/track/${BRIGHT}`, newAccount())),
    ).toMatch(/not a Spotify track link/);
    expect(outbound()).toBe(before);
  });

  it('GIVEN "/share not a link" THEN the answer says it is not a Spotify track link and shows the form, and nothing is fetched', async () => {
    const app = createAppHarness(getDb().db, { music: settings(false) });
    const before = outbound();

    const result = await app.run('/share not a link', newAccount());

    expect(result.outcome).toBe('user_error');
    expect(textOf(result)).toBe(
      'That is not a Spotify track link. Share one in this form: `/share https://open.spotify.com/track/…` ' +
        '(in Spotify: Share → Copy song link).',
    );
    expect(outbound()).toBe(before);
  });

  it('GIVEN a track link followed by words THEN the track is analysed', async () => {
    const app = createAppHarness(getDb().db, { music: settings(false) });

    const result = await app.run(`/share https://open.spotify.com/track/${BRIGHT} what a song`, newAccount());

    expect(result.outcome).toBe('ok');
    expect(textOf(result)).toMatch(/Song 4uLU — Unknown artist/);
  });

  it('GIVEN the metadata service failing THEN the answer says so and nothing is stored', async () => {
    const app = createAppHarness(getDb().db, { music: settings(false) });
    spotify.fail('oembed', { status: 500 }, 1);
    const fresh = '1a2B3c4D5e6F7g8H9i0JkL';
    spotify.addTrack(fresh, defaultFakeTrack);
    const result = await app.run(`/share https://open.spotify.com/track/${fresh}`, newAccount());
    expect(textOf(result)).toMatch(/not answering right now/);
    expect(await listUserAnalyses(app.db, userOf(result))).toEqual([]);
  });

  it('GIVEN a language model THEN it refines the mood and the source says so; WHEN it fails THEN the local model answers', async () => {
    const app = createAppHarness(getDb().db, { music: settings(true) });
    const a = '2a2B3c4D5e6F7g8H9i0JkL';
    const b = '3a2B3c4D5e6F7g8H9i0JkL';
    for (const id of [a, b]) {
      spotify.addTrack(id, defaultFakeTrack);
      recco.addTrack(id, brightFeatures);
    }
    openai.reply({ kind: 'ok', answer: { mood: 'energetic', confidence: 0.7, reason: 'Driving beat.' } });
    expect(textOf(await app.run(`/share https://open.spotify.com/track/${a}`, newAccount()))).toMatch(
      /Mood: energetic \(70% sure, by the language model\)/,
    );
    // One attempt (no retry: a user is waiting), so one failure is enough.
    openai.reply({ kind: 'server-error' });
    expect(textOf(await app.run(`/share https://open.spotify.com/track/${b}`, newAccount()))).toMatch(
      /from its audio features/,
    );
  });

  it('GIVEN two users sharing one new track at once THEN it is analysed once and both shares are stored', async () => {
    const app = createAppHarness(getDb().db, { music: settings(false) });
    const id = '4a2B3c4D5e6F7g8H9i0JkL';
    spotify.addTrack(id, defaultFakeTrack);
    const before = spotify.requestsTo('oembed').length;
    const results = await Promise.all(
      [newAccount(), newAccount()].map((who) => app.run(`/share https://open.spotify.com/track/${id}`, who)),
    );
    expect(spotify.requestsTo('oembed').length - before).toBe(1);
    expect(results.every((r) => r.outcome === 'ok')).toBe(true);
  });
});
