import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/temp-dir.js';
import { postgresAvailable, useMigratedPostgresDatabases } from '../support/test-database.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe.skipIf(!postgresAvailable())(
  'GIVEN MoodScale running (npm start) on PostgreSQL with a command in flight',
  () => {
    const databases = useMigratedPostgresDatabases();
    let name: string;
    let url: string;
    let child: ChildProcessWithoutNullStreams | undefined;
    let dataDir: string;

    beforeAll(async () => {
      ({ name, url } = await databases.create());
      dataDir = tempDir('moodscale-shutdown-');
    });
    afterAll(async () => {
      // Gone before DATA_DIR is removed (after the file's tests).
      if (child && child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child!.once('exit', resolve));
        child.kill('SIGKILL');
        await exited;
      }
    });

    it('WHEN SIGTERM arrives THEN the command finishes and is stored, new ones are refused, and the process exits 0 within 8 s', async () => {
      const { CONSOLE_USER: _ignored, ...inherited } = process.env;
      child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', '--user', 'shutdown-tester'], {
        cwd: repoRoot,
        env: {
          ...inherited,
          DATABASE_URL: url,
          DATA_DIR: dataDir,
          PORT: '0',
          OPS_PORT: '0',
          LOG_FORMAT: 'json',
          LOG_LEVEL: 'info',
        },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (c: string) => {
        stdout += c;
      });
      child.stderr.setEncoding('utf8').on('data', (c: string) => {
        stderr += c;
      });
      const exited = new Promise<number | null>((resolve) => child!.on('close', (code) => resolve(code)));
      // The console chat writes its log to DATA_DIR/moodscale.log (only warnings reach the terminal).
      const logFile = join(dataDir, 'moodscale.log');
      const log = () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '');
      await until(() => log().includes('MoodScale is ready'), 30_000, `start-up (stderr: ${stderr})`);

      // Hold the table so the /mood below stays in flight until we let go.
      const locker = new pg.Client({ connectionString: url });
      await locker.connect();
      try {
        await locker.query('BEGIN');
        await locker.query('LOCK TABLE mood_entries IN ACCESS EXCLUSIVE MODE');
        child.stdin.write('/mood 6 tired -- written during shutdown\n');
        await until(
          async () =>
            (
              await locker.query(
                `SELECT 1 FROM pg_stat_activity WHERE datname = $1 AND application_name = 'moodscale' AND wait_event_type = 'Lock'`,
                [name],
              )
            ).rowCount === 1,
          10_000,
          'the /mood command to wait on the lock',
        );
        const signalledAt = Date.now();
        child.kill('SIGTERM');
        child.stdin.write('/mood 3\n');
        await new Promise((r) => setTimeout(r, 500));
        await locker.query('COMMIT');
        const code = await exited;
        const tookMs = Date.now() - signalledAt;
        expect({ code, stderr: code === 0 ? '' : stderr }).toEqual({ code: 0, stderr: '' });
        expect(tookMs).toBeLessThan(8000);
        expect(stdout).toContain('Mood logged: 6/10');
        expect(stdout).toContain('MoodScale is restarting. Nothing was saved; please try again in a moment.');
        expect(log()).toContain('MoodScale stopped');
        const { rows } = await locker.query<{ mood_score: number }>('SELECT mood_score FROM mood_entries');
        expect(rows).toEqual([{ mood_score: 6 }]);
      } finally {
        await locker.end();
      }
    }, 60_000);
  },
);
