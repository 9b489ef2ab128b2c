import { spawn } from 'node:child_process';
import pg from 'pg';
import { UserError } from '../../core/errors.js';
import { plural } from '../../core/plural.js';
import { databaseNameOf, toolConnection } from './run-tool.js';
import { countRows, holdsData, quoteIdent, type TableCounts } from './table-counts.js';

export interface PostgresRestoreOptions {
  url: string;
  file: string;
  /** Replace a database that holds data. */
  force: boolean;
  pgRestore?: string;
  psql?: string;
}

/** The database's rows per table now (empty when it has no tables). */
export async function countPostgresRows(url: string): Promise<TableCounts> {
  const client = new pg.Client({ connectionString: url, application_name: 'moodscale-restore' });
  await client.connect();
  try {
    return await countRows(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Replaces the database's contents with a pg_dump archive, all or nothing: the old schemas are dropped
 * and the archive's SQL (pg_restore to stdout) applied by psql in ONE transaction, so a restore that
 * fails half way leaves the database as it was. Refuses a database holding data unless `force`.
 */
export async function restorePostgres(options: PostgresRestoreOptions): Promise<TableCounts> {
  const before = await countPostgresRows(options.url);
  if (holdsData(before) && !options.force) {
    throw new UserError(
      `Refusing to restore: the database ${databaseNameOf(options.url)} holds data ` +
        `(${describeNonEmpty(before)}). Restore into an empty database, or add --force to replace everything in it.`,
      'RESTORE_NOT_EMPTY',
    );
  }
  const schemas = await userSchemas(options.url);
  const prelude = [
    'SET client_min_messages = warning;',
    ...schemas.filter((s) => s !== 'public').map((s) => `DROP SCHEMA ${quoteIdent(s)} CASCADE;`),
    // public itself stays (PostgreSQL 15 gives it to pg_database_owner); only what is in it goes.
    ...(schemas.includes('public') ? ['DROP SCHEMA public CASCADE;', 'CREATE SCHEMA public;'] : []),
    '',
  ].join('\n');
  const target = toolConnection(options.url, 'moodscale-restore');
  await pipeArchiveIntoPsql(options, prelude, target);
  return countPostgresRows(options.url);
}

/**
 * pg_restore turns the archive into SQL and psql applies it in one transaction after the prelude. psql
 * commits at the end of its input, so it only gets that end once pg_restore has read the whole archive
 * successfully; if pg_restore fails (a damaged file), psql is killed mid-transaction and the server
 * rolls everything back, the prelude's DROPs included.
 */
async function pipeArchiveIntoPsql(
  options: PostgresRestoreOptions,
  prelude: string,
  target: { url: string; env: Record<string, string> },
): Promise<void> {
  const psql = spawn(
    options.psql ?? 'psql',
    ['--no-psqlrc', '--quiet', '--single-transaction', '--set=ON_ERROR_STOP=1', `--dbname=${target.url}`],
    { env: { ...process.env, ...target.env }, stdio: ['pipe', 'ignore', 'pipe'] },
  );
  const dump = spawn(
    options.pgRestore ?? 'pg_restore',
    ['--no-owner', '--no-privileges', '--file=-', options.file],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const psqlDone = exitOf(psql, 'psql');
  const dumpDone = exitOf(dump, 'pg_restore');
  psql.stdin.on('error', () => undefined);
  psql.stdin.write(prelude);
  dump.stdout.pipe(psql.stdin, { end: false });
  const dumped = await dumpDone;
  if (dumped.code !== 0) {
    psql.kill('SIGKILL');
    await psqlDone;
    throw new Error(
      `pg_restore could not read ${options.file}: ${dumped.stderr || dumped.error || `exit code ${dumped.code}`}. The database was not changed.`,
    );
  }
  psql.stdin.end();
  const applied = await psqlDone;
  if (applied.code !== 0) {
    throw new Error(
      `psql could not apply ${options.file}: ${applied.stderr || applied.error || `exit code ${applied.code}`}. The database was not changed.`,
    );
  }
}

function exitOf(
  child: ReturnType<typeof spawn>,
  name: string,
): Promise<{ code: number | null; stderr: string; error?: string }> {
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    if (stderr.length < 8000) stderr += chunk;
  });
  return new Promise((resolve) => {
    child.on('error', (error) =>
      resolve({
        code: -1,
        stderr: '',
        error:
          (error as NodeJS.ErrnoException).code === 'ENOENT'
            ? `${name} was not found: install the PostgreSQL client tools (postgresql-client)`
            : error.message,
      }),
    );
    child.on('close', (code) => resolve({ code, stderr: stderr.trim() }));
  });
}

async function userSchemas(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url, application_name: 'moodscale-restore' });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>(
      `SELECT nspname AS name FROM pg_namespace
        WHERE nspname NOT IN ('pg_catalog', 'information_schema')
          AND nspname NOT LIKE 'pg\\_toast%' AND nspname NOT LIKE 'pg\\_temp%' ORDER BY 1`,
    );
    return rows.map((r) => r.name);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export function describeNonEmpty(counts: TableCounts): string {
  const tables = Object.entries(counts).filter(([t, n]) => n > 0 && !t.startsWith('drizzle.'));
  const shown = tables.slice(0, 4).map(([t, n]) => `${plural(n, 'row')} in ${t.replace(/^public\./, '')}`);
  return `${shown.join(', ')}${tables.length > 4 ? `, and ${plural(tables.length - 4, 'more table')}` : ''}`;
}
