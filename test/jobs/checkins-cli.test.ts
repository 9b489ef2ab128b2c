import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/logger.js';
import type { Database } from '../../src/db/database.js';
import { openPostgresDatabase } from '../../src/db/postgres.js';
import { attachIdentity } from '../../src/db/repositories/chat-identities.js';
import { saveCheckinSchedule } from '../../src/db/repositories/checkins.js';
import { newUser } from '../support/fixtures.js';
import { queryRows } from '../support/query-rows.js';
import { type CliRun, type CliRunOptions, runCliInProcess, runCliScript } from '../support/run-cli-script.js';
import { tempDir } from '../support/temp-dir.js';
import { postgresAvailable, useMigratedPostgresDatabases } from '../support/test-database.js';

const NINE_AM = 540;

/** Only `env`: no platform token or database of the developer's. */
const onlyEnv = (env: Record<string, string>): CliRunOptions => ({
  env,
  drop: (name) => /^(DATABASE_URL|DISCORD_|SLACK_|OPENAI_)/.test(name),
});

const result = (run: CliRun) => ({ code: run.code, out: run.stdout, err: run.stderr });

/** `npm run checkins`'s program (src/cli/checkins-main.ts), run in this process. */
async function runCheckinsCli(args: string[], env: Record<string, string>) {
  return result(await runCliInProcess('checkins', args, onlyEnv(env)));
}

/**
 * The CLI as `npm run checkins` runs it, as a process: for the one test that proves the entry
 * (src/cli/checkins.ts) hands the process's arguments, environment and streams to the program.
 */
async function runCheckinsCliAsProcess(args: string[], env: Record<string, string>) {
  return result(await runCliScript('checkins', args, onlyEnv(env)));
}

describe.skipIf(!postgresAvailable())('npm run checkins [postgres]', () => {
  const databases = useMigratedPostgresDatabases();
  let database: Database;
  let env: Record<string, string>;
  let discordUser: number;
  let consoleUser: number;

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
    const now = new Date();
    for (const platform of ['discord', 'console'] as const) {
      const user = await newUser(database.db, platform);
      await attachIdentity(
        database.db,
        { platform, workspaceId: '', externalUserId: `${platform}-${user.id}` },
        user.id,
      );
      await saveCheckinSchedule(database.db, user.id, { enabled: true, times: [NINE_AM] }, now);
      if (platform === 'discord') discordUser = user.id;
      else consoleUser = user.id;
    }
    env = {
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      DATABASE_URL: url,
      DATA_DIR: tempDir('moodscale-checkins-cli-'),
      ENCRYPTION_KEY: 'c'.repeat(64),
    };
  }, 60_000);

  afterAll(async () => {
    await database?.close();
  });

  it("GIVEN --dry-run at a user's time THEN it says who would get what, and claims nothing", async () => {
    const r = await runCheckinsCliAsProcess(['--at', '2026-12-07T09:20Z', '--dry-run'], env);

    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain(`user ${discordUser}, slot 2026-12-07T09:00:00.000Z: would get the prompt`);
    expect(r.out).toContain(
      `user ${consoleUser}, slot 2026-12-07T09:00:00.000Z: would get nothing: no Discord or Slack account`,
    );
    expect(r.out).toContain(
      'Dry run at 2026-12-07T09:20:00.000Z: 2 prompts due for 2 users near their time; nothing was claimed or sent.',
    );
    expect(await queryRows(database.db, sql`SELECT id FROM checkin_prompts`)).toEqual([]);
  }, 60_000);

  it('GIVEN --dry-run after the local hour THEN nothing is due (a missed hour is not caught up later)', async () => {
    const r = await runCheckinsCli(
      ['--at', '2026-12-07T10:00Z', '--dry-run', '--user', String(discordUser)],
      env,
    );

    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('0 prompts due');
  }, 60_000);

  it('GIVEN no Discord or Slack and no --dry-run THEN it says nothing can be sent and exits 1', async () => {
    const r = await runCheckinsCli(['--at', '2026-12-07T09:20Z'], env);

    expect(r.code).toBe(1);
    expect(r.err).toContain('Nothing can be sent');
  }, 60_000);

  it.each([
    [['--at', 'tomorrow', '--dry-run'], '--at expects an ISO date-time with a zone'],
    [['--at', '2026-12-07T09:00', '--dry-run'], '--at expects an ISO date-time with a zone'],
    [['--user', 'bob', '--dry-run'], '--user expects a numeric user id'],
    [['--user', '99999', '--dry-run'], 'No such user: 99999'],
    [['--now'], 'Unknown option'],
  ])(
    'GIVEN %j THEN it says what it expects and exits 1',
    async (args, message) => {
      const r = await runCheckinsCli(args, env);

      expect(r.code).toBe(1);
      expect(r.err).toContain(message);
    },
    60_000,
  );
});
