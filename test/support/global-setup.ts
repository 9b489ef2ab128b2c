import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { silentLogger } from '../../src/core/logger.js';
import { dumpPglite, openPgliteDatabase } from '../../src/db/pglite.js';
import {
  DEFAULT_TEST_DATABASE_URL,
  isReachable,
  quoteIdent,
  urlForDatabase,
  withAdmin,
} from './postgres-admin.js';
import { startRunTmpdir } from './run-tmpdir.js';
import { migrateDatabaseAt } from './scratch-database.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Server URL (maintenance database) for real-PostgreSQL tests, or '' when they are skipped. */
    postgresUrl: string;
    /** A migrated database to CREATE DATABASE ... TEMPLATE from. */
    postgresTemplate: string;
    /** A file holding a migrated PGlite data directory (dumpDataDir) that test databases start from. */
    pgliteImage: string;
  }
}

/**
 * Gives the run a temp folder of its own (test/support/run-tmpdir.ts: the run fails when a test leaves
 * something in it), then prepares PostgreSQL.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const runTmpdir = startRunTmpdir();
  const image = join(runTmpdir.path, 'moodscale-pglite-image.tar');
  let teardownPostgres: () => Promise<void>;
  try {
    // Made once for the run: a fresh PGlite (initdb) and its migrations cost a test file several seconds.
    [teardownPostgres] = await Promise.all([setupPostgres(project), writeMigratedPgliteImage(image)]);
    project.provide('pgliteImage', image);
  } catch (error) {
    rmSync(image, { force: true });
    runTmpdir.finish();
    throw error;
  }
  return async () => {
    try {
      await teardownPostgres();
    } finally {
      rmSync(image, { force: true });
      runTmpdir.finish();
    }
  };
}

async function writeMigratedPgliteImage(path: string): Promise<void> {
  const database = await openPgliteDatabase({ dataDir: undefined, slowQueryMs: 10_000 }, silentLogger());
  try {
    await database.migrate();
    writeFileSync(path, Buffer.from(await (await dumpPglite(database)).arrayBuffer()));
  } finally {
    await database.close();
  }
}

/**
 * Real PostgreSQL is used when TEST_DATABASE_URL is set, or when the local server of the README is up.
 * REQUIRE_POSTGRES_TESTS=1 (set by .ci/run) turns "not reachable" into a failure instead of a skip.
 */
async function setupPostgres(project: TestProject): Promise<() => Promise<void>> {
  const explicit = process.env.TEST_DATABASE_URL?.trim();
  const url = explicit || DEFAULT_TEST_DATABASE_URL;
  const required = process.env.REQUIRE_POSTGRES_TESTS === '1';
  if (!(await isReachable(url))) {
    if (required || explicit) {
      throw new Error(`Real-PostgreSQL tests are required but ${redact(url)} is not reachable.`);
    }
    process.stderr.write(
      `\n[moodscale] PostgreSQL at ${redact(url)} is not reachable: real-PostgreSQL tests are skipped.\n`,
    );
    project.provide('postgresUrl', '');
    project.provide('postgresTemplate', '');
    return async () => {};
  }

  const template = `moodscale_tmpl_${process.pid}_${Date.now().toString(36)}`;
  await withAdmin(url, async (admin) => {
    await dropStaleTestDatabases(admin);
    await admin.query(`CREATE DATABASE ${quoteIdent(template)}`);
  });
  await migrateDatabaseAt(urlForDatabase(url, template));

  project.provide('postgresUrl', url);
  project.provide('postgresTemplate', template);
  return async () => {
    await withAdmin(url, (admin) =>
      admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(template)} WITH (FORCE)`),
    );
  };
}

/** Databases left by a run that was killed; older than an hour so a parallel run is never touched. */
async function dropStaleTestDatabases(admin: import('pg').Client): Promise<void> {
  const { rows } = await admin.query<{ datname: string }>(
    `SELECT d.datname FROM pg_database d
      WHERE d.datname ~ '^moodscale_(tmpl|t)_'
        AND (pg_stat_file('base/' || d.oid || '/PG_VERSION', true)).modification < now() - interval '1 hour'`,
  );
  for (const { datname } of rows) {
    await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(datname)} WITH (FORCE)`).catch(() => undefined);
  }
}

function redact(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}
