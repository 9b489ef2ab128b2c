import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/core/clock.js';
import { silentLogger } from '../../../src/core/logger.js';
import type { Database } from '../../../src/db/database.js';
import { openPgliteDatabase } from '../../../src/db/pglite.js';
import { runBackup } from '../../../src/ops/backup/run-backup.js';
import { countRows, type SqlRunner, type TableCounts } from '../../../src/ops/backup/table-counts.js';
import { useMigratedDataDirs } from '../../support/migrated-data-dir.js';
import {
  type CliRun,
  type CliRunOptions,
  runCliInProcess,
  runCliScript,
} from '../../support/run-cli-script.js';
import { createTestDatabase, postgresAvailable } from '../../support/test-database.js';
import { seed, targetOf, tempDir } from './backup-support.js';

/** Only `env` for the database, the backups and the platforms: nothing of the developer's. */
function onlyEnv(env: Record<string, string>): CliRunOptions {
  return { env, drop: (name) => /^(DATABASE_URL|DATA_DIR|BACKUP_|DISCORD_|SLACK_)/.test(name) };
}

/** Runs an npm script's program (src/cli/<script>-main.ts) in this process, with only `env` for the database. */
function cli(script: 'backup' | 'restore', args: string[], env: Record<string, string>): Promise<CliRun> {
  return runCliInProcess(script, args, onlyEnv(env));
}

/**
 * Runs an npm script's file the way `npm run` does (tsx): once per script, to prove its entry
 * (src/cli/<script>.ts) hands the process's arguments, environment and streams to the program and
 * exits with its code (0 for the backup, 1 for the refused restore).
 */
function cliAsProcess(
  script: 'backup' | 'restore',
  args: string[],
  env: Record<string, string>,
): Promise<CliRun> {
  return runCliScript(script, args, onlyEnv(env));
}

/** A verified backup made in this process, for the restore runs (the backup runs are tested above them). */
async function backupInProcess(database: Database): Promise<string> {
  const result = await runBackup({
    target: targetOf(database),
    dir: tempDir(),
    retentionDays: 30,
    clock: systemClock,
    logger: silentLogger(),
  });
  if (!result.ok) throw new Error(result.error);
  return result.backup.file;
}

/** "  public.mood_entries   124" for every table, as the CLI promises. */
function expectCountLines(stdout: string, counts: TableCounts): void {
  for (const [table, n] of Object.entries(counts)) {
    expect(stdout, table).toMatch(new RegExp(`^  ${table.replace('.', '\\.')} +${n}$`, 'm'));
  }
}

describe.skipIf(!postgresAvailable())('GIVEN npm run backup against a seeded PostgreSQL [postgres]', () => {
  let database: Database;
  let url: string;
  let counts: TableCounts;
  let backupFile: string;
  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    await seed(database);
    url = (targetOf(database) as { url: string }).url;
    backupFile = await backupInProcess(database);
    const pg = await import('pg');
    const client = new pg.default.Client({ connectionString: url });
    await client.connect();
    counts = await countRows(client);
    await client.end();
  });
  afterAll(async () => {
    await database?.close();
  });

  it('THEN it prints the file, its size, the rows per table and a passed verification, and exits 0', async () => {
    const dir = tempDir();
    const run = await cli('backup', [], { DATABASE_URL: url, BACKUP_DIR: dir });
    expect(run.code, run.stderr).toBe(0);
    const [file] = readdirSync(dir);
    expect(file).toMatch(/^moodscale-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z\.dump$/);
    expect(run.stdout).toContain(`Backup: ${join(dir, file!)}`);
    expect(run.stdout).toMatch(/^Size: \d+(\.\d)? KB \(pg_dump custom format, compressed\)/m);
    expectCountLines(run.stdout, counts);
    expect(run.stdout).toMatch(
      /^Verification: passed \(restored into moodscale_verify_[0-9a-f]{12}, \d+ tables, every row count equal/m,
    );
  });

  it('WHEN restore is run without --yes and without a terminal THEN it changes nothing and says how to confirm', async () => {
    const run = await cli('restore', [backupFile], { DATABASE_URL: url });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('add --yes');
  });

  it('WHEN restore --yes targets the database holding data THEN it is refused; with --force it restores', async () => {
    const file = backupFile;
    const refused = await cli('restore', [file, '--yes'], { DATABASE_URL: url });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/Refusing to restore: the database moodscale_t_\w+ holds data/);
    const forced = await cli('restore', [file, '--yes', '--force'], { DATABASE_URL: url });
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stdout).toContain(`Restored ${file} into the database`);
    expectCountLines(forced.stdout, counts);
  });

  it('WHEN the database cannot be reached THEN it says the backup failed and exits 1', async () => {
    const bad = new URL(url);
    bad.pathname = '/moodscale_no_such_database';
    const run = await cli('backup', [], { DATABASE_URL: bad.toString(), BACKUP_DIR: tempDir() });
    expect(run.code).toBe(1);
    expect(`${run.stdout}${run.stderr}`).toMatch(/moodscale_no_such_database/);
  });
});

describe('GIVEN npm run backup against a seeded embedded database [pglite]', () => {
  // A DATA_DIR that starts migrated: a copy of the run's migrated PGlite (no initdb here).
  const dataDirs = useMigratedDataDirs('moodscale-backup-data-');
  let dataDir: string;
  let counts: TableCounts;
  let backupFile: string;
  beforeAll(async () => {
    dataDir = await dataDirs();
    const database = await openPgliteDatabase({ dataDir, slowQueryMs: 10_000 }, silentLogger());
    await database.migrate();
    await seed(database);
    counts = await countRows((database.db as unknown as { $client: SqlRunner }).$client);
    backupFile = await backupInProcess(database);
    await database.close();
  });

  it('THEN it backs up DATA_DIR as a verified tarball and prints what it promises', async () => {
    const dir = tempDir();
    const run = await cliAsProcess('backup', [], { DATA_DIR: dataDir, BACKUP_DIR: dir });
    expect(run.code, run.stderr).toBe(0);
    const [file] = readdirSync(dir);
    expect(file).toMatch(/\.pglite\.tar\.gz$/);
    expect(run.stdout).toContain(`Backup: ${join(dir, file!)}`);
    expect(run.stdout).toMatch(/^Size: .* \(PGlite data directory, gzipped tarball\)/m);
    expectCountLines(run.stdout, counts);
    expect(run.stdout).toMatch(/^Verification: passed \(restored into a fresh in-memory PGlite/m);
  });

  it('WHEN restored with --yes into a new DATA_DIR THEN it prints the same counts', async () => {
    const file = backupFile;
    const target = join(tempDir(), 'restored');
    const run = await cli('restore', [file, '--yes'], { DATA_DIR: target });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`into the embedded database in ${target}`);
    expectCountLines(run.stdout, counts);
  });

  it('WHEN a pg_dump file is given without DATABASE_URL THEN it says which variable to set', async () => {
    const file = join(tempDir(), 'x.dump');
    writeFileSync(file, 'PGDMP....');
    const run = await cliAsProcess('restore', [file, '--yes'], { DATA_DIR: tempDir() });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('set DATABASE_URL');
  });
});
