import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, startApp } from '../../../src/app.js';
import { loadConfig } from '../../../src/config.js';
import { silentLogger } from '../../../src/core/logger.js';
import { type FakeDiscord, startFakeDiscord } from '../../fakes/discord/fake-discord.js';
import { chatInputInteraction } from '../../fakes/discord/payloads.js';
import { FakeOpenAi, type FakeOpenAiReply } from '../../fakes/openai/fake-openai.js';
import { FakeReccoBeats } from '../../fakes/reccobeats/fake-reccobeats.js';
import { defaultFakeTrack, type FakeSpotify, startFakeSpotify } from '../../fakes/spotify/fake-spotify.js';
import { messageOf, newDiscordUser, textOfMessage } from '../../platforms/discord/discord-harness.js';
import { tempDir } from '../../support/temp-dir.js';

/** Discord's limit: an interaction must be acknowledged within 3 s; we hold the whole answer to it. */
const DISCORD_LIMIT_MS = 3000;

const faults: Array<{ name: string; reply: FakeOpenAiReply }> = [
  { name: '429 Too Many Requests', reply: { kind: 'rate-limit', retryAfter: '20' } },
  { name: '500 Internal Server Error', reply: { kind: 'server-error', status: 500 } },
  { name: 'no answer (hangs past the timeout)', reply: { kind: 'hang' } },
  { name: 'malformed JSON', reply: { kind: 'malformed', content: '{"mood": "happy", "confid' } },
];

describe('GIVEN MoodScale on Discord with the language model configured', () => {
  let discord: FakeDiscord;
  let spotify: FakeSpotify;
  let recco: FakeReccoBeats;
  let openai: FakeOpenAi;
  let app: App;
  let nextTrack = 0;

  beforeAll(async () => {
    discord = await startFakeDiscord();
    spotify = await startFakeSpotify();
    recco = await new FakeReccoBeats().start();
    openai = await new FakeOpenAi().start();
    const config = loadConfig({
      DATA_DIR: tempDir('moodscale-fault-model-'),
      DISCORD_TOKEN: discord.token,
      DISCORD_APPLICATION_ID: discord.applicationId,
      DISCORD_API_URL: discord.apiUrl,
      SPOTIFY_API_URL: spotify.url,
      SPOTIFY_ACCOUNTS_URL: spotify.url,
      SPOTIFY_OEMBED_URL: spotify.oembedUrl,
      RECCOBEATS_API_URL: recco.url,
      OPENAI_API_KEY: 'test-key',
      OPENAI_BASE_URL: openai.baseURL,
      OPENAI_MODEL: 'test-model',
      PORT: '0',
      OPS_PORT: '0',
      LOG_LEVEL: 'silent',
    });
    app = await startApp(config, silentLogger());
  }, 60_000);

  afterAll(async () => {
    await app?.stop();
    await Promise.all([discord?.close(), spotify?.close(), recco?.close(), openai?.close()]);
  });

  /** A track nobody shared yet (no cached analysis), with bright audio features. */
  function newTrack(): string {
    nextTrack += 1;
    const id = `7Fault${String(nextTrack).padStart(16, '0')}`;
    spotify.addTrack(id, { ...defaultFakeTrack, name: `Fault song ${nextTrack}` });
    recco.addTrack(id, {
      valence: 0.9,
      energy: 0.8,
      danceability: 0.8,
      acousticness: 0.1,
      tempo: 128,
      mode: 1,
    });
    return id;
  }

  /** /share through Discord; resolves with the answer's text and the time from dispatch to the answer. */
  async function share(trackId: string): Promise<{ text: string; ms: number; ackMs: number }> {
    const sent = discord.interact(
      chatInputInteraction(
        discord.applicationId,
        {
          name: 'share',
          options: [{ name: 'url', type: 3, value: `https://open.spotify.com/track/${trackId}` }],
        },
        newDiscordUser(),
      ),
    );
    const ack = await discord.acknowledgement(sent.json.id);
    const edit = await discord.waitForRequest(
      (r) => r.method === 'PATCH' && r.path.includes(sent.json.token),
      10_000,
    );
    return {
      text: textOfMessage(messageOf(edit.body)),
      ms: edit.receivedAt - sent.sentAt,
      ackMs: ack.receivedAt - sent.sentAt,
    };
  }

  for (const fault of faults) {
    it(`WHEN the model answers with ${fault.name} THEN /share answers within 3 s from the local model`, async () => {
      // A good answer first closes the circuit breaker, so the fault below really reaches the model.
      openai.reply({ kind: 'ok', answer: { mood: 'calm', confidence: 0.9, reason: 'Soft.' } });
      expect((await share(newTrack())).text).toMatch(/Mood: calm/);
      const before = openai.requests.length;
      openai.reply(fault.reply);
      const answer = await share(newTrack());
      expect(openai.requests.length).toBe(before + 1);
      expect(answer.text).toMatch(/Mood: happy \(\d+% sure, from its audio features\)/);
      expect(answer.ackMs).toBeLessThan(DISCORD_LIMIT_MS);
      expect(answer.ms).toBeLessThan(DISCORD_LIMIT_MS);
    });
  }

  it('WHEN the model keeps failing THEN the breaker opens, the model is skipped and /share stays fast', async () => {
    openai.defaultReply = { kind: 'hang' };
    for (let i = 0; i < 3; i++) await share(newTrack());
    const before = openai.requests.length;
    const answer = await share(newTrack());
    expect(openai.requests.length).toBe(before);
    expect(answer.text).toMatch(/from its audio features/);
    expect(answer.ms).toBeLessThan(1000);
    const metrics = await (await fetch(`${app.opsUrl}/metrics`)).text();
    // Four faults above, then two hangs open the breaker (three failures in a row) and two shares skip it.
    expect(metrics).toMatch(/^moodscale_model_calls_total\{outcome="fallback",purpose="track_mood"\} 6$/m);
    expect(metrics).toMatch(/^moodscale_model_calls_total\{outcome="skipped",purpose="track_mood"\} 2$/m);
    expect(metrics).toMatch(/^moodscale_model_calls_total\{outcome="ok",purpose="track_mood"\} 4$/m);
  }, 30_000);
});
