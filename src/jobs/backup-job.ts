import { type Clock, systemClock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import { listBackups } from '../ops/backup/backup-files.js';
import { withBackupLock } from '../ops/backup/backup-lock.js';
import type { BackupTarget } from '../ops/backup/backup-target.js';
import { type BackupResult, runBackup } from '../ops/backup/run-backup.js';
import type { ScheduledJob } from './scheduler.js';

export interface BackupJobDeps {
  target: BackupTarget;
  settings: { dir: string; retentionDays: number; schedule: string };
  logger: Logger;
  clock?: Clock;
  /** Every finished run: failures go to the alerter, successes to the backup-age metric. */
  onResult?: (result: BackupResult) => void | Promise<void>;
  /** How long stop() waits for a backup in progress before giving up on it (it is not a backup until published). */
  stopTimeoutMs?: number;
}

/** What one trigger did: ran a backup, or why it stood aside. */
export type BackupRunOutcome = { ran: true; result: BackupResult } | { ran: false; reason: string };

export interface BackupJob {
  /** The scheduler's job: BACKUP_SCHEDULE, read in the server's time zone. */
  readonly job: ScheduledJob;
  /** The newest verified backup's time, from BACKUP_DIR at start and from every run since. */
  lastSuccessAt(): Date | undefined;
  /** Runs one backup now through the same lock and checks as the schedule (tests, manual triggers). */
  runNow(): Promise<BackupRunOutcome>;
}

/**
 * Instances started together fire the same cron slot within their clock skew. A backup already in
 * BACKUP_DIR from this long before the slot counts as this slot's (when instances share the directory).
 */
const SAME_SLOT_MS = 5 * 60_000;

/**
 * The daily backup on BACKUP_SCHEDULE. With several instances on one PostgreSQL, an advisory try-lock
 * lets one back up while the others skip; an instance whose trigger comes after the winner finished
 * sees the winner's fresh file in a shared BACKUP_DIR and skips too. PGlite needs neither: its
 * DATA_DIR lock admits one process.
 */
export function createBackupJob(deps: BackupJobDeps): BackupJob {
  const log = deps.logger.child({ component: 'backup-job' });
  const clock = deps.clock ?? systemClock;
  let lastSuccess = listBackups(deps.settings.dir)
    .filter((b) => b.verified)
    .at(-1)?.takenAt;
  let inFlight: Promise<BackupRunOutcome> | undefined;

  const attempt = async (slot: Date): Promise<BackupRunOutcome> => {
    const fresh = listBackups(deps.settings.dir)
      .filter((b) => b.verified && b.takenAt.getTime() >= slot.getTime() - SAME_SLOT_MS)
      .at(-1);
    if (fresh) return { ran: false, reason: `a backup of this slot already exists (${fresh.name})` };
    const result = await runBackup({
      target: deps.target,
      dir: deps.settings.dir,
      retentionDays: deps.settings.retentionDays,
      clock,
      logger: deps.logger,
      onResult: deps.onResult,
    });
    if (result.ok) lastSuccess = result.backup.takenAt;
    return { ran: true, result };
  };

  const trigger = (slot: Date): Promise<BackupRunOutcome> => {
    const run = (async (): Promise<BackupRunOutcome> => {
      try {
        if (deps.target.kind === 'pglite') return await attempt(slot);
        const won = await withBackupLock(deps.target.url, () => attempt(slot));
        return won ? won.value : { ran: false, reason: 'another instance is backing up' };
      } catch (error) {
        // Only the lock connection can fail here (runBackup reports its own failures). The database
        // being unreachable at backup time is a failed backup all the same: tell the alerter now.
        const reason = `could not take the backup lock: ${(error as Error).message}`;
        log.error({ err: error }, 'backup could not start');
        await Promise.resolve(deps.onResult?.({ ok: false, stage: 'backup', error: reason })).catch(
          () => undefined,
        );
        return { ran: false, reason };
      }
    })();
    inFlight = run;
    void run.then((outcome) => {
      if (!outcome.ran) log.info({ reason: outcome.reason }, 'scheduled backup skipped');
      if (inFlight === run) inFlight = undefined;
    });
    return run;
  };

  // A backup in progress when shutdown begins gets stopTimeoutMs to finish; after that the process may
  // go (an unfinished file is never published, so it is not a backup).
  const untilStopped = async (work: Promise<unknown>, signal: AbortSignal): Promise<void> => {
    let timer: NodeJS.Timeout | undefined;
    const onAbort = () => {
      timer = setTimeout(() => {
        log.warn('stopping while a backup is still running; its unfinished file is not a backup');
        settle();
      }, deps.stopTimeoutMs ?? 5000);
    };
    let settle = () => {};
    const cutShort = new Promise<void>((resolve) => {
      settle = resolve;
    });
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    try {
      await Promise.race([work, cutShort]);
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    }
  };

  return {
    job: {
      name: 'backup',
      cron: deps.settings.schedule,
      timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
      run: (now, signal) => untilStopped(trigger(now), signal),
    },
    lastSuccessAt: () => lastSuccess,
    runNow: () => trigger(clock.now()),
  };
}
