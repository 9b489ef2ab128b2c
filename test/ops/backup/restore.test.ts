import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { fixedClock } from '../../../src/core/clock.js';
import { UserError } from '../../../src/core/errors.js';
import { silentLogger } from '../../../src/core/logger.js';
import { LOCK_FILE_NAME } from '../../../src/db/data-dir-lock.js';
import type { Database } from '../../../src/db/database.js';
import { openPgliteDatabase } from '../../../src/db/pglite.js';
import { restoreEmbedded } from '../../../src/ops/backup/pglite-restore.js';
import { countPostgresRows, restorePostgres } from '../../../src/ops/backup/postgres-restore.js';
import { type BackupResult, runBackup } from '../../../src/ops/backup/run-backup.js';
import { countRows, type SqlRunner } from '../../../src/ops/backup/table-counts.js';
import {
  createEmptyPostgresDatabase,
  createTestDatabase,
  dropPostgresDatabase,
  postgresAvailable,
  postgresUrlFor,
} from '../../support/test-database.js';
import { seed, targetOf, tempDir } from './backup-support.js';

async function backupOf(database: Database): Promise<Extract<BackupResult, { ok: true }>> {
  const result = await runBackup({
    target: targetOf(database),
    dir: tempDir(),
    retentionDays: 30,
    clock: fixedClock('2026-11-25T03:30:00.000Z'),
    logger: silentLogger(),
  });
  if (!result.ok) throw new Error(result.error);
  return result;
}

describe.skipIf(!postgresAvailable())(
  'GIVEN a verified pg_dump backup of a seeded database [postgres]',
  () => {
    let source: Database;
    let backup: Extract<BackupResult, { ok: true }>;
    const made: string[] = [];

    /** A database on the test server: truly empty, migrated without rows, or seeded differently. */
    async function target(kind: 'empty' | 'migrated' | 'seeded'): Promise<string> {
      const name = await createEmptyPostgresDatabase(kind === 'empty' ? '' : inject('postgresTemplate'));
      made.push(name);
      if (kind === 'seeded') {
        const { openPostgresDatabase } = await import('../../../src/db/postgres.js');
        const db = openPostgresDatabase(
          {
            url: postgresUrlFor(name),
            maxConnections: 2,
            idleTimeoutMs: 1000,
            connectionTimeoutMs: 5000,
            statementTimeoutMs: 0,
            slowQueryMs: 10_000,
          },
          silentLogger(),
        );
        await seed(db, 99);
        await db.close();
      }
      return postgresUrlFor(name);
    }

    beforeAll(async () => {
      source = await createTestDatabase('postgres');
      await seed(source);
      backup = await backupOf(source);
    });
    afterAll(async () => {
      await source?.close();
      for (const name of made) await dropPostgresDatabase(name);
    });

    it('WHEN restored into an empty database THEN every table has the rows of the backup', async () => {
      const url = await target('empty');
      const counts = await restorePostgres({ url, file: backup.backup.file, force: false });
      expect(counts).toEqual(backup.backup.counts);
      expect(counts['public.mood_entries']).toBeGreaterThan(0);
    });

    it('WHEN restored into a migrated database without rows THEN it counts as empty and is restored', async () => {
      const url = await target('migrated');
      const counts = await restorePostgres({ url, file: backup.backup.file, force: false });
      expect(counts).toEqual(backup.backup.counts);
    });

    it('WHEN the database holds data THEN it is refused without --force and left unchanged', async () => {
      const url = await target('seeded');
      const before = await countPostgresRows(url);
      const attempt = restorePostgres({ url, file: backup.backup.file, force: false });
      await expect(attempt).rejects.toBeInstanceOf(UserError);
      await expect(attempt).rejects.toThrow(/holds data .*--force/);
      expect(await countPostgresRows(url)).toEqual(before);
    });

    it('WHEN the database holds data and --force is given THEN its contents are replaced by the backup', async () => {
      const url = await target('seeded');
      expect(await countPostgresRows(url)).not.toEqual(backup.backup.counts);
      const counts = await restorePostgres({ url, file: backup.backup.file, force: true });
      expect(counts).toEqual(backup.backup.counts);
    });

    it('WHEN the archive is damaged THEN the restore fails and the database keeps its data (one transaction)', async () => {
      const url = await target('seeded');
      const before = await countPostgresRows(url);
      const bytes = readFileSync(backup.backup.file);
      const damaged = join(tempDir(), 'damaged.dump');
      writeFileSync(damaged, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
      await expect(restorePostgres({ url, file: damaged, force: true })).rejects.toThrow(/not changed/);
      expect(await countPostgresRows(url)).toEqual(before);
    });
  },
);

describe('GIVEN a verified backup of a seeded embedded database [pglite]', () => {
  let source: Database;
  let backup: Extract<BackupResult, { ok: true }>;
  const now = new Date('2026-11-25T04:00:00.000Z');

  beforeAll(async () => {
    source = await createTestDatabase('pglite');
    await seed(source);
    backup = await backupOf(source);
  });
  afterAll(async () => {
    await source?.close();
  });

  it('WHEN restored into an empty DATA_DIR THEN the bot opens it and finds every row', async () => {
    const dataDir = join(tempDir(), 'data');
    const restored = await restoreEmbedded({ dataDir, file: backup.backup.file, force: false, now });
    expect(restored.counts).toEqual(backup.backup.counts);
    expect(restored.movedAside).toBeUndefined();
    const reopened = await openPgliteDatabase({ dataDir, slowQueryMs: 10_000 }, silentLogger());
    try {
      const client = (reopened.db as unknown as { $client: SqlRunner }).$client;
      expect(await countRows(client)).toEqual(backup.backup.counts);
    } finally {
      await reopened.close();
    }
  });

  it('WHEN DATA_DIR holds data THEN it is refused without --force, and with it replaced (the old kept aside)', async () => {
    const dataDir = tempDir();
    const existing = await openPgliteDatabase({ dataDir, slowQueryMs: 10_000 }, silentLogger());
    await existing.migrate();
    await seed(existing, 99);
    await existing.close();

    await expect(restoreEmbedded({ dataDir, file: backup.backup.file, force: false, now })).rejects.toThrow(
      /holds data .*--force/,
    );
    expect(existsSync(join(dataDir, LOCK_FILE_NAME))).toBe(false);

    const restored = await restoreEmbedded({ dataDir, file: backup.backup.file, force: true, now });
    expect(restored.counts).toEqual(backup.backup.counts);
    expect(restored.movedAside).toBe(join(dataDir, 'pglite.before-restore-2026-11-25T04-00-00-000Z'));
    expect(existsSync(join(restored.movedAside!, 'PG_VERSION'))).toBe(true);
  });

  it('WHEN another process holds DATA_DIR THEN the restore is refused and nothing is touched', async () => {
    const dataDir = tempDir();
    const holder = spawn('sleep', ['30']);
    try {
      writeFileSync(join(dataDir, LOCK_FILE_NAME), String(holder.pid));
      await expect(restoreEmbedded({ dataDir, file: backup.backup.file, force: true, now })).rejects.toThrow(
        /in use by another MoodScale process/,
      );
      expect(existsSync(join(dataDir, 'pglite'))).toBe(false);
    } finally {
      holder.kill();
    }
  });
});
