/**
 * bench/digest: computing (not sending) one week's digests for every user, on real PostgreSQL seeded by
 * the project's seeder (`npm run db:seed`): 10,000 users x 90 days (about 900,000 mood entries) with
 * 100,000 analysed tracks, and 20,000 users in a second database. Targets: 10,000 users under 20 s, and
 * 20,000 under 2.2 times the 10,000 figure (the reads go per batch of users, never per user).
 *
 * Measured: everything the digest computes before a message is rendered (the users, mood and music reads
 * per batch of 500, the track catalogue once per run, averages, trend, days, top emotions, the local
 * insight and three recommendations). The chart PNG is measured separately, per digest: at tens of ms
 * each, 10,000 charts cannot fit in 20 s on two cores, and a real run renders them one per DM anyway.
 * Baseline in the same run: the batch reads alone, without computing anything.
 */
import { pathToFileURL } from 'node:url';
import { sql } from 'drizzle-orm';
import { daysOfWeek, previousWeek } from '../src/core/calendar/index.js';
import { systemClock } from '../src/core/clock.js';
import { silentLogger } from '../src/core/logger.js';
import { createFieldCipher } from '../src/crypto/create-field-cipher.js';
import type { Database } from '../src/db/database.js';
import { listDigestUsers, moodsBetween, musicBetween } from '../src/db/repositories/digest-data.js';
import { FIXED_UNTIL } from '../src/db/seed/generate.js';
import { seedDatabase } from '../src/db/seed/insert.js';
import { createChartRenderer } from '../src/services/charts/index.js';
import type { DigestData } from '../src/services/digest/build-digest.js';
import { createDigestRunner } from '../src/services/digest/digest-runner.js';
import {
  applyProductRuntime,
  type BenchFigure,
  benchServerUrl,
  freshDatabase,
  openBenchDatabase,
  percentile,
  printBenchResult,
  table,
} from './support.js';

const WEEK = '2026-W47';
const TRACKS = 100_000;
const DAYS = 90;
const BATCH = 500;
const CHARTS = 40;
const ROUNDS = 3;

/** After a bulk seed: vacuum (visibility map, statistics) and a checkpoint, so no background flush of
 * the seed's writes lands in a measured run. */
async function settle(database: Database): Promise<void> {
  for (const table of ['users', 'user_settings', 'chat_identities', 'mood_entries', 'music_analysis'])
    await database.db.execute(sql.raw(`VACUUM (ANALYZE) ${table}`));
  await database.db.execute(sql.raw('CHECKPOINT')).catch(() => undefined);
}

interface Seeded {
  database: Database;
  drop(): Promise<void>;
  seedSeconds: number;
  moods: number;
}

async function seeded(users: number): Promise<Seeded> {
  const fresh = await freshDatabase(benchServerUrl(), `moodscale_bench_digest_${users}`);
  const database = openBenchDatabase(fresh.url, {
    maxConnections: 4,
    statementTimeoutMs: 120_000,
    slowQueryMs: 60_000,
  });
  await database.migrate();
  const started = performance.now();
  const summary = await seedDatabase(database.db, createFieldCipher({ currentKey: 'd'.repeat(64) }), {
    users,
    days: DAYS,
    until: FIXED_UNTIL, // the data must cover WEEK whatever the day the bench runs
    tracks: TRACKS,
  });
  return {
    database,
    seedSeconds: (performance.now() - started) / 1000,
    moods: summary.counts.mood_entries,
    async drop() {
      await database.close();
      await fresh.drop();
    },
  };
}

interface Timed {
  seconds: number;
  /** CPU time of this Node process (user + system) during the run: the part contention cannot inflate. */
  cpuSeconds: number;
  users: number;
  digests: number;
  kinds: Record<DigestData['kind'], number>;
  recommendations: number;
}

async function computeAll(database: Database): Promise<Timed> {
  const runner = createDigestRunner({
    db: database.db,
    logger: silentLogger(),
    clock: systemClock,
    platforms: [],
    leaseMs: 60_000,
    batchSize: BATCH,
  });
  const kinds = { digest: 0, nudge: 0, empty: 0 };
  let recommendations = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  const result = await runner.preview(WEEK, {
    visit(digest) {
      kinds[digest.kind]++;
      recommendations += digest.recommendations.length;
    },
  });
  const used = process.cpuUsage(cpu);
  return {
    seconds: (performance.now() - started) / 1000,
    cpuSeconds: (used.user + used.system) / 1e6,
    users: result.users,
    digests: result.digests,
    kinds,
    recommendations,
  };
}

/** The batch reads alone (users, moods, music per 500 users), to show how much of the time is I/O. */
async function readsOnly(database: Database): Promise<number> {
  const days = daysOfWeek(WEEK);
  const from = daysOfWeek(previousWeek(WEEK))[0]!;
  const started = performance.now();
  let after = 0;
  for (;;) {
    const users = await listDigestUsers(database.db, after, BATCH);
    if (users.length === 0) break;
    const zoned = { userIds: users.map((u) => u.userId), timeZones: users.map((u) => u.timeZone) };
    await Promise.all([
      moodsBetween(database.db, zoned, from, days[6]!),
      musicBetween(database.db, zoned, days[0]!, days[6]!),
    ]);
    after = users.at(-1)!.userId;
  }
  return (performance.now() - started) / 1000;
}

/** Rendering the chart of real digests, one at a time (as a run does before each DM). */
async function chartTimes(database: Database): Promise<number[]> {
  const runner = createDigestRunner({
    db: database.db,
    logger: silentLogger(),
    clock: systemClock,
    platforms: [],
    leaseMs: 60_000,
  });
  const digests: DigestData[] = [];
  await runner.preview(WEEK, {
    userIds: Array.from({ length: CHARTS * 2 }, (_, i) => i + 1),
    visit(d) {
      if (d.kind === 'digest' && digests.length < CHARTS) digests.push(d);
    },
  });
  const chart = createChartRenderer();
  await chart.render(WEEK, digests[0]!.days); // loads vega and the font once
  const times: number[] = [];
  for (const d of digests) {
    const t = performance.now();
    await chart.render(WEEK, d.days);
    times.push(performance.now() - t);
  }
  return times.sort((a, b) => a - b);
}

export async function runDigest(): Promise<{ figures: BenchFigure[]; report: string }> {
  applyProductRuntime();
  const small = await seeded(10_000);
  let large: Seeded | undefined;
  try {
    large = await seeded(20_000);
    await settle(small.database);
    await settle(large.database);
    // A warm-up pass each (plans, JIT, caches), then rounds that alternate the two sizes, so that other
    // work on the machine falls on both alike; the best round of each counts.
    await computeAll(small.database);
    await computeAll(large.database);
    const tens: Timed[] = [];
    const twenties: Timed[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      tens.push(await computeAll(small.database));
      twenties.push(await computeAll(large.database));
    }
    const best = (runs: Timed[]) => runs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
    const ten = best(tens);
    const twenty = best(twenties);
    const reads = await readsOnly(small.database);
    const charts = await chartTimes(small.database);
    const ratio = twenty.seconds / ten.seconds;
    const rounds = (runs: Timed[]) => runs.map((r) => r.seconds.toFixed(2)).join(', ');
    const fmt = (n: number, d = 2) => n.toFixed(d);
    const chartMean = charts.reduce((s, t) => s + t, 0) / charts.length;
    const report = [
      `bench/digest: one week (${WEEK}) of digests computed, not sent, on PostgreSQL (batches of ${BATCH} users; best of ${ROUNDS} alternating rounds)`,
      `seeded: 10,000 users in ${fmt(small.seedSeconds, 1)} s (${small.moods.toLocaleString('en-US')} mood entries), ` +
        `20,000 users in ${fmt(large.seedSeconds, 1)} s (${large.moods.toLocaleString('en-US')}); ${TRACKS.toLocaleString('en-US')} tracks each`,
      '',
      table(
        [
          'run',
          'users',
          'digests',
          'nudges',
          'nothing to send',
          'recommendations',
          'seconds',
          'node CPU s',
          'users/s',
        ],
        [
          [
            '10,000 users',
            String(ten.users),
            String(ten.kinds.digest),
            String(ten.kinds.nudge),
            String(ten.kinds.empty),
            String(ten.recommendations),
            fmt(ten.seconds),
            fmt(ten.cpuSeconds),
            fmt(ten.users / ten.seconds, 0),
          ],
          [
            '20,000 users',
            String(twenty.users),
            String(twenty.kinds.digest),
            String(twenty.kinds.nudge),
            String(twenty.kinds.empty),
            String(twenty.recommendations),
            fmt(twenty.seconds),
            fmt(twenty.cpuSeconds),
            fmt(twenty.users / twenty.seconds, 0),
          ],
          ['10,000 users, batch reads only', String(ten.users), '-', '-', '-', '-', fmt(reads), '-', '-'],
        ],
      ),
      '',
      `every round (s): 10,000 users ${rounds(tens)}; 20,000 users ${rounds(twenties)}`,
      `chart PNG per digest (vega-lite -> vega SVG -> resvg), ${charts.length} digests: mean ${fmt(chartMean, 1)} ms, ` +
        `p95 ${fmt(percentile(charts, 95), 1)} ms; not in the timed figures (10,000 charts would take about ` +
        `${fmt((chartMean * 10_000) / 1000, 0)} s on one core).`,
    ].join('\n');
    return {
      report,
      figures: [
        {
          bench: 'digest',
          figure: 'compute 10,000 weekly digests (no chart)',
          value: `${fmt(ten.seconds)} s`,
          target: '< 20 s',
          baseline: `${fmt(reads)} s batch reads only`,
          pass: ten.seconds < 20 && ten.users === 10_000,
        },
        {
          bench: 'digest',
          figure: '20,000 / 10,000 users time',
          value: `${fmt(ratio)}x (${fmt(twenty.seconds)} s)`,
          target: '< 2.2x',
          baseline: `${fmt(ten.seconds)} s for 10,000`,
          pass: ratio < 2.2 && twenty.users === 20_000,
        },
        {
          bench: 'digest',
          figure: 'chart PNG per digest (info)',
          value: `${fmt(chartMean, 1)} ms mean`,
          target: 'reported',
          baseline: `p95 ${fmt(percentile(charts, 95), 1)} ms`,
          pass: true,
        },
      ],
    };
  } finally {
    await small.drop();
    await large?.drop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  printBenchResult(await runDigest());
}
