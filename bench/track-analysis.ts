/**
 * bench/track-analysis: sharing a track that was analysed before (the cached path: memory, then one
 * INSERT for the share) beside sharing a new one (metadata, audio features and the model over loopback
 * fakes, then the INSERT), on real PostgreSQL, in one run. The floor is the one write a share cannot do
 * without: the same row INSERTed with pg directly, on a pool of the same size, at the same concurrency,
 * in rounds alternating with the cached path's. Target: cached p99 at most 1.5x the floor's p99 (and no
 * outbound request); the absolute figure is printed beside it.
 */
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { systemClock } from '../src/core/clock.js';
import { silentLogger } from '../src/core/logger.js';
import { createUser } from '../src/db/repositories/users.js';
import { buildTrackAnalysis } from '../src/services/music/build-track-analysis.js';
import { FakeReccoBeats } from '../test/fakes/reccobeats/fake-reccobeats.js';
import { defaultFakeTrack, startFakeSpotify } from '../test/fakes/spotify/fake-spotify.js';
import {
  applyProductRuntime,
  type BenchFigure,
  benchServerUrl,
  freshDatabase,
  measure,
  openBenchDatabase,
  pooledStats,
  type RunStats,
  table,
} from './support.js';

const TRACKS = 400;
const CONCURRENCY = 4;
/**
 * Cached and floor rounds, alternated so drift on the machine hits both; each side's rounds are pooled
 * (2,000 shares, so a p99 is not the 4 slowest of one round).
 */
const ROUNDS = 5;
const POOL_SIZE = 10;
/** The cached path's p99 may be this much above the floor's. */
const TARGET_RATIO = 1.5;
const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const trackId = () => Array.from(randomBytes(22), (b) => BASE62[b % 62]).join('');

export async function runTrackAnalysis(): Promise<{ figures: BenchFigure[]; report: string }> {
  applyProductRuntime();
  const fresh = await freshDatabase(benchServerUrl(), 'moodscale_bench_tracks');
  const database = openBenchDatabase(fresh.url, { maxConnections: POOL_SIZE });
  const raw = new pg.Pool({ connectionString: fresh.url, max: POOL_SIZE });
  raw.on('error', () => undefined);
  const spotify = await startFakeSpotify();
  const recco = await new FakeReccoBeats().start();
  try {
    await database.migrate();
    const ids = Array.from({ length: TRACKS }, trackId);
    for (const [i, id] of ids.entries()) {
      spotify.addTrack(id, { ...defaultFakeTrack, name: `Track ${i}` });
      recco.addTrack(id, { valence: (i % 10) / 10, energy: ((i * 7) % 10) / 10, tempo: 90 + (i % 60) });
    }
    const tracks = buildTrackAnalysis({
      db: database.db,
      clock: systemClock,
      logger: silentLogger(),
      settings: {
        music: {
          spotify: undefined,
          spotifyApiUrl: spotify.url,
          spotifyAccountsUrl: spotify.url,
          oembedUrl: spotify.oembedUrl,
          reccoBeatsUrl: recco.url,
          redirectUri: undefined,
        },
        ai: undefined,
        allowLoopbackForTests: true,
      },
    });
    const user = await createUser(database.db, 'bench-sharer');
    const perWorker = TRACKS / CONCURRENCY;
    const share = (worker: number, i: number) =>
      tracks.share(user.id, { kind: 'track', id: ids[worker * perWorker + i]! });
    const outboundBefore = spotify.requests.length + recco.requests.length;
    const uncached = await measure(CONCURRENCY, perWorker, share);
    const outboundUncached = spotify.requests.length + recco.requests.length - outboundBefore;
    // What a minimal bot that already knows the track would still do: store the share.
    const floorInsert = (worker: number, i: number) =>
      raw.query(
        `INSERT INTO music_analysis (user_id, spotify_track_id, track_name, artist_name, album_image,
                                     audio_features, predicted_mood, mood_confidence)
         VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8)`,
        [
          user.id,
          ids[worker * perWorker + i],
          `Track ${worker * perWorker + i}`,
          defaultFakeTrack.artists[0] ?? 'artist',
          null,
          JSON.stringify({ valence: 0.5, energy: 0.5, tempo: 120, moodSource: 'audio-features' }),
          'calm',
          0.8,
        ],
      );
    // Warm both sides (the JIT, each pool connection, the heap the uncached round left) before timing.
    await measure(CONCURRENCY, perWorker, floorInsert);
    await measure(CONCURRENCY, perWorker, share);
    const cachedRuns: RunStats[] = [];
    const floorRuns: RunStats[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      floorRuns.push(await measure(CONCURRENCY, perWorker, floorInsert));
      cachedRuns.push(await measure(CONCURRENCY, perWorker, share));
    }
    const outboundCached =
      spotify.requests.length + recco.requests.length - outboundBefore - outboundUncached;
    const cached = pooledStats(cachedRuns);
    const floor = pooledStats(floorRuns);
    const ratio = cached.p99 / floor.p99;
    const fmt = (n: number) => n.toFixed(2);
    const report = [
      `bench/track-analysis: ${TRACKS} shares a round, ${CONCURRENCY} at a time, PostgreSQL, loopback fakes for Spotify and ReccoBeats; cached and floor: ${ROUNDS} alternating rounds, pooled`,
      table(
        ['path', 'shares', 'outbound requests', 'p50 ms', 'p95 ms', 'p99 ms'],
        [
          [
            'pg INSERT of the share (floor)',
            String(floor.operations),
            '0',
            fmt(floor.p50),
            fmt(floor.p95),
            fmt(floor.p99),
          ],
          [
            'uncached (new tracks, baseline)',
            String(uncached.operations),
            String(outboundUncached),
            fmt(uncached.p50),
            fmt(uncached.p95),
            fmt(uncached.p99),
          ],
          [
            'cached (analysed before)',
            String(cached.operations),
            String(outboundCached),
            fmt(cached.p50),
            fmt(cached.p95),
            fmt(cached.p99),
          ],
        ],
      ),
      `cached p99 ${fmt(ratio)}x the floor's (target <= ${TARGET_RATIO}x); rounds' cached p99: ${cachedRuns.map((r) => fmt(r.p99)).join(', ')} ms; floor: ${floorRuns.map((r) => fmt(r.p99)).join(', ')} ms`,
    ].join('\n');
    return {
      report,
      figures: [
        {
          bench: 'track-analysis',
          figure: 'cached share p99 vs a bare INSERT',
          value: `${fmt(cached.p99)} ms (${fmt(ratio)}x)`,
          target: `<= ${TARGET_RATIO}x, 0 outbound`,
          baseline: `${fmt(floor.p99)} ms INSERT; ${fmt(uncached.p99)} ms uncached`,
          pass: ratio <= TARGET_RATIO && outboundCached === 0,
        },
      ],
    };
  } finally {
    await database.close();
    await raw.end();
    await Promise.all([spotify.close(), recco.close()]);
    await fresh.drop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { report, figures } = await runTrackAnalysis();
  console.log(report);
  process.exitCode = figures.every((f) => f.pass) ? 0 : 1;
}
