import { readFileSync } from 'node:fs';
import type { PGlite } from '@electric-sql/pglite';
import { beforeEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../../src/core/clock.js';
import { silentLogger } from '../../../src/core/logger.js';
import type { Database } from '../../../src/db/database.js';
import { openPgliteDatabase } from '../../../src/db/pglite.js';
import { appliedMigrations, listMigrations, rollbackMigrations } from '../../../src/db/rollback.js';
import { listBackups } from '../../../src/ops/backup/backup-files.js';
import { backupBeforeMigrating } from '../../../src/ops/backup/pre-migration.js';
import { describeEachDatabase } from '../../support/test-database.js';
import { seed, targetOf, tempDir } from './backup-support.js';

function configFor(database: Database, dir: string, enabled = true, url?: string) {
  const target = targetOf(database);
  return {
    backup: { enabled, dir, retentionDays: 30, schedule: '30 3 * * *' },
    database: {
      url: url ?? (target.kind === 'postgres' ? target.url : undefined),
      maxConnections: 2,
      idleTimeoutMs: 1000,
      connectionTimeoutMs: 5000,
      statementTimeoutMs: 0,
      slowQueryMs: 10_000,
      dataDir: tempDir(),
    },
  };
}

/** rollbackMigrations on PostgreSQL; PGlite runs a multi-statement down script only through exec(). */
async function undoLatest(database: Database): Promise<void> {
  if (database.kind === 'postgres') {
    await rollbackMigrations(database.db, 1);
    return;
  }
  const migration = listMigrations().at(-1)!;
  const client = (database.db as unknown as { $client: PGlite }).$client;
  await client.exec(readFileSync(migration.downPath, 'utf8'));
  await client.query('DELETE FROM drizzle.__drizzle_migrations WHERE created_at = $1', [migration.when]);
}

const clock = fixedClock('2026-11-25T09:00:00.000Z');
const latest = listMigrations().at(-1)!.tag;

describeEachDatabase('GIVEN a database with data and the latest migration not yet applied', (getDb, kind) => {
  let seeded = false;
  beforeEach(async () => {
    if (!seeded) {
      await seed(getDb());
      seeded = true;
    }
    const applied = await appliedMigrations(getDb().db);
    if (applied.includes(latest)) await undoLatest(getDb());
  });

  it('WHEN BACKUP_ENABLED and start-up migrates THEN a verified pre-migration backup is taken first', async () => {
    const dir = tempDir();
    const pending = await backupBeforeMigrating({
      database: getDb(),
      config: configFor(getDb(), dir),
      logger: silentLogger(),
      clock,
    });
    expect(pending).toEqual([latest]);
    const backups = listBackups(dir);
    expect(backups).toHaveLength(1);
    expect(backups[0]).toMatchObject({ preMigration: true, verified: true, takenAt: clock.now() });
    expect(backups[0]?.name).toMatch(/-pre-migration\./);
    await getDb().migrate();
    expect(await appliedMigrations(getDb().db)).toContain(latest);
  });

  it('WHEN BACKUP_ENABLED is false THEN no backup is taken', async () => {
    const dir = tempDir();
    const pending = await backupBeforeMigrating({
      database: getDb(),
      config: configFor(getDb(), dir, false),
      logger: silentLogger(),
      clock,
    });
    expect(pending).toEqual([]);
    expect(listBackups(dir)).toEqual([]);
  });

  it('WHEN nothing is pending THEN no backup is taken', async () => {
    await getDb().migrate();
    const dir = tempDir();
    expect(
      await backupBeforeMigrating({
        database: getDb(),
        config: configFor(getDb(), dir),
        logger: silentLogger(),
        clock,
      }),
    ).toEqual([]);
    expect(listBackups(dir)).toEqual([]);
  });

  if (kind === 'postgres')
    it('WHEN the backup fails THEN start-up stops before migrating, naming the migration and the way out', async () => {
      const url = new URL((targetOf(getDb()) as { url: string }).url);
      url.pathname = '/moodscale_no_such_database';
      await expect(
        backupBeforeMigrating({
          database: getDb(),
          config: configFor(getDb(), tempDir(), true, url.toString()),
          logger: silentLogger(),
          clock,
        }),
      ).rejects.toThrow(new RegExp(`${latest} were not applied.*BACKUP_ENABLED=false`));
      expect(await appliedMigrations(getDb().db)).not.toContain(latest);
    });
});

describe('GIVEN a new database with no migrations applied yet', () => {
  it('WHEN BACKUP_ENABLED and start-up migrates THEN there is nothing to lose and no backup is taken', async () => {
    const database = await openPgliteDatabase({ dataDir: undefined, slowQueryMs: 10_000 }, silentLogger());
    try {
      const dir = tempDir();
      expect(
        await backupBeforeMigrating({
          database,
          config: configFor(database, dir),
          logger: silentLogger(),
          clock,
        }),
      ).toEqual([]);
      expect(listBackups(dir)).toEqual([]);
    } finally {
      await database.close();
    }
  });
});
