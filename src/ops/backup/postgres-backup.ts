import { mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { backupFileName, partialPathFor, publishBackup } from './backup-files.js';
import { runTool, toolConnection } from './run-tool.js';
import { countRows } from './table-counts.js';
import type { TakenBackup } from './taken-backup.js';

export interface PostgresBackupOptions {
  url: string;
  dir: string;
  now: Date;
  preMigration?: boolean;
  pgDump?: string;
}

/**
 * pg_dump in custom format, compressed, into `dir` under a timestamped name.
 *
 * The counts must describe exactly what the file holds, or verification would flag rows written
 * during the dump (or miss rows lost by it). So one REPEATABLE READ transaction exports its snapshot,
 * counts every table in it, and stays open while pg_dump reads the same snapshot (--snapshot).
 */
export async function backupPostgres(options: PostgresBackupOptions): Promise<TakenBackup> {
  const started = performance.now();
  mkdirSync(options.dir, { recursive: true, mode: 0o700 });
  const name = backupFileName('pg_dump', options.now, options.preMigration);
  const finalPath = join(options.dir, name);
  const partialPath = partialPathFor(options.dir, name);
  const client = new pg.Client({ connectionString: options.url, application_name: 'moodscale-backup' });
  await client.connect();
  try {
    // The snapshot lives as long as this transaction: a server-side idle timeout must not end it.
    await client.query('SET idle_in_transaction_session_timeout = 0');
    await client.query('SET statement_timeout = 0');
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    const { rows } = await client.query<{ id: string }>('SELECT pg_export_snapshot() AS id');
    const snapshot = rows[0]!.id;
    const counts = await countRows(client);
    const connection = toolConnection(options.url);
    try {
      await runTool(
        options.pgDump ?? 'pg_dump',
        [
          '--format=custom',
          '--compress=6',
          `--snapshot=${snapshot}`,
          `--file=${partialPath}`,
          `--dbname=${connection.url}`,
        ],
        connection.env,
      );
      publishBackup(partialPath, finalPath, options.dir);
    } catch (error) {
      rmSync(partialPath, { force: true });
      throw error;
    }
    await client.query('COMMIT');
    return {
      format: 'pg_dump',
      file: finalPath,
      bytes: statSync(finalPath).size,
      takenAt: options.now,
      durationMs: Math.round(performance.now() - started),
      counts,
    };
  } finally {
    await client.end().catch(() => undefined);
  }
}
