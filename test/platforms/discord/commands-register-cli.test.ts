import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allCommands } from '../../../commands/index.js';
import { ANALYZE_TRACK_MENU } from '../../../src/platforms/discord/command-json.js';
import { type FakeDiscord, startFakeDiscord } from '../../fakes/discord/fake-discord.js';

/** The slash commands, then the "Analyze track" message menu (registered with them). */
const declaredNames = [...allCommands.map((c) => c.name), ANALYZE_TRACK_MENU];

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

/** Runs `npm run commands:register` the way npm would (tsx on the script), with only `env` for Discord. */
function register(
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('DISCORD_') && name !== 'DATABASE_URL'),
  );
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/commands-register.ts'], {
    cwd: repoRoot,
    env: { ...inherited, LOG_FORMAT: 'json', LOG_LEVEL: 'warn', NODE_ENV: 'development', ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`commands:register did not exit.\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, 30_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('npm run commands:register', () => {
  let fake: FakeDiscord;
  beforeAll(async () => {
    fake = await startFakeDiscord();
  });
  afterAll(async () => {
    await fake?.close();
  });

  it('GIVEN no DISCORD_TOKEN THEN it exits with code 1 and says which variables to set', async () => {
    const result = await register({});
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('DISCORD_TOKEN is not set');
    expect(result.stderr).toContain('DISCORD_APPLICATION_ID');
  });

  it('GIVEN credentials and a Discord without commands THEN it registers them all and says so', async () => {
    const env = {
      DISCORD_TOKEN: fake.token,
      DISCORD_APPLICATION_ID: fake.applicationId,
      DISCORD_API_URL: fake.apiUrl,
    };
    const first = await register(env);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('Registered the Discord commands for all servers (global)');
    expect(fake.commands().map((c) => c.name)).toEqual(declaredNames);

    const second = await register(env);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('already up to date');
    expect(fake.requests.filter((r) => r.method === 'PUT')).toHaveLength(1);
  });

  it('GIVEN a token Discord refuses THEN it exits with code 1 and says how to fix the token', async () => {
    const result = await register({
      DISCORD_TOKEN: 'wrong',
      DISCORD_APPLICATION_ID: fake.applicationId,
      DISCORD_API_URL: fake.apiUrl,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('401');
    expect(result.stderr).toContain('DISCORD_TOKEN');
  });
});
