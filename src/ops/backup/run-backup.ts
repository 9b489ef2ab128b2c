import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../core/logger.js';
import { markFailed } from './backup-files.js';
import type { BackupTarget } from './backup-target.js';
import { backupPostgres } from './postgres-backup.js';
import { verifyPostgresBackup } from './postgres-verify.js';
import { pruneBackups } from './retention.js';
import type { TakenBackup } from './taken-backup.js';
import { describeMismatches, type Verification } from './verification.js';

/** One backup run: written and verified (then old backups pruned), or where and why it failed. */
export type BackupResult =
  | { ok: true; backup: TakenBackup; verification: Verification; pruned: string[] }
  | {
      ok: false;
      stage: 'backup' | 'verify';
      error: string;
      /** The file kept for inspection (renamed with .failed) when verification failed. */
      file?: string;
      backup?: TakenBackup;
      verification?: Verification;
    };

export interface RunBackupDeps {
  target: BackupTarget;
  dir: string;
  retentionDays: number;
  clock: Clock;
  logger: Logger;
  /** Told every outcome; the composition root forwards failures to the alerter, successes to metrics. */
  onResult?: (result: BackupResult) => void | Promise<void>;
  preMigration?: boolean;
}

/** Takes a backup, restores it somewhere scratch to prove it, and prunes old ones only after a proof. */
export async function runBackup(deps: RunBackupDeps): Promise<BackupResult> {
  const log = deps.logger.child({ component: 'backup' });
  const result = await backupAndVerify(deps);
  if (result.ok) {
    log.info(
      {
        file: result.backup.file,
        bytes: result.backup.bytes,
        tables: result.verification.tables,
        backupMs: result.backup.durationMs,
        verifyMs: result.verification.durationMs,
        pruned: result.pruned.length,
      },
      'backup written and verified',
    );
  } else {
    log.error({ stage: result.stage, file: result.file, reason: result.error }, 'backup failed');
  }
  try {
    await deps.onResult?.(result);
  } catch (error) {
    log.warn({ err: error }, 'backup result callback failed');
  }
  return result;
}

/** PGlite's code loads with the first embedded backup: a bot on a PostgreSQL server never needs it. */
const embedded = () => import('./pglite-backup.js');

async function backupAndVerify(deps: RunBackupDeps): Promise<BackupResult> {
  const now = deps.clock.now();
  let backup: TakenBackup;
  try {
    backup =
      deps.target.kind === 'postgres'
        ? await backupPostgres({ url: deps.target.url, dir: deps.dir, now, preMigration: deps.preMigration })
        : await (await embedded()).backupEmbedded({
            client: deps.target.client,
            dir: deps.dir,
            now,
            preMigration: deps.preMigration,
          });
  } catch (error) {
    return { ok: false, stage: 'backup', error: error instanceof Error ? error.message : String(error) };
  }
  const verification =
    deps.target.kind === 'postgres'
      ? await verifyPostgresBackup({ url: deps.target.url, file: backup.file, expected: backup.counts })
      : await (await embedded()).verifyEmbeddedBackup(backup.file, backup.counts);
  if (!verification.ok) {
    return {
      ok: false,
      stage: 'verify',
      error: verification.error
        ? `the backup did not restore: ${verification.error}`
        : `restored row counts differ: ${describeMismatches(verification.mismatches)}`,
      file: markFailed(backup.file, deps.dir),
      backup,
      verification,
    };
  }
  const pruned = pruneBackups(deps.dir, deps.retentionDays, now);
  return { ok: true, backup, verification, pruned };
}
