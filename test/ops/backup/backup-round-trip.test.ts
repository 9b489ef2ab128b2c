import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { fixedClock, systemClock } from '../../../src/core/clock.js';
import { silentLogger } from '../../../src/core/logger.js';
import type { Database } from '../../../src/db/database.js';
import { createUser } from '../../../src/db/repositories/users.js';
import { listBackups, parseBackupFileName } from '../../../src/ops/backup/backup-files.js';
import { verifyEmbeddedBackup } from '../../../src/ops/backup/pglite-backup.js';
import { verifyPostgresBackup } from '../../../src/ops/backup/postgres-verify.js';
import { type BackupResult, runBackup } from '../../../src/ops/backup/run-backup.js';
import { countRows } from '../../../src/ops/backup/table-counts.js';
import { withAdmin } from '../../support/postgres-admin.js';
import {
  createTestDatabase,
  databaseKinds,
  describeEachDatabase,
  postgresAvailable,
} from '../../support/test-database.js';
import { seed, targetOf, tempDir } from './backup-support.js';

describeEachDatabase('GIVEN a database with rows in several tables', (getDb, kind) => {
  let dir: string;
  let result: BackupResult;
  const results: BackupResult[] = [];

  beforeAll(async () => {
    await seed(getDb());
    dir = tempDir();
    result = await runBackup({
      target: targetOf(getDb()),
      dir,
      retentionDays: 30,
      clock: fixedClock('2026-11-25T03:30:00.000Z'),
      logger: silentLogger(),
      onResult: (r) => {
        results.push(r);
      },
    });
  });

  it('WHEN it is backed up THEN the verified file is in BACKUP_DIR under a timestamped name', () => {
    expect(result.ok, result.ok ? '' : result.error).toBe(true);
    if (!result.ok) return;
    expect(basename(result.backup.file)).toBe(
      kind === 'postgres'
        ? 'moodscale-2026-11-25T03-30-00-000Z.dump'
        : 'moodscale-2026-11-25T03-30-00-000Z.pglite.tar.gz',
    );
    expect(statSync(result.backup.file).size).toBe(result.backup.bytes);
    expect(listBackups(dir).map((b) => b.path)).toEqual([result.backup.file]);
  });

  it('THEN the file is in the promised format (pg_dump custom archive, or gzip tarball)', () => {
    if (!result.ok) throw new Error(result.error);
    const head = readFileSync(result.backup.file).subarray(0, 5);
    if (kind === 'postgres') expect(head.toString('latin1')).toBe('PGDMP');
    else expect([head[0], head[1]]).toEqual([0x1f, 0x8b]);
  });

  it('THEN the counts taken at dump time match the source, in every seeded table', async () => {
    if (!result.ok) throw new Error(result.error);
    const client = targetOf(getDb());
    const source =
      client.kind === 'pglite'
        ? await countRows(client.client)
        : Object.fromEntries(
            await Promise.all(
              Object.keys(result.backup.counts).map(async (table) => {
                const [schema, name] = table.split('.');
                const rows = (await getDb().db.execute(
                  sql.raw(`SELECT count(*)::int AS n FROM "${schema}"."${name}"`),
                )) as unknown as { rows: { n: number }[] };
                return [table, rows.rows[0]!.n];
              }),
            ),
          );
    expect(result.backup.counts).toEqual(source);
    for (const table of ['users', 'chat_identities', 'user_settings', 'mood_entries', 'music_analysis']) {
      expect(result.backup.counts[`public.${table}`], table).toBeGreaterThan(0);
    }
  });

  it('THEN verification restored it elsewhere and found the same counts per table', () => {
    if (!result.ok) throw new Error(result.error);
    expect(result.verification.ok).toBe(true);
    expect(result.verification.mismatches).toEqual([]);
    expect(result.verification.counts).toEqual(result.backup.counts);
    expect(result.verification.tables).toBeGreaterThanOrEqual(8);
  });

  it('THEN onResult was told the outcome once', () => {
    expect(results).toHaveLength(1);
    expect(results[0]?.ok).toBe(true);
  });

  it('WHEN the backup file is corrupted THEN verification fails with a reason', async () => {
    if (!result.ok) throw new Error(result.error);
    const bytes = readFileSync(result.backup.file);
    const corrupt = Buffer.from(bytes);
    // Overwrite a run of bytes in the middle: the compressed data no longer decodes.
    corrupt.fill(0x5a, Math.floor(bytes.length / 3), Math.floor(bytes.length / 3) + 512);
    const file = `${dir}/corrupted-copy`;
    writeFileSync(file, corrupt);
    const verification =
      kind === 'postgres'
        ? await verifyPostgresBackup({
            url: (targetOf(getDb()) as { url: string }).url,
            file,
            expected: result.backup.counts,
          })
        : await verifyEmbeddedBackup(file, result.backup.counts);
    expect(verification.ok).toBe(false);
    expect(verification.error ?? verification.mismatches.length).toBeTruthy();
  });

  it('WHEN the backup file is cut short THEN verification fails', async () => {
    if (!result.ok) throw new Error(result.error);
    const bytes = readFileSync(result.backup.file);
    const file = `${dir}/truncated-copy`;
    writeFileSync(file, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const verification =
      kind === 'postgres'
        ? await verifyPostgresBackup({
            url: (targetOf(getDb()) as { url: string }).url,
            file,
            expected: result.backup.counts,
          })
        : await verifyEmbeddedBackup(file, result.backup.counts);
    expect(verification.ok).toBe(false);
  });

  it('WHEN the restored counts differ from the source THEN verification fails naming the table', async () => {
    if (!result.ok) throw new Error(result.error);
    const expected = {
      ...result.backup.counts,
      'public.mood_entries': result.backup.counts['public.mood_entries']! + 1,
    };
    const verification =
      kind === 'postgres'
        ? await verifyPostgresBackup({
            url: (targetOf(getDb()) as { url: string }).url,
            file: result.backup.file,
            expected,
          })
        : await verifyEmbeddedBackup(result.backup.file, expected);
    expect(verification.ok).toBe(false);
    expect(verification.mismatches.map((m) => m.table)).toEqual(['public.mood_entries']);
  });

  it('THEN no scratch database is left behind', async () => {
    if (kind !== 'postgres') return;
    const rows = (await getDb().db.execute(
      sql`SELECT count(*)::int AS n FROM pg_database WHERE datname LIKE 'moodscale_verify_%'`,
    )) as unknown as { rows: { n: number }[] };
    expect(rows.rows[0]!.n).toBe(0);
  });
});

describe('GIVEN backup file names', () => {
  it('THEN a name we wrote parses back to its time and format, and foreign names do not', () => {
    expect(parseBackupFileName('moodscale-2026-01-02T03-04-05-006Z-pre-migration.dump')).toMatchObject({
      takenAt: new Date('2026-01-02T03:04:05.006Z'),
      format: 'pg_dump',
      preMigration: true,
      verified: true,
    });
    expect(parseBackupFileName('moodscale-2026-01-02T03-04-05-006Z.pglite.tar.gz.failed')).toMatchObject({
      format: 'pglite',
      verified: false,
    });
    for (const name of [
      'notes.txt',
      'moodscale-latest.dump',
      '.moodscale-2026-01-02T03-04-05-006Z.dump.partial-1',
    ]) {
      expect(parseBackupFileName(name), name).toBeUndefined();
    }
  });
});

describe.each(databaseKinds)('GIVEN rows being written while the backup runs [%s]', (kind) => {
  it.skipIf(kind === 'postgres' && !postgresAvailable())(
    'THEN the counts describe exactly the dumped snapshot and verification passes',
    async () => {
      const database = await createTestDatabase(kind);
      try {
        await seed(database);
        const before = await countUsers(database);
        let writing = true;
        let written = 0;
        const writer = (async () => {
          while (writing) {
            await createUser(database.db, `during-dump-${written}`);
            written++;
            // PGlite answers without I/O: yield, or this loop would starve the timers and the backup.
            await new Promise((r) => setImmediate(r));
          }
        })();
        // Let the writer get going so that the dump certainly overlaps it.
        while (written < 20) await new Promise((r) => setTimeout(r, 5));
        const result = await runBackup({
          target: targetOf(database),
          dir: tempDir(),
          retentionDays: 30,
          clock: systemClock,
          logger: silentLogger(),
        });
        writing = false;
        await writer;
        const after = await countUsers(database);
        expect(result.ok, result.ok ? '' : result.error).toBe(true);
        if (!result.ok) return;
        const dumped = result.backup.counts['public.users']!;
        // Rows kept arriving during the dump: the file holds some of them, not those after its snapshot.
        expect(dumped).toBeGreaterThan(before);
        expect(after).toBeGreaterThan(dumped);
        expect(result.verification.counts['public.users']).toBe(dumped);
      } finally {
        await database.close();
      }
    },
  );
});

async function countUsers(database: Database): Promise<number> {
  const result = (await database.db.execute(sql`SELECT count(*)::int AS n FROM users`)) as unknown as {
    rows: { n: number }[];
  };
  return result.rows[0]!.n;
}

describe.skipIf(!postgresAvailable())(
  'GIVEN a database role that may read but not create databases [postgres]',
  () => {
    it('THEN the backup is written but verification fails, the file is set aside as .failed, and onResult hears it', async () => {
      const database = await createTestDatabase('postgres');
      const role = `moodscale_reader_${Date.now().toString(36)}`;
      const server = (targetOf(database) as { url: string }).url;
      await database.db.execute(
        sql.raw(`CREATE ROLE ${role} LOGIN NOCREATEDB; GRANT pg_read_all_data TO ${role}`),
      );
      try {
        await seed(database);
        const url = new URL(server);
        url.username = role;
        const dir = tempDir();
        const results: BackupResult[] = [];
        const result = await runBackup({
          target: { kind: 'postgres', url: url.toString() },
          dir,
          retentionDays: 30,
          clock: systemClock,
          logger: silentLogger(),
          onResult: (r) => {
            results.push(r);
          },
        });
        expect(result).toMatchObject({ ok: false, stage: 'verify' });
        if (result.ok) return;
        expect(result.error).toMatch(/permission denied to create database/);
        expect(result.file).toMatch(/\.dump\.failed$/);
        expect(listBackups(dir)).toEqual([expect.objectContaining({ path: result.file, verified: false })]);
        expect(results).toEqual([result]);
      } finally {
        await database.close();
        await withAdmin(inject('postgresUrl'), (admin) => admin.query(`DROP ROLE IF EXISTS ${role}`));
      }
    });
  },
);
