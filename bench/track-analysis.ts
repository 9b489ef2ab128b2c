/**
 * bench/track-analysis: sharing a track that was analysed before (the cached path: memory, then one
 * INSERT for the share) beside sharing a new one (metadata, audio features and the model over loopback
 * fakes, then the INSERT), on real PostgreSQL, in one run. Target: cached p99 under 5 ms.
 */
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
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
  table,
} from './support.js';

const TRACKS = 400;
const CONCURRENCY = 4;
const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const trackId = () => Array.from(randomBytes(22), (b) => BASE62[b % 62]).join('');

export async function runTrackAnalysis(): Promise<{ figures: BenchFigure[]; report: string }> {
  applyProductRuntime();
  const fresh = await freshDatabase(benchServerUrl(), 'moodscale_bench_tracks');
  const database = openBenchDatabase(fresh.url, { maxConnections: 10 });
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
    const cached = await measure(CONCURRENCY, perWorker, share);
    const outboundCached =
      spotify.requests.length + recco.requests.length - outboundBefore - outboundUncached;
    const fmt = (n: number) => n.toFixed(2);
    const report = [
      `bench/track-analysis: ${TRACKS} shares each, ${CONCURRENCY} at a time, PostgreSQL, loopback fakes for Spotify and ReccoBeats`,
      table(
        ['path', 'shares', 'outbound requests', 'p50 ms', 'p95 ms', 'p99 ms'],
        [
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
    ].join('\n');
    return {
      report,
      figures: [
        {
          bench: 'track-analysis',
          figure: 'cached share p99',
          value: `${fmt(cached.p99)} ms`,
          target: '< 5 ms',
          baseline: `${fmt(uncached.p99)} ms uncached`,
          pass: cached.p99 < 5 && outboundCached === 0,
        },
      ],
    };
  } finally {
    await database.close();
    await Promise.all([spotify.close(), recco.close()]);
    await fresh.drop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { report, figures } = await runTrackAnalysis();
  console.log(report);
  process.exitCode = figures.every((f) => f.pass) ? 0 : 1;
}
