import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { listMigrations } from '../../src/db/rollback.js';
import { freePort } from '../support/free-port.js';
import {
  type CliRun,
  type CliRunOptions,
  runCliInProcess,
  runCliScript,
  runSourceScript,
} from '../support/run-cli-script.js';
import { migrateDatabaseAt } from '../support/scratch-database.js';
import { tempDir } from '../support/temp-dir.js';
import { postgresAvailable, useEmptyPostgresDatabases } from '../support/test-database.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const allTags = listMigrations().map((m) => m.tag);
const key = '7'.repeat(64);
/** A line of a JavaScript stack trace. */
const stackLine = /^\s+at /m;

/** Only these reach the child from the developer's environment: no database, tokens or data directory of theirs. */
const foreign = (name: string) =>
  /^(DATABASE_URL|DATA_DIR|ENCRYPTION_|BACKUP_|DISCORD_|SLACK_|CONSOLE_|npm_)/.test(name);

function cliOptions(env: Record<string, string>): CliRunOptions {
  return { env: { DATA_DIR: tempDir('moodscale-setup-cli-'), ENCRYPTION_KEY: key, ...env }, drop: foreign };
}

/** Runs the npm script's program (src/cli/<script>-main.ts) in this process. */
function cli(script: 'db-migrate' | 'db-seed', args: string[], env: Record<string, string>): Promise<CliRun> {
  return runCliInProcess(script, args, cliOptions(env));
}

/**
 * Runs the npm script as a process, the way npm does: once per script, to prove its entry
 * (src/cli/<script>.ts) hands the process's arguments, environment and streams to the program and
 * exits with its code, and that nothing on the way prints a stack.
 */
function cliAsProcess(
  script: 'db-migrate' | 'db-seed',
  args: string[],
  env: Record<string, string>,
): Promise<CliRun> {
  return runCliScript(script, args, cliOptions(env));
}

/** `npm start` (src/main.ts) with `env`, its input closed; resolves when it exits. */
function start(env: Record<string, string>): Promise<CliRun> {
  return runSourceScript('src/main.ts', ['--user', 'setup-tester'], {
    env: {
      NODE_ENV: 'development',
      DATA_DIR: tempDir('moodscale-setup-start-'),
      ENCRYPTION_KEY: key,
      PORT: '0',
      OPS_PORT: '0',
      ...env,
    },
    drop: foreign,
  });
}

const emptyDatabases = useEmptyPostgresDatabases();

describe('GIVEN package.json', () => {
  const { scripts } = JSON.parse(readFileSync(`${repoRoot}/package.json`, 'utf8')) as {
    scripts: Record<string, string>;
  };

  it('THEN npm run db:push runs the recorded migrations, the same program as db:migrate', () => {
    expect(scripts['db:push']).toBe(scripts['db:migrate']);
  });

  it("THEN drizzle-kit's raw push stays available as db:push:raw", () => {
    expect(scripts['db:push:raw']).toBe('drizzle-kit push');
  });
});

describe.skipIf(!postgresAvailable())('GIVEN an empty PostgreSQL database [postgres]', () => {
  let url: string;
  let name: string;
  let first: CliRun;
  beforeAll(async () => {
    ({ url, name } = await emptyDatabases.create());
    first = await cli('db-migrate', [], { DATABASE_URL: url, npm_lifecycle_event: 'db:push' });
  });

  it('WHEN npm run db:push runs THEN it says it applied every migration, by name, to that database', () => {
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain(`Applied ${allTags.length} migrations to the PostgreSQL database`);
    expect(first.stdout).toContain(`database ${name}`);
    expect(first.stdout).toContain(allTags.join(', '));
  });

  it('WHEN npm run db:migrate runs after it THEN it says the database was already up to date', async () => {
    const again = await cli('db-migrate', [], { DATABASE_URL: url });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('is already up to date: no migrations to apply');
    expect(again.stdout).not.toContain('Applied');
  });

  it('WHEN npm run db:seed runs after it without --until THEN the seeded period ends now', async () => {
    const before = Date.now();
    const seeded = await cliAsProcess('db-seed', ['--users', '2', '--days', '3', '--tracks', '5'], {
      DATABASE_URL: url,
    });
    expect(seeded.code, seeded.stderr).toBe(0);
    const until = /until (\S+Z),/.exec(seeded.stdout)?.[1];
    expect(Date.parse(until ?? '')).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(Date.parse(until ?? '')).toBeLessThanOrEqual(Date.now());
  });
});

describe.skipIf(!postgresAvailable())(
  'GIVEN a PostgreSQL database with the tables but no migration record (drizzle-kit push) [postgres]',
  () => {
    let url: string;
    let name: string;
    beforeAll(async () => {
      ({ url, name } = await emptyDatabases.create());
      await migrateDatabaseAt(url, (database) => database.db.execute(sql`DROP SCHEMA drizzle CASCADE`));
    });

    it('WHEN npm run db:seed runs THEN it exits 1 with the commands that start the database over, and no stack', async () => {
      const run = await cli('db-seed', ['--users', '2'], { DATABASE_URL: url });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('no record of the migrations');
      expect(run.stderr).toContain(`createdb -h 127.0.0.1`);
      expect(run.stderr).toContain(name);
      expect(run.stderr).not.toMatch(stackLine);
    });

    it('WHEN npm run db:migrate runs THEN it exits 1 with the same message, and no stack', async () => {
      const run = await cli('db-migrate', [], { DATABASE_URL: url });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('no record of the migrations');
      expect(run.stderr).not.toMatch(stackLine);
    });

    it('WHEN the bot starts on it THEN it exits 1 with the same message, and no stack', async () => {
      const run = await start({ DATABASE_URL: url });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('no record of the migrations');
      expect(run.stderr).not.toMatch(stackLine);
    });
  },
);

describe('GIVEN a DATABASE_URL where nothing listens', () => {
  let url: string;
  let port: number;
  beforeAll(async () => {
    port = await freePort();
    url = `postgresql://postgres:hunter2-secret@127.0.0.1:${port}/moodscale_dev`;
  });

  it('WHEN the bot starts THEN it exits 1 naming DATABASE_URL, host, port and database, with no stack and no password', async () => {
    const run = await start({ DATABASE_URL: url });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `DATABASE_URL (host 127.0.0.1, port ${port}, database moodscale_dev, user postgres)`,
    );
    expect(run.stderr).toContain('PostgreSQL server is running');
    expect(run.stderr).not.toMatch(stackLine);
    expect(run.stderr).not.toContain('hunter2-secret');
    expect(run.stderr).not.toContain('FATAL');
  });

  it('WHEN npm run db:migrate runs THEN it exits 1 with the same message, and no stack', async () => {
    const run = await cliAsProcess('db-migrate', [], { DATABASE_URL: url });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`port ${port}`);
    expect(run.stderr).toContain('PostgreSQL server is running');
    expect(run.stderr).not.toMatch(stackLine);
  });
});
