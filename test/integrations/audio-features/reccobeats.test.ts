import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createReccoBeats, retryAfterMs } from '../../../src/integrations/audio-features/reccobeats.js';
import { FakeReccoBeats } from '../../fakes/reccobeats/fake-reccobeats.js';
import { captureLogger } from './log-capture.js';

const TRACK = '4uLU6hMCjMI75M1A2tKUQC';
let fake: FakeReccoBeats;
let clock: number;

beforeEach(async () => {
  clock = Date.parse('2026-01-01T12:00:00Z');
  fake = await new FakeReccoBeats().start();
  fake.addTrack(TRACK, {
    valence: 0.31,
    energy: 0.72,
    danceability: 0.5,
    acousticness: 0.02,
    mode: 0,
    tempo: 98,
  });
});

afterEach(async () => {
  await fake.close();
});

function provider(timeoutMs = 1000) {
  const { logger } = captureLogger();
  return createReccoBeats({ apiUrl: fake.url, timeoutMs, logger, now: () => clock });
}

describe('ReccoBeats', () => {
  it('GIVEN a known Spotify track THEN its features come back with source reccobeats', async () => {
    const f = await provider().features(TRACK);
    expect(f).toEqual({
      valence: 0.31,
      energy: 0.72,
      danceability: 0.5,
      acousticness: 0.02,
      mode: 0,
      tempo: 98,
      source: 'reccobeats',
    });
    expect(fake.requests[0]).toMatchObject({ method: 'GET', path: '/v1/audio-features', ids: [TRACK] });
  });

  it('GIVEN a track ReccoBeats has not analysed THEN undefined', async () => {
    expect(await provider().features('0VjIjW4GlUZAMYd2vXMi3b')).toBeUndefined();
  });

  it('GIVEN a 404 THEN undefined', async () => {
    fake.reply({ kind: 'not-found' });
    expect(await provider().features(TRACK)).toBeUndefined();
  });

  it('GIVEN a 429 with Retry-After THEN no request is made until that time has passed', async () => {
    const p = provider();
    fake.reply({ kind: 'rate-limit', retryAfter: '30' });
    expect(await p.features(TRACK)).toBeUndefined();
    expect(p.blockedUntil).toBe(clock + 30_000);

    clock += 29_000;
    expect(await p.features(TRACK)).toBeUndefined();
    expect(fake.requests).toHaveLength(1);

    clock += 1_000;
    expect(await p.features(TRACK)).toMatchObject({ source: 'reccobeats' });
    expect(fake.requests).toHaveLength(2);
  });

  it('GIVEN a 429 with an HTTP-date Retry-After THEN that date is honoured', async () => {
    const p = provider();
    fake.reply({ kind: 'rate-limit', retryAfter: new Date(clock + 120_000).toUTCString() });
    await p.features(TRACK);
    expect(p.blockedUntil).toBe(clock + 120_000);
  });

  it('GIVEN a 429 without Retry-After THEN a default pause of a minute applies', async () => {
    const p = provider();
    fake.reply({ kind: 'rate-limit' });
    await p.features(TRACK);
    expect(p.blockedUntil).toBe(clock + 60_000);
    expect(retryAfterMs('garbage', clock)).toBe(60_000);
    expect(retryAfterMs('999999', clock)).toBe(3_600_000);
  });

  it('GIVEN a 500 THEN undefined, and the next call asks again', async () => {
    const p = provider();
    fake.reply({ kind: 'server-error' });
    expect(await p.features(TRACK)).toBeUndefined();
    expect(await p.features(TRACK)).toMatchObject({ source: 'reccobeats' });
  });

  it('GIVEN ReccoBeats hangs past the timeout THEN undefined within about the timeout', async () => {
    fake.reply({ kind: 'hang' });
    const started = Date.now();
    expect(await provider(150).features(TRACK)).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('GIVEN malformed JSON or a wrong shape THEN undefined', async () => {
    const p = provider();
    fake.reply({ kind: 'malformed' }, { kind: 'wrong-shape' });
    expect(await p.features(TRACK)).toBeUndefined();
    expect(await p.features(TRACK)).toBeUndefined();
  });

  it('GIVEN an id that is not base62 THEN nothing is requested', async () => {
    expect(await provider().features('a,b&c=d')).toBeUndefined();
    expect(fake.requests).toHaveLength(0);
  });
});
