import { sql } from 'drizzle-orm';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { z } from 'zod';
import type { Database } from '../db/database.js';
import { selectRows } from '../db/raw-query.js';
import type { InboxBacklog } from '../db/repositories/inbox.js';
import type { ModelCallReport } from '../integrations/ai/openai-client.js';

/** What the dispatcher reports after every command (see createDispatcher's observer). */
export interface CommandObservation {
  /** The command's name, or 'unknown' for a name the registry does not know (bounded label values). */
  command: string;
  platform: string;
  outcome: string;
  durationMs: number;
}

export type DigestOutcome = 'claimed' | 'sent' | 'failed' | 'skipped';

/** Database and per-table sizes in bytes. */
export interface StorageUsage {
  databaseBytes: number;
  tables: Array<{ table: string; bytes: number }>;
}

/** The process's Prometheus metrics and the narrow callbacks that feed them. */
export interface Metrics {
  readonly registry: Registry;
  commandHandled(observation: CommandObservation): void;
  /** Time from an interaction's arrival to the platform's acknowledgement. */
  acknowledged(platform: string, ms: number): void;
  slowQuery(): void;
  /** One language model call, whatever asked for it (track mood, recommendations, insights). */
  modelCall(call: ModelCallReport): void;
  digests: { inc(labels: { outcome: DigestOutcome }): void };
  checkinPrompts: { inc(labels: { outcome: 'sent' | 'asked' | 'skipped' | 'failed' }): void };
  setLastBackup(at: Date): void;
  /** What the inbox does: duplicates recognised, deliveries resumed after a crash, writes that failed. */
  inbox: {
    duplicate(platform: string): void;
    resumed(platform: string, result: 'answered' | 'failed' | 'dropped'): void;
    unsaved(platform: string): void;
  };
  /** A promise rejected with nobody handling it (a library's bug, a payload it could not read): logged, served on. */
  unhandledRejection(): void;
  /** Audit entries held while the database is unavailable, and those dropped past the hold limit. */
  audit: { held(count: number): void; dropped(count: number): void };
  /** Deliveries waiting for their answer (from the operations check). */
  setInboxBacklog(backlog: InboxBacklog): void;
  /** Pool figures and storage sizes are read from this database on every scrape. */
  watchDatabase(database: Database): void;
  /** The Prometheus text exposition. */
  render(): Promise<{ contentType: string; body: string }>;
}

/** Storage sizes are cached this long: a scrape every few seconds must not walk the catalog each time. */
const STORAGE_CACHE_MS = 30_000;

/** Reads the current database's size and each public table's size (heap, indexes and TOAST). */
export async function readStorageUsage(database: Database): Promise<StorageUsage> {
  const [size] = await selectRows(
    database.db,
    sql`SELECT pg_database_size(current_database()) AS bytes`,
    z.object({ bytes: z.coerce.number() }),
  );
  const tables = await selectRows(
    database.db,
    sql`SELECT c.relname AS "table", pg_total_relation_size(c.oid) AS bytes
          FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
         ORDER BY c.relname`,
    z.object({ table: z.string(), bytes: z.coerce.number() }),
  );
  return {
    databaseBytes: size?.bytes ?? 0,
    tables: tables.map((t) => ({ table: t.table, bytes: t.bytes })),
  };
}

export function createMetrics(options: { now?: () => number } = {}): Metrics {
  const now = options.now ?? Date.now;
  const registry = new Registry();
  let database: Database | undefined;
  let storage: { at: number; usage: StorageUsage } | undefined;
  let lastBackupAt: Date | undefined;

  const commands = new Counter({
    name: 'moodscale_commands_total',
    help: 'Commands handled, by command, platform and outcome',
    labelNames: ['command', 'platform', 'outcome'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'moodscale_command_duration_seconds',
    help: 'Time from dispatch to the reply being ready, by command',
    labelNames: ['command'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10],
    registers: [registry],
  });
  const ack = new Histogram({
    name: 'moodscale_acknowledge_seconds',
    help: "Time from an interaction's arrival to its acknowledgement (Discord and Slack allow 3 s)",
    labelNames: ['platform'] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 1.5, 2, 2.5, 3, 5],
    registers: [registry],
  });
  const inboxDuplicates = new Counter({
    name: 'moodscale_inbox_duplicates_total',
    help: 'Deliveries already in the inbox (a retry, a replay, another instance): acknowledged, not run again',
    labelNames: ['platform'] as const,
    registers: [registry],
  });
  const inboxResumed = new Counter({
    name: 'moodscale_inbox_resumed_total',
    help: 'Deliveries taken over from an instance that stopped: answered, failed to answer, or dropped',
    labelNames: ['platform', 'result'] as const,
    registers: [registry],
  });
  const inboxUnsaved = new Counter({
    name: 'moodscale_inbox_unsaved_total',
    help: 'Deliveries the inbox could not record (database down or slow): the user was told nothing was saved',
    labelNames: ['platform'] as const,
    registers: [registry],
  });
  const auditHeld = new Gauge({
    name: 'moodscale_audit_held',
    help: 'Audit entries waiting for the database (held during an outage, written when it is back)',
    registers: [registry],
  });
  const auditDropped = new Counter({
    name: 'moodscale_audit_dropped_total',
    help: 'Audit entries dropped because the database stayed unavailable past the hold limit (alerted)',
    registers: [registry],
  });
  const unhandled = new Counter({
    name: 'moodscale_unhandled_rejections_total',
    help: 'Promises rejected with nobody handling them: logged with their stack; the bot keeps serving',
    registers: [registry],
  });
  const inboxPending = new Gauge({
    name: 'moodscale_inbox_pending',
    help: 'Deliveries recorded and not yet answered, across every instance',
    registers: [registry],
  });
  const inboxOldest = new Gauge({
    name: 'moodscale_inbox_oldest_pending_seconds',
    help: 'Age of the oldest delivery not yet answered (0 when none waits); alerts above 60 s',
    registers: [registry],
  });
  const slow = new Counter({
    name: 'moodscale_db_slow_queries_total',
    help: 'Statements slower than DB_SLOW_QUERY_MS',
    registers: [registry],
  });
  const model = new Counter({
    name: 'moodscale_model_calls_total',
    help: 'Language model calls by purpose (track_mood, recommendations, insights) and outcome: ok, fallback (failed, the local path answered), skipped (breaker open)',
    labelNames: ['outcome', 'purpose'] as const,
    registers: [registry],
  });
  const checkinPrompts = new Counter({
    name: 'moodscale_checkin_prompts_total',
    help: 'Daily check-in prompts by outcome (sent, asked whether to keep them, skipped, failed)',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const digests = new Counter({
    name: 'moodscale_digests_total',
    help: 'Weekly digests by outcome (claimed, sent, failed, skipped)',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  new Gauge({
    name: 'moodscale_db_pool_connections',
    help: 'Database pool connections by state (total, idle, waiting); PGlite reports its single connection',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      if (!database) return;
      const stats = database.poolStats();
      this.set({ state: 'total' }, stats.total);
      this.set({ state: 'idle' }, stats.idle);
      this.set({ state: 'in_use' }, stats.total - stats.idle);
      this.set({ state: 'waiting' }, stats.waiting);
    },
  });
  const databaseBytes = new Gauge({
    name: 'moodscale_db_size_bytes',
    help: 'Size of the database on disk (pg_database_size)',
    registers: [registry],
  });
  const tableBytes = new Gauge({
    name: 'moodscale_db_table_size_bytes',
    help: 'Size of each table with its indexes and TOAST (pg_total_relation_size)',
    labelNames: ['table'] as const,
    registers: [registry],
  });

  async function refreshStorage(): Promise<void> {
    if (!database) return;
    if (storage && now() - storage.at < STORAGE_CACHE_MS) return;
    const usage = await readStorageUsage(database);
    storage = { at: now(), usage };
    databaseBytes.set(usage.databaseBytes);
    tableBytes.reset();
    for (const t of usage.tables) tableBytes.set({ table: t.table }, t.bytes);
  }

  return {
    registry,
    commandHandled({ command, platform, outcome, durationMs }) {
      commands.inc({ command, platform, outcome });
      latency.observe({ command }, durationMs / 1000);
    },
    acknowledged(platform, ms) {
      ack.observe({ platform }, ms / 1000);
    },
    slowQuery: () => slow.inc(),
    inbox: {
      duplicate: (platform) => inboxDuplicates.inc({ platform }),
      resumed: (platform, result) => inboxResumed.inc({ platform, result }),
      unsaved: (platform) => inboxUnsaved.inc({ platform }),
    },
    unhandledRejection: () => unhandled.inc(),
    audit: {
      held: (count) => auditHeld.set(count),
      dropped: (count) => auditDropped.inc(count),
    },
    setInboxBacklog(backlog) {
      inboxPending.set(backlog.pending);
      inboxOldest.set(backlog.oldestPendingSeconds);
    },
    modelCall: ({ outcome, purpose }) => model.inc({ outcome, purpose }),
    digests: { inc: (labels) => digests.inc(labels) },
    checkinPrompts: { inc: (labels) => checkinPrompts.inc(labels) },
    setLastBackup(at) {
      lastBackupAt = at;
      // Registered at the first backup: before one has run the series is absent, not a misleading 0.
      if (registry.getSingleMetric('moodscale_last_backup_age_seconds')) return;
      new Gauge({
        name: 'moodscale_last_backup_age_seconds',
        help: 'Seconds since the last successful backup (absent until one has run)',
        registers: [registry],
        collect() {
          if (lastBackupAt) this.set(Math.max(0, (now() - lastBackupAt.getTime()) / 1000));
        },
      });
    },
    watchDatabase(watched) {
      database = watched;
      storage = undefined;
    },
    async render() {
      // A database that is down must not break the scrape: the sizes keep their last values.
      await refreshStorage().catch(() => undefined);
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}
