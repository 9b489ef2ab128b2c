import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allCommands } from '../../../commands/index.js';
import { ANALYZE_TRACK_MENU } from '../../../src/platforms/discord/command-json.js';
import { type FakeDiscord, startFakeDiscord } from '../../fakes/discord/fake-discord.js';
import {
  type CliRun,
  type CliRunOptions,
  runCliInProcess,
  runCliScript,
} from '../../support/run-cli-script.js';

/** The slash commands, then the "Analyze track" message menu (registered with them). */
const declaredNames = [...allCommands.map((c) => c.name), ANALYZE_TRACK_MENU];

/** Only `env` for Discord. */
const onlyEnv = (env: Record<string, string>): CliRunOptions => ({
  env,
  drop: (name) => name.startsWith('DISCORD_') || name === 'DATABASE_URL',
  timeoutMs: 30_000,
});

/** Runs `npm run commands:register`'s program (src/cli/commands-register-main.ts) in this process. */
function register(env: Record<string, string>): Promise<CliRun> {
  return runCliInProcess('commands-register', [], onlyEnv(env));
}

/**
 * Runs `npm run commands:register` as a process, the way npm does: for the one run that proves the
 * entry (src/cli/commands-register.ts) hands the process's environment and streams to the program.
 */
function registerAsProcess(env: Record<string, string>): Promise<CliRun> {
  return runCliScript('commands-register', [], onlyEnv(env));
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
    const first = await registerAsProcess(env);
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
