import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import { withTimeout } from '../core/within.js';
import type { Database } from '../db/database.js';
import type { InboxBacklog } from '../db/repositories/inbox.js';
import type { Alerter } from './alerts.js';
import { type DigestOutcome, type Metrics, readStorageUsage } from './metrics.js';

/** What the backup and digest jobs report, and the periodic checks that raise and resolve alerts. */
export interface OpsMonitor {
  start(): void;
  stop(): void;
  /** Database reachability, storage and backup age, now (also run every `intervalMs`). */
  check(): Promise<void>;
  /** The pool lost a connection: check at once whether the database is still reachable. */
  connectionLost(error: Error): void;
  /** For the weekly digest job: one digest's outcome (a failure alerts until a digest is sent again). */
  digest(outcome: DigestOutcome, detail?: string): void;
  /** A check-in prompt's outcome (metrics). */
  checkin(outcome: 'sent' | 'asked' | 'skipped' | 'failed'): void;
  /** For the backup job: a finished backup; a failure alerts, a success resolves and feeds the age gauge. */
  backup(result: { ok: true; at: Date } | { ok: false; error: string }): void;
}

export interface OpsMonitorOptions {
  database: Database;
  metrics: Metrics;
  alerter: Alerter;
  logger: Logger;
  clock: Clock;
  /** STORAGE_ALERT_BYTES: alert when the database is larger; undefined checks nothing. */
  storageAlertBytes?: number | undefined;
  /** BACKUP_ENABLED: without a successful backup for `backupStaleMs`, alert. */
  backupsEnabled?: boolean;
  /** 26 hours by default: a daily backup plus slack for a slow one. */
  backupStaleMs?: number;
  /** 60 s by default. */
  intervalMs?: number;
  /** The inbox's backlog: fed to the metrics, and an alert while the oldest waits over `inboxAlertSeconds`. */
  inboxBacklog?: () => Promise<InboxBacklog>;
  /** 60 s by default. */
  inboxAlertSeconds?: number;
  pingTimeoutMs?: number;
}

export function createOpsMonitor(options: OpsMonitorOptions): OpsMonitor {
  const log = options.logger.child({ component: 'ops' });
  const intervalMs = options.intervalMs ?? 60_000;
  const staleMs = options.backupStaleMs ?? 26 * 60 * 60 * 1000;
  const startedAt = options.clock.now();
  let lastBackupAt: Date | undefined;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;

  async function checkDatabase(): Promise<boolean> {
    const pingTimeoutMs = options.pingTimeoutMs ?? 2000;
    try {
      await withTimeout(options.database.ping(), pingTimeoutMs, () => {
        throw new Error(`no answer within ${pingTimeoutMs} ms`);
      });
      options.alerter.resolve('database');
      return true;
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      options.alerter.raise('database', `The database is unreachable: ${why}`);
      return false;
    }
  }

  async function checkStorage(): Promise<void> {
    const limit = options.storageAlertBytes;
    if (limit === undefined) return;
    const usage = await readStorageUsage(options.database);
    if (usage.databaseBytes > limit) {
      const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
      options.alerter.raise(
        'storage',
        `The database uses ${mb(usage.databaseBytes)}, above STORAGE_ALERT_BYTES (${mb(limit)}).`,
      );
    } else options.alerter.resolve('storage');
  }

  function checkBackupAge(): void {
    if (!options.backupsEnabled) return;
    const since = lastBackupAt ?? startedAt;
    const age = options.clock.now().getTime() - since.getTime();
    if (age <= staleMs) return;
    const hours = Math.round(age / 3_600_000);
    options.alerter.raise(
      'backup-stale',
      lastBackupAt
        ? `The last successful backup is ${hours} h old.`
        : `No backup has succeeded in the ${hours} h since MoodScale started.`,
    );
  }

  async function checkInbox(): Promise<void> {
    if (!options.inboxBacklog) return;
    const backlog = await options.inboxBacklog();
    options.metrics.setInboxBacklog(backlog);
    const limit = options.inboxAlertSeconds ?? 60;
    if (backlog.oldestPendingSeconds > limit) {
      options.alerter.raise(
        'inbox',
        `${backlog.pending} chat deliveries are waiting for an answer; the oldest for ${Math.round(backlog.oldestPendingSeconds)} s (over ${limit} s). Is an instance stuck, or the database slow?`,
      );
    } else options.alerter.resolve('inbox');
  }

  async function checkOnce(): Promise<void> {
    if (await checkDatabase()) {
      await checkStorage().catch((error: unknown) => log.warn({ err: error }, 'storage check failed'));
      await checkInbox().catch((error: unknown) => log.warn({ err: error }, 'inbox check failed'));
    }
    checkBackupAge();
  }

  /** One check at a time; a request during a check runs one more afterwards. */
  function check(): Promise<void> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await checkOnce();
      } while (again);
    })().finally(() => {
      running = undefined;
    });
    return running;
  }

  return {
    start() {
      if (timer) return;
      timer = setInterval(() => void check(), intervalMs);
      timer.unref();
      void check();
    },
    stop() {
      clearInterval(timer);
      timer = undefined;
    },
    check,
    connectionLost(error) {
      log.debug({ err: error }, 'database connection lost; checking the database');
      void check();
    },
    digest(outcome, detail) {
      options.metrics.digests.inc({ outcome });
      if (outcome === 'failed') {
        options.alerter.raise(
          'digest',
          `A weekly digest could not be delivered${detail ? `: ${detail}` : '.'}`,
        );
      } else if (outcome === 'sent') options.alerter.resolve('digest');
    },
    checkin(outcome) {
      options.metrics.checkinPrompts.inc({ outcome });
    },
    backup(result) {
      if (result.ok) {
        lastBackupAt = result.at;
        options.metrics.setLastBackup(result.at);
        options.alerter.resolve('backup-failed');
        options.alerter.resolve('backup-stale');
      } else options.alerter.raise('backup-failed', `The backup failed: ${result.error}`);
    },
  };
}
