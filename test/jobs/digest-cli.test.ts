import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/logger.js';
import type { Database } from '../../src/db/database.js';
import { openPostgresDatabase } from '../../src/db/postgres.js';
import { findDigestDelivery } from '../../src/db/repositories/digest-deliveries.js';
import { type CliRun, type CliRunOptions, runCliInProcess, runCliScript } from '../support/run-cli-script.js';
import { tempDir } from '../support/temp-dir.js';
import { postgresAvailable, useMigratedPostgresDatabases } from '../support/test-database.js';
import { activeWeek, digestUser, inspectPng } from './digest-support.js';

/** Only `env`: no platform token or database of the developer's. */
const onlyEnv = (env: Record<string, string>): CliRunOptions => ({
  env,
  drop: (name) => /^(DATABASE_URL|DISCORD_|SLACK_|OPENAI_)/.test(name),
});

const result = (run: CliRun) => ({ code: run.code, out: run.stdout, err: run.stderr });

/** `npm run digest`'s program (src/cli/digest-main.ts), run in this process. */
async function runDigestCli(args: string[], env: Record<string, string>) {
  return result(await runCliInProcess('digest', args, onlyEnv(env)));
}

/**
 * The CLI as `npm run digest` runs it, as a process: for the one test that proves the entry
 * (src/cli/digest.ts) hands the process's arguments, environment and streams to the program.
 */
async function runDigestCliAsProcess(args: string[], env: Record<string, string>) {
  return result(await runCliScript('digest', args, onlyEnv(env)));
}

describe.skipIf(!postgresAvailable())('npm run digest [postgres]', () => {
  const databases = useMigratedPostgresDatabases();
  let database: Database;
  let env: Record<string, string>;
  let userId: number;
  let dataDir: string;

  beforeAll(async () => {
    const { url } = await databases.create();
    database = openPostgresDatabase(
      {
        url,
        maxConnections: 2,
        idleTimeoutMs: 1000,
        connectionTimeoutMs: 5000,
        statementTimeoutMs: 30_000,
        slowQueryMs: 10_000,
      },
      silentLogger(),
    );
    userId = await digestUser(database.db, { discord: '612345678901234567', ...activeWeek() });
    dataDir = tempDir('moodscale-digest-cli-');
    env = {
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      DATABASE_URL: url,
      DATA_DIR: dataDir,
      ENCRYPTION_KEY: 'c'.repeat(64),
    };
  }, 60_000);

  afterAll(async () => {
    await database?.close();
  });

  it('GIVEN --dry-run THEN it prints the digest and the chart path, writes a PNG there, and claims nothing', async () => {
    const r = await runDigestCliAsProcess(['--week', '2026-W47', '--user', String(userId), '--dry-run'], env);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain(`--- user ${userId}, 2026-W47: digest ---`);
    expect(r.out).toContain('Average mood 6.5 over 4 entries');
    expect(r.out).toContain(
      'Dry run of 2026-W47: 1 digest computed for 1 user; nothing was claimed or sent.',
    );
    const path = /Chart: (.+\.png)/.exec(r.out)?.[1];
    expect(path).toBeDefined();
    expect(path!.startsWith(join(dataDir, 'digests', '2026-W47'))).toBe(true);
    expect(existsSync(path!)).toBe(true);
    expect(inspectPng(readFileSync(path!)).width).toBe(640);
    expect(await findDigestDelivery(database.db, userId, '2026-W47')).toBeUndefined();
  }, 60_000);

  it('GIVEN no Discord or Slack and no --dry-run THEN it says nothing can be sent and exits 1', async () => {
    const r = await runDigestCli(['--week', '2026-W47'], env);
    expect(r.code).toBe(1);
    expect(r.err).toContain('Nothing can be sent');
    expect(await findDigestDelivery(database.db, userId, '2026-W47')).toBeUndefined();
  }, 60_000);

  it('GIVEN --dry-run --user with an id no user has THEN it says there is no such user and exits 1', async () => {
    const r = await runDigestCli(['--week', '2026-W47', '--dry-run', '--user', '99999'], env);
    expect(r.code).toBe(1);
    expect(r.err).toContain(
      'No such user: 99999 (no MoodScale user has that id), so nothing was computed or sent.',
    );
    expect(r.out).not.toContain('computed for');
  }, 60_000);

  it('GIVEN a week that does not exist THEN it says what it expects and exits 1', async () => {
    const r = await runDigestCli(['--week', '2025-W53', '--dry-run'], env);
    expect(r.code).toBe(1);
    expect(r.err).toContain('--week expects an ISO week such as 2026-W47');
  }, 60_000);
});
