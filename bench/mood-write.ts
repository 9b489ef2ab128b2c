/**
 * bench/mood-write: the whole `/mood` path (parse, validate, identity, rate limit, insert, stats,
 * audit, rendered answer) against real PostgreSQL at 16 concurrent users, beside a raw parameterized
 * `pg` INSERT of the same row at the same concurrency, in one run. Targets: throughput at least 60% of
 * the raw insert, p99 of the path under 15 ms. The path groups entries that arrive while earlier ones
 * are being written (as the bot does); the raw baseline sends one INSERT per row, and an info row shows
 * the path without grouping.
 */
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { renderPlainText, splitCommandLine } from '../src/core/commands/index.js';
import { silentLogger } from '../src/core/logger.js';
import { createNoteCipher } from '../src/services/mood/note-cipher.js';
import {
  applyProductRuntime,
  type BenchFigure,
  benchServerUrl,
  benchStack,
  freshDatabase,
  measure,
  openBenchDatabase,
  type RunStats,
  table,
} from './support.js';

const CONCURRENCY = 16;
const USERS_PER_WORKER = 50;
const PER_WORKER = Number(process.env.BENCH_MOOD_OPS ?? 600);
const ROUNDS = 3;
const NOTE = 'long day at work, but the evening was better';
const LINE = `/mood 6 tired anxious -- ${NOTE}`;

export async function runMoodWrite(): Promise<{ figures: BenchFigure[]; report: string }> {
  applyProductRuntime();
  const server = benchServerUrl();
  const fresh = await freshDatabase(server, 'moodscale_bench_mood');
  const database = openBenchDatabase(fresh.url);
  const raw = new pg.Pool({ connectionString: fresh.url, max: 20 });
  raw.on('error', () => undefined);
  try {
    await database.migrate();
    const { services, dispatcher, cipher } = benchStack(database.db);
    // The same path writing one statement per entry (no grouping of concurrent entries), shown for what
    // the grouping brings (not judged). Its own services, so its caches are as cold as the path's.
    const ungrouped = benchStack(database.db, { moodWrite: { maxBatch: 1, maxInFlight: 20 } });
    const parsed = splitCommandLine(LINE)!;
    // Each stack writes for users of its own. Two stacks on the same users would be two instances taking
    // turns: each one's entries raise the users' mood versions, so the other reads each user's window
    // again on its next /mood, and the path's figure would carry the info run's rounds.
    const run = (via: typeof dispatcher, stack: string) => async (worker: number, i: number) => {
      const outcome = await via.dispatch({
        identity: {
          platform: 'console',
          workspaceId: '',
          externalUserId: `${stack}-${worker}-${i % USERS_PER_WORKER}`,
        },
        command: parsed.name,
        input: { text: parsed.args },
      });
      if (outcome.outcome !== 'ok') throw new Error(`mood failed: ${outcome.reply.text}`);
      return renderPlainText(outcome.reply);
    };
    const path = run(dispatcher, 'bench');
    const oneByOne = run(ungrouped.dispatcher, 'solo');

    // Create the users, then give each 90 days of history so stats work on realistic data.
    await measure(CONCURRENCY, USERS_PER_WORKER, path);
    await measure(CONCURRENCY, USERS_PER_WORKER, oneByOne);
    await raw.query(`
      INSERT INTO mood_entries (user_id, mood_score, emotions, notes, created_at)
      SELECT u.id, 1 + (g % 10), ARRAY['calm'], NULL, now() - make_interval(days => g)
        FROM users u, generate_series(1, 90) g`);
    // Written like an import: the users' mood versions go up, so /mood reads each window once, history
    // included. The raw INSERT rounds below leave them alone (the bare statement is the baseline), so
    // their rows are not in the path's stats, as a row written outside MoodScale would not be.
    await raw.query(`
      INSERT INTO mood_versions AS v (user_id, version) SELECT id, 1 FROM users
      ON CONFLICT (user_id) DO UPDATE SET version = v.version + 1`);
    await raw.query('ANALYZE');
    const userIds = (
      await raw.query<{ id: number }>(
        "SELECT u.id FROM users u JOIN chat_identities c ON c.user_id = u.id WHERE c.external_user_id LIKE 'bench-%' ORDER BY u.id",
      )
    ).rows.map((r) => r.id);
    // The same row as /mood stores: its note is ciphertext (sealed once here; /mood seals each one).
    const userIdOf = (worker: number, i: number) =>
      userIds[(worker * USERS_PER_WORKER + (i % USERS_PER_WORKER)) % userIds.length]!;
    const sealed = createNoteCipher({ cipher, logger: silentLogger() }).seal(userIds[0]!, NOTE);
    const insert = (worker: number, i: number) =>
      raw.query('INSERT INTO mood_entries (user_id, mood_score, emotions, notes) VALUES ($1, $2, $3, $4)', [
        userIdOf(worker, i),
        6,
        ['tired', 'anxious'],
        sealed,
      ]);

    // Warm both sides, then alternate rounds so drift on the machine hits both equally.
    await measure(CONCURRENCY, 50, insert);
    await measure(CONCURRENCY, 50, path);
    const rawRuns: RunStats[] = [];
    const pathRuns: RunStats[] = [];
    const ungroupedRuns: RunStats[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      rawRuns.push(await measure(CONCURRENCY, PER_WORKER, insert));
      pathRuns.push(await measure(CONCURRENCY, PER_WORKER, path));
      ungroupedRuns.push(await measure(CONCURRENCY, PER_WORKER, oneByOne));
    }
    await services.audit.flush();
    await ungrouped.services.audit.flush();
    const median = (runs: RunStats[]) =>
      [...runs].sort((a, b) => a.throughput - b.throughput)[Math.floor(runs.length / 2)]!;
    const r = median(rawRuns);
    const p = median(pathRuns);
    const u = median(ungroupedRuns);
    const ratio = p.throughput / r.throughput;
    const fmt = (n: number, digits = 2) => n.toFixed(digits);
    const report = [
      `bench/mood-write: ${CONCURRENCY} concurrent users, ${CONCURRENCY * PER_WORKER} operations per round, median of ${ROUNDS} rounds`,
      table(
        ['run', 'ops', 'ops/s', 'p50 ms', 'p95 ms', 'p99 ms'],
        [
          [
            'raw pg INSERT (baseline)',
            String(r.operations),
            fmt(r.throughput, 0),
            fmt(r.p50),
            fmt(r.p95),
            fmt(r.p99),
          ],
          ['/mood full path', String(p.operations), fmt(p.throughput, 0), fmt(p.p50), fmt(p.p95), fmt(p.p99)],
          [
            '(info) /mood, one statement per entry',
            String(u.operations),
            fmt(u.throughput, 0),
            fmt(u.p50),
            fmt(u.p95),
            fmt(u.p99),
          ],
        ],
      ),
      `throughput ratio: ${(ratio * 100).toFixed(1)}% of raw (target >= 60%); /mood p99 ${fmt(p.p99)} ms (target < 15 ms)`,
    ].join('\n');
    return {
      report,
      figures: [
        {
          bench: 'mood-write',
          figure: '/mood throughput vs raw INSERT',
          value: `${(ratio * 100).toFixed(1)}%`,
          target: '>= 60%',
          baseline: `${fmt(r.throughput, 0)} ops/s raw`,
          pass: ratio >= 0.6,
        },
        {
          bench: 'mood-write',
          figure: '/mood p99 latency, 16 users',
          value: `${fmt(p.p99)} ms`,
          target: '< 15 ms',
          baseline: `${fmt(r.p99)} ms raw`,
          pass: p.p99 < 15,
        },
      ],
    };
  } finally {
    await raw.end();
    await database.close();
    await fresh.drop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { report, figures } = await runMoodWrite();
  console.log(report);
  process.exitCode = figures.every((f) => f.pass) ? 0 : 1;
}
