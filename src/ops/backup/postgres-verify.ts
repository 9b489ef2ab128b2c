import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { runTool, toolConnection, urlForDatabase } from './run-tool.js';
import { compareCounts, countRows, quoteIdent, type TableCounts } from './table-counts.js';
import type { Verification } from './verification.js';

export interface PostgresVerifyOptions {
  /** The database the backup came from; the scratch database is created on the same server. */
  url: string;
  file: string;
  expected: TableCounts;
  pgRestore?: string;
}

/** Prefix of scratch databases, so that a leftover one (a killed process) is recognisable. */
export const VERIFY_DATABASE_PREFIX = 'moodscale_verify_';

/**
 * Restores `file` into a new scratch database on the same server (same encoding and locale as the
 * source), counts its rows per table, compares them with the counts taken at dump time, and drops the
 * scratch database whatever happened. Never throws: a failure is a result the caller alerts on.
 */
export async function verifyPostgresBackup(options: PostgresVerifyOptions): Promise<Verification> {
  const started = performance.now();
  const scratch = `${VERIFY_DATABASE_PREFIX}${randomBytes(6).toString('hex')}`;
  const result = (partial: Omit<Verification, 'restoredInto' | 'durationMs'>): Verification => ({
    ...partial,
    restoredInto: scratch,
    durationMs: Math.round(performance.now() - started),
  });
  let created = false;
  try {
    await withClient(options.url, async (admin) => {
      const { rows } = await admin.query<{ encoding: string; collate: string; ctype: string }>(
        `SELECT pg_encoding_to_char(encoding) AS encoding, datcollate AS collate, datctype AS ctype
           FROM pg_database WHERE datname = current_database()`,
      );
      const source = rows[0]!;
      await admin.query(
        `CREATE DATABASE ${quoteIdent(scratch)} TEMPLATE template0 ENCODING ${literal(source.encoding)}
           LC_COLLATE ${literal(source.collate)} LC_CTYPE ${literal(source.ctype)}`,
      );
      created = true;
    });
    const scratchUrl = urlForDatabase(options.url, scratch);
    const connection = toolConnection(scratchUrl, 'moodscale-backup-verify');
    await runTool(
      options.pgRestore ?? 'pg_restore',
      ['--no-owner', '--no-privileges', '--exit-on-error', `--dbname=${connection.url}`, options.file],
      connection.env,
    );
    const counts = await withClient(scratchUrl, (client) => countRows(client));
    const mismatches = compareCounts(options.expected, counts);
    return result({ ok: mismatches.length === 0, tables: Object.keys(counts).length, counts, mismatches });
  } catch (error) {
    return result({
      ok: false,
      tables: 0,
      counts: {},
      mismatches: [],
      error: error instanceof Error ? error.message : String(error),
    });
  } finally {
    if (created) {
      await withClient(options.url, (admin) =>
        admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(scratch)} WITH (FORCE)`),
      ).catch(() => undefined);
    }
  }
}

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, application_name: 'moodscale-backup-verify' });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

function literal(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}
