import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSpotifyAudioFeatures } from '../../../src/integrations/audio-features/spotify-features.js';
import { captureLogger } from './log-capture.js';

interface Answer {
  status: number;
  body?: unknown;
}

/** A minimal Spotify Web API stand-in for GET /v1/audio-features/{id}. */
let server: Server;
let apiUrl: string;
let answers: Answer[];
let requests: { path: string; auth: string | undefined }[];

beforeEach(async () => {
  answers = [];
  requests = [];
  server = createServer((req, res) => {
    requests.push({ path: req.url ?? '', auth: req.headers.authorization });
    const answer = answers.shift() ?? { status: 500 };
    res.writeHead(answer.status, answer.body === undefined ? {} : { 'content-type': 'application/json' });
    res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function provider() {
  const { logger, lines } = captureLogger();
  const p = createSpotifyAudioFeatures({ getToken: async () => 'tok', apiUrl, timeoutMs: 1000, logger });
  return { p, lines };
}

const spotifyFeatures = {
  danceability: 0.7,
  energy: 0.8,
  key: 5,
  loudness: -5.2,
  mode: 1,
  speechiness: 0.05,
  acousticness: 0.1,
  instrumentalness: 0,
  liveness: 0.1,
  valence: 0.9,
  tempo: 120.5,
  type: 'audio_features',
  id: '4uLU6hMCjMI75M1A2tKUQC',
  uri: 'spotify:track:4uLU6hMCjMI75M1A2tKUQC',
  duration_ms: 200000,
  time_signature: 4,
};

describe('Spotify audio features', () => {
  it('GIVEN Spotify answers THEN the features come back with source spotify and the bearer token', async () => {
    const { p } = provider();
    answers.push({ status: 200, body: spotifyFeatures });
    const f = await p.features('4uLU6hMCjMI75M1A2tKUQC');
    expect(f).toMatchObject({ valence: 0.9, energy: 0.8, mode: 1, tempo: 120.5, source: 'spotify' });
    expect(f).not.toHaveProperty('uri');
    expect(requests[0]).toEqual({ path: '/v1/audio-features/4uLU6hMCjMI75M1A2tKUQC', auth: 'Bearer tok' });
  });

  it('GIVEN a 403 THEN it is remembered: the second call makes no request and the reason is logged once', async () => {
    const { p, lines } = provider();
    answers.push({ status: 403, body: { error: { status: 403, message: 'Forbidden' } } });
    expect(await p.features('4uLU6hMCjMI75M1A2tKUQC')).toBeUndefined();
    expect(await p.features('0VjIjW4GlUZAMYd2vXMi3b')).toBeUndefined();
    expect(requests).toHaveLength(1);
    expect(p.refused).toBe(true);
    const info = lines.filter((l) => l.level === 30);
    expect(info).toHaveLength(1);
    expect(info[0]?.msg).toMatch(/November 2024/);
  });

  it('GIVEN a 404 without Spotify error body (endpoint gone) THEN it is remembered too', async () => {
    const { p } = provider();
    answers.push({ status: 404 });
    expect(await p.features('4uLU6hMCjMI75M1A2tKUQC')).toBeUndefined();
    expect(await p.features('4uLU6hMCjMI75M1A2tKUQC')).toBeUndefined();
    expect(requests).toHaveLength(1);
  });

  it('GIVEN a 404 with Spotify error body (unknown track) THEN only that track is missing', async () => {
    const { p } = provider();
    answers.push({ status: 404, body: { error: { status: 404, message: 'analysis not found' } } });
    answers.push({ status: 200, body: spotifyFeatures });
    expect(await p.features('4uLU6hMCjMI75M1A2tKUQC')).toBeUndefined();
    expect(await p.features('0VjIjW4GlUZAMYd2vXMi3b')).toMatchObject({ source: 'spotify' });
    expect(p.refused).toBe(false);
  });

  it('GIVEN a 500, a malformed answer or a failing token THEN undefined and no throw', async () => {
    const { logger } = captureLogger();
    answers.push({ status: 500 }, { status: 200, body: { valence: 'high' } });
    const p = createSpotifyAudioFeatures({ getToken: async () => 'tok', apiUrl, timeoutMs: 1000, logger });
    expect(await p.features('4uLU6hMCjMI75M1A2tKUQC')).toBeUndefined();
    expect(await p.features('4uLU6hMCjMI75M1A2tKUQC')).toBeUndefined();
    const broken = createSpotifyAudioFeatures({
      getToken: async () => {
        throw new Error('accounts down');
      },
      apiUrl,
      timeoutMs: 1000,
      logger,
    });
    expect(await broken.features('4uLU6hMCjMI75M1A2tKUQC')).toBeUndefined();
    expect(p.refused).toBe(false);
  });

  it('GIVEN an id that is not base62 THEN nothing is requested', async () => {
    const { p } = provider();
    expect(await p.features('../../me')).toBeUndefined();
    expect(requests).toHaveLength(0);
  });
});
