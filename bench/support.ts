import pg from 'pg';
import { createRegistry } from '../commands/index.js';
import { loadConfig } from '../src/config.js';
import { systemClock } from '../src/core/clock.js';
import type { CommandRegistry } from '../src/core/commands/index.js';
import { silentLogger } from '../src/core/logger.js';
import { createFieldCipher } from '../src/crypto/create-field-cipher.js';
import type { FieldCipher } from '../src/crypto/field-cipher.js';
import type { Database, Db } from '../src/db/database.js';
import { openPostgresDatabase, type PostgresSettings } from '../src/db/postgres.js';
import { applyHeapGrowth } from '../src/ops/heap-growth.js';
import { createDispatcher, type Dispatcher } from '../src/platforms/dispatcher.js';
import { createInbox, type DeliveryRunner } from '../src/platforms/inbox/delivery-runner.js';
import { createServices, type Services } from '../src/services/services.js';

/** Latency summary of one measured run. */
export interface RunStats {
  operations: number;
  seconds: number;
  throughput: number;
  p50: number;
  p95: number;
  p99: number;
  /** Every operation's time, ascending (ms). */
  latencies: readonly number[];
}

/** The runs' operations taken as one run (pooled latencies; seconds and throughput summed over runs). */
export function pooledStats(runs: readonly RunStats[]): RunStats {
  const latencies = runs.flatMap((run) => run.latencies).sort((a, b) => a - b);
  return statsOf(
    latencies,
    runs.reduce((sum, run) => sum + run.seconds, 0),
  );
}

/** The summary of ascending `latencies` measured over `seconds`. */
function statsOf(latencies: readonly number[], seconds: number): RunStats {
  return {
    operations: latencies.length,
    seconds,
    throughput: latencies.length / seconds,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    latencies,
  };
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)]!;
}

/** Runs `workers` loops of `perWorker` operations at once and measures each operation. */
export async function measure(
  workers: number,
  perWorker: number,
  operation: (worker: number, iteration: number) => Promise<unknown>,
): Promise<RunStats> {
  const latencies: number[] = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: workers }, async (_, worker) => {
      for (let i = 0; i < perWorker; i++) {
        const t = performance.now();
        await operation(worker, i);
        latencies.push(performance.now() - t);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  return statsOf(latencies, (performance.now() - started) / 1000);
}

/** A fresh database on the benchmark server; dropped by the returned function. */
export async function freshDatabase(
  serverUrl: string,
  prefix: string,
): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${process.pid}_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: serverUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    },
  };
}

export const benchServerUrl = (): string =>
  process.env.BENCH_DATABASE_URL ??
  process.env.TEST_DATABASE_URL ??
  'postgresql://postgres@127.0.0.1:5432/postgres';

/** A plain text table with right-aligned numbers. */
export function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

/** One figure against its target, for the summary table of `npm run bench`. */
export interface BenchFigure {
  bench: string;
  figure: string;
  value: string;
  target: string;
  baseline: string;
  pass: boolean;
}

/** The figures as `npm run bench` prints them: each against its target and its same-run baseline. */
export function figuresTable(figures: readonly BenchFigure[]): string {
  return table(
    ['bench', 'figure', 'value', 'target', 'baseline (same run)', 'ok'],
    figures.map((f) => [f.bench, f.figure, f.value, f.target, f.baseline, f.pass ? 'yes' : 'NO']),
  );
}

/** What a bench run alone prints: its report, then its figures; the exit code says whether all passed. */
export function printBenchResult(result: { report: string; figures: readonly BenchFigure[] }): void {
  console.log(result.report);
  console.log();
  console.log(figuresTable(result.figures));
  process.exitCode = result.figures.every((f) => f.pass) ? 0 : 1;
}

/**
 * The app's command stack (registry, services, dispatcher) on a benchmark database. The rate limit is
 * lifted: the benchmarks measure the path, not the limiter's refusals.
 */
export function benchStack(
  db: Db,
  options: Pick<Parameters<typeof createServices>[0], 'moodWrite'> = {},
): {
  registry: CommandRegistry<Services>;
  services: Services;
  dispatcher: Dispatcher;
  cipher: FieldCipher;
  /** The inbox as the app builds it, for benchmarks that drive a platform adapter. */
  inbox: DeliveryRunner;
} {
  const registry = createRegistry();
  const cipher = createFieldCipher({ currentKey: 'b'.repeat(64) });
  const services = createServices({
    db,
    cipher,
    clock: systemClock,
    logger: silentLogger(),
    config: {
      rateLimit: { points: 1_000_000, durationSeconds: 60, store: 'memory' },
      care: { text: undefined },
    },
    secret: 'bench',
    catalog: { commands: () => registry.all() },
    ...options,
  });
  const dispatcher = createDispatcher(registry, services);
  const logger = silentLogger();
  const inbox = createInbox({
    db,
    cipher,
    logger,
    leaseMs: 20_000,
    retentionMs: 3_600_000,
    dispatcher,
  }).runner;
  return { registry, services, dispatcher, cipher, inbox };
}

/**
 * The app's PostgreSQL pool on a benchmark database, as the bot opens it (20 connections unless told),
 * quiet, with generous timeouts: a benchmark measures, it does not cancel.
 */
export function openBenchDatabase(
  url: string,
  overrides: Partial<Omit<PostgresSettings, 'url'>> = {},
): Database {
  return openPostgresDatabase(
    {
      url,
      maxConnections: 20,
      idleTimeoutMs: 30_000,
      connectionTimeoutMs: 5000,
      statementTimeoutMs: 15_000,
      slowQueryMs: 10_000,
      ...overrides,
    },
    silentLogger(),
  );
}

/** The bot's process settings as `npm start` applies them (the heap growth of HEAP_GROWING_PERCENT). */
export function applyProductRuntime(): void {
  applyHeapGrowth(loadConfig().ops.heapGrowingPercent);
}
