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
 *
 * Then the week is sent (runWeek) on the 20,000 users by one instance, and by two instances in processes
 * of their own sharing it through the claims of digest_deliveries (bench/digest-instance.ts), with a
 * platform stand-in that answers each DM after 2 ms. Target: two instances in at most 0.65 times one's
 * time, every digest delivered exactly once. The same runs with every DM accepted at once are reported
 * beside it: then the send is CPU work, and on 2 cores shared with PostgreSQL a second process has
 * little CPU to add (the table says how many cores one instance already keeps busy). The runs
 * alternate; deliveries are reset between them.
 */
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { sql } from 'drizzle-orm';
import { daysOfWeek, previousWeek } from '../src/core/calendar/index.js';
import { systemClock } from '../src/core/clock.js';
import { silentLogger } from '../src/core/logger.js';
import { createFieldCipher } from '../src/crypto/create-field-cipher.js';
import type { Database } from '../src/db/database.js';
import { queryRows } from '../src/db/raw-query.js';
import { listDigestUsers, moodsBetween, musicBetween } from '../src/db/repositories/digest-data.js';
import { FIXED_UNTIL } from '../src/db/seed/generate.js';
import { seedDatabase } from '../src/db/seed/insert.js';
import { RUNTIME_NODE_FLAGS } from '../src/ops/node-flags.js';
import { createChartRenderer } from '../src/services/charts/index.js';
import type { DigestData } from '../src/services/digest/build-digest.js';
import { createDigestRunner, type DigestRunSummary } from '../src/services/digest/digest-runner.js';
import type { InstanceReport } from './digest-instance.js';
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
/** Alternating rounds of the one- and two-instance sends. */
const SEND_ROUNDS = 2;
/**
 * How long the platform stand-in of the timed send takes to answer each DM. Real DMs go out about one a
 * second per platform and instance (digest-sender), so sending, not computing, sets a real week's time;
 * 2 ms keeps the bench short while still making the sending what the instances share.
 */
const PACED_DM_MS = 2;

/** After a bulk seed: vacuum (visibility map, statistics) and a checkpoint, so no background flush of
 * the seed's writes lands in a measured run. */
async function settle(database: Database): Promise<void> {
  for (const table of ['users', 'user_settings', 'chat_identities', 'mood_entries', 'music_analysis'])
    await database.db.execute(sql.raw(`VACUUM (ANALYZE) ${table}`));
  await database.db.execute(sql.raw('CHECKPOINT')).catch(() => undefined);
}

interface Seeded {
  url: string;
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
    url: fresh.url,
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

/** One send of the week by `count` instances, each a process of its own. */
interface InstancesRun {
  instances: number;
  /** From 'go' to the last instance's end (process start-up and database connection excluded). */
  seconds: number;
  /** CPU cores the whole machine kept busy from 'go' to the end (instances and PostgreSQL), if known. */
  coresBusy: number | undefined;
  summaries: DigestRunSummary[];
  deliveries: string[];
}

/** The machine's busy and total CPU time so far (Linux /proc/stat, in clock ticks), or undefined. */
function machineTicks(): { busy: number; total: number } | undefined {
  try {
    const fields = readFileSync('/proc/stat', 'utf8')
      .split('\n')[0]
      ?.trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    if (!fields || fields.length < 5) return undefined;
    const total = fields.reduce((a, b) => a + b, 0);
    return { busy: total - (fields[3] ?? 0) - (fields[4] ?? 0), total };
  } catch {
    return undefined;
  }
}

async function runInstances(url: string, count: number, dmMs: number): Promise<InstancesRun> {
  const underTsx = import.meta.url.endsWith('.ts');
  const script = fileURLToPath(new URL(`./digest-instance.${underTsx ? 'ts' : 'js'}`, import.meta.url));
  const children = Array.from({ length: count }, (_, i) =>
    fork(script, [url, `bench-instance-${i + 1}`, WEEK, String(dmMs)], {
      execArgv: [...RUNTIME_NODE_FLAGS, ...(underTsx ? ['--import', 'tsx'] : [])],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    }),
  );
  const awaitMessage = <T>(child: (typeof children)[number], kind: string) =>
    new Promise<T>((resolve, reject) => {
      child.on('message', (m: { kind?: string }) => {
        if (m.kind === kind) resolve(m as T);
      });
      child.once('exit', (code) => reject(new Error(`a digest instance exited (${code}) before '${kind}'`)));
    });
  const done = children.map((child) => awaitMessage<InstanceReport>(child, 'done'));
  for (const d of done) d.catch(() => undefined);
  try {
    await Promise.all(children.map((child) => awaitMessage(child, 'ready')));
    const ticks = machineTicks();
    const started = performance.now();
    for (const child of children) child.send('go');
    const reports = await Promise.all(done);
    const seconds = (performance.now() - started) / 1000;
    const after = machineTicks();
    const cores = availableParallelism();
    return {
      instances: count,
      seconds,
      coresBusy:
        ticks && after ? ((after.busy - ticks.busy) / (after.total - ticks.total)) * cores : undefined,
      summaries: reports.map((r) => r.summary),
      deliveries: reports.flatMap((r) => r.deliveries),
    };
  } finally {
    for (const child of children) if (child.exitCode === null) child.kill();
  }
}

/** Where a run's rows start: ids above these were written by the digest runs, not the seed. */
interface SeedMarks {
  insights: number;
  recommendations: number;
}

async function seedMarks(database: Database): Promise<SeedMarks> {
  const rows = await queryRows(
    database.db,
    sql`SELECT (SELECT coalesce(max(id), 0) FROM personality_insights) AS insights,
               (SELECT coalesce(max(id), 0) FROM recommendations) AS recommendations`,
  );
  const [row] = rows as Array<{ insights: string | number; recommendations: string | number }>;
  return { insights: Number(row?.insights ?? 0), recommendations: Number(row?.recommendations ?? 0) };
}

/** Back to the seeded state before a send: no delivery of the week, no insight or recommendation it stored. */
async function resetSends(database: Database, marks: SeedMarks): Promise<void> {
  const { db } = database;
  await db.execute(sql`DELETE FROM digest_deliveries WHERE period = ${WEEK}`);
  await db.execute(sql`DELETE FROM personality_insights WHERE id > ${marks.insights}`);
  await db.execute(sql`DELETE FROM recommendations WHERE id > ${marks.recommendations}`);
  for (const table of ['digest_deliveries', 'personality_insights', 'recommendations'])
    await db.execute(sql.raw(`VACUUM (ANALYZE) ${table}`));
}

/** What the database and the instances' deliveries say about one send of the week. */
interface Checked {
  /** Users with the digest on and a Discord or Slack account. */
  reachable: number;
  /** Their week's deliveries, by status. */
  statuses: Record<string, number>;
  /** DMs sent, and those the users of the 'sent' rows should have got (one per platform). */
  dms: number;
  expectedDms: number;
  duplicates: number;
  /** DMs to an account whose user's row is not 'sent'. */
  strays: number;
  ok: boolean;
}

async function checkSends(database: Database, run: InstancesRun): Promise<Checked> {
  const { db } = database;
  const [reachable] = (await queryRows(
    db,
    sql`SELECT count(*)::int AS n FROM users u LEFT JOIN user_settings s ON s.user_id = u.id
         WHERE coalesce(s.digest_enabled, true)
           AND EXISTS (SELECT 1 FROM chat_identities c WHERE c.user_id = u.id AND c.platform IN ('discord', 'slack'))`,
  )) as Array<{ n: number }>;
  const statuses: Record<string, number> = {};
  for (const r of (await queryRows(
    db,
    sql`SELECT status, count(*)::int AS n FROM digest_deliveries WHERE period = ${WEEK} GROUP BY status`,
  )) as Array<{ status: string; n: number }>)
    statuses[r.status] = r.n;
  const sentAccounts = new Set(
    (
      (await queryRows(
        db,
        sql`SELECT DISTINCT ON (c.user_id, c.platform) c.platform || ':' || c.workspace_id || ':' || c.external_user_id AS account
            FROM chat_identities c JOIN digest_deliveries d ON d.user_id = c.user_id
           WHERE d.period = ${WEEK} AND d.status = 'sent' AND c.platform IN ('discord', 'slack')
           ORDER BY c.user_id, c.platform, c.last_seen_at DESC, c.id DESC`,
      )) as Array<{ account: string }>
    ).map((r) => r.account),
  );
  const distinct = new Set(run.deliveries);
  const strays = [...distinct].filter((a) => !sentAccounts.has(a)).length;
  const settled = (statuses.sent ?? 0) + (statuses.skipped ?? 0);
  const result = {
    reachable: reachable?.n ?? 0,
    statuses,
    dms: run.deliveries.length,
    expectedDms: sentAccounts.size,
    duplicates: run.deliveries.length - distinct.size,
    strays,
  };
  return {
    ...result,
    ok:
      result.duplicates === 0 &&
      strays === 0 &&
      result.dms === result.expectedDms &&
      settled === result.reachable &&
      Object.keys(statuses).every((s) => s === 'sent' || s === 'skipped'),
  };
}

interface SendRound {
  run: InstancesRun;
  checked: Checked;
}

/**
 * One and two instances sending the week, alternating for SEND_ROUNDS rounds, reset before each, with a
 * platform stand-in answering each DM after `dmMs`.
 */
async function sendRounds(seeded: Seeded, dmMs: number): Promise<{ one: SendRound[]; two: SendRound[] }> {
  const marks = await seedMarks(seeded.database);
  const one: SendRound[] = [];
  const two: SendRound[] = [];
  for (let round = 0; round < SEND_ROUNDS; round++) {
    for (const [count, into] of [
      [1, one],
      [2, two],
    ] as const) {
      await resetSends(seeded.database, marks);
      await seeded.database.db.execute(sql.raw('CHECKPOINT')).catch(() => undefined);
      const run = await runInstances(seeded.url, count, dmMs);
      into.push({ run, checked: await checkSends(seeded.database, run) });
    }
  }
  await resetSends(seeded.database, marks);
  return { one, two };
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
    const atOnce = await sendRounds(large, 0);
    const paced = await sendRounds(large, PACED_DM_MS);
    const fastest = (rounds: SendRound[]) => rounds.reduce((a, b) => (b.run.seconds < a.run.seconds ? b : a));
    const [oneAtOnce, twoAtOnce] = [fastest(atOnce.one), fastest(atOnce.two)];
    const [oneSend, twoSend] = [fastest(paced.one), fastest(paced.two)];
    const sendRatio = twoSend.run.seconds / oneSend.run.seconds;
    const atOnceRatio = twoAtOnce.run.seconds / oneAtOnce.run.seconds;
    const allRounds = [...atOnce.one, ...atOnce.two, ...paced.one, ...paced.two];
    const allChecked = allRounds.every((r) => r.checked.ok);
    const duplicates = allRounds.reduce((n, r) => n + r.checked.duplicates, 0);
    const sendRow = (label: string, r: SendRound) => {
      const total = (key: keyof DigestRunSummary) => r.run.summaries.reduce((n, s) => n + s[key], 0);
      return [
        label,
        String(total('users')),
        String(total('sent') + total('nudged')),
        String(total('skipped')),
        String(total('taken')),
        `${r.checked.dms} / ${r.checked.expectedDms}`,
        String(r.checked.duplicates),
        r.checked.ok ? 'yes' : 'NO',
        r.run.coresBusy === undefined ? '-' : fmt(r.run.coresBusy),
        fmt(r.run.seconds),
      ];
    };
    const sendRoundsText = (rounds: SendRound[]) => rounds.map((r) => r.run.seconds.toFixed(2)).join(', ');
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
      '',
      `sending the week to the 20,000 users (runWeek; ${twoSend.checked.reachable.toLocaleString('en-US')} users with the digest on and a chat account; best of ${SEND_ROUNDS} alternating rounds each): a platform stand-in answering each DM after ${PACED_DM_MS} ms (timed), and one accepting every DM at once (CPU-bound, information)`,
      table(
        [
          'run',
          'users read',
          'sent + nudged',
          'skipped',
          'taken (the other instance)',
          'DMs / expected',
          'duplicates',
          'exactly once',
          'cores busy (of 2)',
          'seconds',
        ],
        [
          sendRow(`1 instance, ${PACED_DM_MS} ms per DM`, oneSend),
          sendRow(`2 instances (processes), ${PACED_DM_MS} ms per DM`, twoSend),
          sendRow('1 instance, DMs at once', oneAtOnce),
          sendRow('2 instances (processes), DMs at once', twoAtOnce),
        ],
      ),
      `every round (s): ${PACED_DM_MS} ms per DM: 1 instance ${sendRoundsText(paced.one)}; 2 instances ${sendRoundsText(paced.two)}; ` +
        `DMs at once: 1 instance ${sendRoundsText(atOnce.one)}; 2 instances ${sendRoundsText(atOnce.two)}`,
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
          figure: `send 20,000 users' week, DMs answered in ${PACED_DM_MS} ms: 2 instances / 1 instance time`,
          value: `${fmt(sendRatio)}x (${fmt(twoSend.run.seconds)} s)`,
          target: '<= 0.65x',
          baseline: `${fmt(oneSend.run.seconds)} s 1 instance`,
          pass: sendRatio <= 0.65 && allChecked,
        },
        {
          bench: 'digest',
          figure: 'send the week, DMs accepted at once (CPU-bound, info): 2 instances / 1 instance',
          value: `${fmt(atOnceRatio)}x (${fmt(twoAtOnce.run.seconds)} s)`,
          target: 'reported',
          baseline: `${fmt(oneAtOnce.run.seconds)} s 1 instance, ${oneAtOnce.run.coresBusy === undefined ? '?' : fmt(oneAtOnce.run.coresBusy)} cores busy`,
          pass: true,
        },
        {
          bench: 'digest',
          figure: 'each digest delivered once, every send run',
          value: `${twoSend.checked.dms} DMs (2 instances), ${duplicates} duplicates in ${allRounds.length} runs`,
          target: 'all, once',
          baseline: `${(twoSend.checked.statuses.sent ?? 0).toLocaleString('en-US')} sent + ${(twoSend.checked.statuses.skipped ?? 0).toLocaleString('en-US')} skipped of ${twoSend.checked.reachable.toLocaleString('en-US')} reachable`,
          pass: allChecked,
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
