import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/core/clock.js';
import { silentLogger } from '../../../src/core/logger.js';
import type { Database } from '../../../src/db/database.js';
import { type BackupJob, type BackupJobDeps, createBackupJob } from '../../../src/jobs/backup-job.js';
import { startScheduler } from '../../../src/jobs/scheduler.js';
import { backupFileName, listBackups } from '../../../src/ops/backup/backup-files.js';
import type { BackupResult } from '../../../src/ops/backup/run-backup.js';
import { createTestDatabase, postgresAvailable } from '../../support/test-database.js';
import { seed, targetOf, tempDir } from './backup-support.js';

/** A backup job on a scheduler of its own, as one instance's app runs it. */
type StartedBackupJob = BackupJob & { stop(): Promise<void> };
function startBackupJob(deps: BackupJobDeps): StartedBackupJob {
  const backup = createBackupJob(deps);
  const scheduler = startScheduler({ jobs: [backup.job], clock: systemClock, logger: deps.logger });
  return { ...backup, stop: () => scheduler.stop() };
}

/** Two instances: the same database and schedule, a shared BACKUP_DIR, each its own job. */
function twoInstances(
  database: Database,
  schedule: string,
  dir: string,
  results: BackupResult[],
): StartedBackupJob[] {
  return [1, 2].map(() =>
    startBackupJob({
      target: targetOf(database),
      settings: { dir, retentionDays: 30, schedule },
      logger: silentLogger(),
      onResult: (r) => {
        results.push(r);
      },
    }),
  );
}

describe.skipIf(!postgresAvailable())(
  'GIVEN two instances scheduling backups of one PostgreSQL [postgres]',
  () => {
    let database: Database;
    beforeAll(async () => {
      database = await createTestDatabase('postgres');
      await seed(database);
    });
    afterAll(async () => {
      await database?.close();
    });

    it('WHEN both trigger at the same moment THEN one backs up and the other skips (advisory lock)', async () => {
      const dir = tempDir();
      const results: BackupResult[] = [];
      // A schedule that never fires during the test: the triggers are driven by hand, simultaneously.
      const jobs = twoInstances(database, '0 0 1 1 *', dir, results);
      try {
        const outcomes = await Promise.all(jobs.map((job) => job.runNow()));
        expect(outcomes.filter((o) => o.ran)).toHaveLength(1);
        expect(outcomes.find((o) => !o.ran)).toMatchObject({
          ran: false,
          reason: 'another instance is backing up',
        });
        expect(listBackups(dir)).toHaveLength(1);
        expect(results.map((r) => r.ok)).toEqual([true]);
      } finally {
        await Promise.all(jobs.map((job) => job.stop()));
      }
    });

    it('WHEN the database cannot be reached at backup time THEN the failure is reported to onResult', async () => {
      const url = new URL((targetOf(database) as { url: string }).url);
      url.pathname = '/moodscale_no_such_database';
      const results: BackupResult[] = [];
      const job = startBackupJob({
        target: { kind: 'postgres', url: url.toString() },
        settings: { dir: tempDir(), retentionDays: 30, schedule: '0 0 1 1 *' },
        logger: silentLogger(),
        onResult: (r) => {
          results.push(r);
        },
      });
      try {
        expect(await job.runNow()).toMatchObject({ ran: false });
        expect(results).toHaveLength(1);
        expect(results[0]).toMatchObject({ ok: false, stage: 'backup' });
        expect(results[0]?.ok === false && results[0].error).toMatch(/moodscale_no_such_database/);
      } finally {
        await job.stop();
      }
    });

    it('WHEN the cron fires every second on both for three seconds THEN exactly one backup is made', async () => {
      const dir = tempDir();
      const results: BackupResult[] = [];
      const jobs = twoInstances(database, '* * * * * *', dir, results);
      await sleep(3200);
      await Promise.all(jobs.map((job) => job.stop()));
      expect(listBackups(dir)).toHaveLength(1);
      expect(results).toHaveLength(1);
      expect(results[0]?.ok).toBe(true);
      // Both know when the last good backup was: the winner from its run, the other reads it at start next time.
      const winner = jobs.find((job) => job.lastSuccessAt() !== undefined);
      expect(winner?.lastSuccessAt()).toEqual(listBackups(dir)[0]?.takenAt);
    });
  },
);

describe('GIVEN the backup job on the embedded database [pglite]', () => {
  let database: Database;
  beforeAll(async () => {
    database = await createTestDatabase('pglite');
    await seed(database);
  });
  afterAll(async () => {
    await database?.close();
  });

  it('WHEN BACKUP_DIR already holds backups THEN lastSuccessAt starts from the newest verified one', async () => {
    const dir = tempDir();
    const good = new Date('2026-11-20T03:30:00.000Z');
    writeFileSync(join(dir, backupFileName('pglite', good)), 'x');
    writeFileSync(join(dir, `${backupFileName('pglite', new Date('2026-11-21T03:30:00.000Z'))}.failed`), 'x');
    const job = startBackupJob({
      target: targetOf(database),
      settings: { dir, retentionDays: 30, schedule: '0 0 1 1 *' },
      logger: silentLogger(),
    });
    expect(job.lastSuccessAt()).toEqual(good);
    await job.stop();
  });

  it('WHEN the schedule fires THEN a verified backup is written, reported, and stop() ends the schedule', async () => {
    const dir = tempDir();
    const results: BackupResult[] = [];
    const job = startBackupJob({
      target: targetOf(database),
      settings: { dir, retentionDays: 30, schedule: '* * * * * *' },
      logger: silentLogger(),
      onResult: (r) => {
        results.push(r);
      },
    });
    const deadline = Date.now() + 15_000;
    while (results.length === 0 && Date.now() < deadline) await sleep(100);
    await job.stop();
    expect(results[0]?.ok).toBe(true);
    expect(job.lastSuccessAt()).toBeInstanceOf(Date);
    const count = listBackups(dir).length;
    await sleep(1500);
    expect(listBackups(dir)).toHaveLength(count);
  });
});
