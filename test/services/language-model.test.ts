import { afterAll, beforeAll, expect, it } from 'vitest';
import { createMetrics, type Metrics } from '../../src/ops/metrics.js';
import type { MusicSettings } from '../../src/services/music/build-track-analysis.js';
import { FakeOpenAi } from '../fakes/openai/fake-openai.js';
import { FakeReccoBeats } from '../fakes/reccobeats/fake-reccobeats.js';
import { defaultFakeTrack, type FakeSpotify, startFakeSpotify } from '../fakes/spotify/fake-spotify.js';
import { type AppHarness, createAppHarness, newAccount, textOf, userOf } from '../support/app-harness.js';
import { describeEachDatabase } from '../support/test-database.js';

// One language model client and one circuit breaker serve track moods, recommendations and insights
// (built once by createServices); these tests drive them through the real services and metrics.

let spotify: FakeSpotify;
let recco: FakeReccoBeats;
let openai: FakeOpenAi;
let nextTrack = 0;

beforeAll(async () => {
  spotify = await startFakeSpotify();
  recco = await new FakeReccoBeats().start();
  openai = await new FakeOpenAi().start();
});

afterAll(async () => {
  await Promise.all([spotify?.close(), recco?.close(), openai?.close()]);
});

/** The services on `db` with the fakes and the language model, its calls counted by `metrics`. */
function harness(db: AppHarness['db'], metrics: Metrics): AppHarness {
  const music: MusicSettings = {
    music: {
      spotify: undefined,
      spotifyApiUrl: spotify.url,
      spotifyAccountsUrl: spotify.url,
      oembedUrl: spotify.oembedUrl,
      reccoBeatsUrl: recco.url,
      redirectUri: undefined,
    },
    ai: { apiKey: 'test-key', baseUrl: openai.baseURL, model: 'test-model' },
    timeoutMs: 1500,
    allowLoopbackForTests: true,
    onModelCall: (call) => metrics.modelCall(call),
  };
  return createAppHarness(db, { music });
}

/** A track nobody shared yet (so its mood goes to the model), with audio features. */
function newTrackUrl(): string {
  nextTrack += 1;
  const id = `7Shared${String(nextTrack).padStart(15, '0')}`;
  spotify.addTrack(id, { ...defaultFakeTrack, name: `Shared song ${nextTrack}` });
  recco.addTrack(id, {
    valence: 0.9,
    energy: 0.8,
    danceability: 0.8,
    acousticness: 0.1,
    tempo: 128,
    mode: 1,
  });
  return `https://open.spotify.com/track/${id}`;
}

/** `moodscale_model_calls_total` for one purpose and outcome, 0 when the series is absent. */
async function modelCalls(metrics: Metrics, purpose: string, outcome: string): Promise<number> {
  const { body } = await metrics.render();
  const line = body
    .split('\n')
    .find((l) => l.startsWith(`moodscale_model_calls_total{outcome="${outcome}",purpose="${purpose}"} `));
  return line ? Number(line.split(' ')[1]) : 0;
}

describeEachDatabase('the language model shared by every use', (getDb) => {
  it('GIVEN track moods failed 3 times in a row THEN recommendations skip the model (one breaker) and answer locally', async () => {
    const metrics = createMetrics();
    const app = harness(getDb().db, metrics);
    const who = newAccount();
    const userId = userOf(await app.run('/mood 6 tired', who));
    openai.reply({ kind: 'server-error' }, { kind: 'server-error' }, { kind: 'server-error' });
    for (let i = 0; i < 3; i++) {
      expect(textOf(await app.run(`/share ${newTrackUrl()}`, who))).toMatch(/from its audio features/);
    }
    expect(await modelCalls(metrics, 'track_mood', 'fallback')).toBe(3);

    const before = openai.requests.length;
    const result = await app.services.recommendations.recommend({ userId, goal: 'match', limit: 3 });
    expect(openai.requests.length).toBe(before);
    expect(result.source).toBe('local');
    expect(await modelCalls(metrics, 'recommendations', 'skipped')).toBe(1);
  });

  it('GIVEN the model answers track moods, recommendations and insights THEN the metrics count each call by purpose', async () => {
    const metrics = createMetrics();
    const app = harness(getDb().db, metrics);
    const who = newAccount();
    const userId = userOf(await app.run('/mood 7 calm', who));
    openai.reply(
      { kind: 'ok', answer: { mood: 'calm', confidence: 0.9, reason: 'Soft and slow.' } },
      {
        kind: 'ok',
        answer: {
          suggestions: [{ track: 'Any Song', artist: 'Any Artist', reason: 'Gentle.', matchScore: 0.8 }],
        },
      },
      {
        kind: 'ok',
        answer: { musicDna: 'Warm, bright songs carried your week.', suggestion: 'Keep one for Sunday.' },
      },
    );
    expect(textOf(await app.run(`/share ${newTrackUrl()}`, who))).toMatch(/Mood: calm/);
    await app.services.recommendations.recommend({ userId, goal: 'match', limit: 3 });
    const now = Date.now();
    const insight = await app.services.insights.generate({
      userId,
      from: new Date(now - 7 * 24 * 3600_000),
      to: new Date(now + 60_000),
    });
    expect(insight.source).toBe('model');

    for (const purpose of ['track_mood', 'recommendations', 'insights']) {
      expect({ purpose, ok: await modelCalls(metrics, purpose, 'ok') }).toEqual({ purpose, ok: 1 });
    }
  });
});
