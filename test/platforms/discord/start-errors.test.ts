import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { ConfigError } from '../../../src/core/errors.js';
import type { Database } from '../../../src/db/database.js';
import { createDiscordAdapter } from '../../../src/platforms/discord/discord-adapter.js';
import { type FakeDiscordOptions, startFakeDiscord } from '../../fakes/discord/fake-discord.js';
import { createAppHarness } from '../../support/app-harness.js';
import { createTestDatabase } from '../../support/test-database.js';
import { capturingLogger } from './discord-harness.js';

describe('when Discord refuses the bot', () => {
  let db: Database;
  beforeAll(async () => {
    db = await createTestDatabase('pglite');
  });
  afterAll(async () => {
    await db?.close();
  });

  /** Starts the adapter against a fake and returns how start() failed and what was logged. */
  async function failedStart(fakeOptions: FakeDiscordOptions, env: Record<string, string> = {}) {
    const fake = await startFakeDiscord(fakeOptions);
    const { logger, lines } = capturingLogger();
    const config = loadConfig({
      DISCORD_TOKEN: fake.token,
      DISCORD_APPLICATION_ID: fake.applicationId,
      DISCORD_API_URL: fake.apiUrl,
      ...env,
    });
    if (!config.discord) throw new Error('no Discord configuration');
    const app = createAppHarness(db.db);
    const adapter = createDiscordAdapter({
      dispatcher: app.dispatcher,
      inbox: app.inbox,
      config: config.discord,
      logger,
    });
    try {
      const error = await adapter.start().then(
        () => undefined,
        (e: unknown) => e,
      );
      return { error, lines, fake };
    } finally {
      await adapter.stop();
      await fake.close();
    }
  }

  it('GIVEN a wrong DISCORD_TOKEN THEN start fails with a configuration error saying how to get a new token, and logs it', async () => {
    const { error, lines } = await failedStart({}, { DISCORD_TOKEN: 'not-the-token' });
    expect(error).toBeInstanceOf(ConfigError);
    expect(error instanceof Error ? error.message : '').toMatch(/DISCORD_TOKEN.*401.*Reset Token/s);
    expect(
      lines.some((l) => typeof l.msg === 'string' && l.msg.includes('Discord rejected DISCORD_TOKEN')),
    ).toBe(true);
  });

  it('GIVEN the gateway closes with 4004 (authentication failed) THEN start fails saying the token is wrong', async () => {
    const { error } = await failedStart({ closeOnIdentify: 4004 });
    expect(error).toBeInstanceOf(ConfigError);
    expect(error instanceof Error ? error.message : '').toContain('4004');
    expect(error instanceof Error ? error.message : '').toContain('DISCORD_TOKEN');
  });

  it('GIVEN the gateway closes with 4014 (disallowed intents) THEN start fails saying where to enable or remove the intent', async () => {
    const { error, lines } = await failedStart({ closeOnIdentify: 4014 });
    expect(error).toBeInstanceOf(ConfigError);
    expect(error instanceof Error ? error.message : '').toContain('4014');
    expect(error instanceof Error ? error.message : '').toContain('Privileged Gateway Intents');
    expect(lines.some((l) => l.level === 50 && typeof l.msg === 'string' && l.msg.includes('4014'))).toBe(
      true,
    );
  });

  it('GIVEN DISCORD_MESSAGE_CONTENT=true and the gateway closes with 4014 THEN start fails saying to enable the Message Content intent or unset DISCORD_MESSAGE_CONTENT', async () => {
    const { error, fake } = await failedStart({ closeOnIdentify: 4014 }, { DISCORD_MESSAGE_CONTENT: 'true' });
    expect(error).toBeInstanceOf(ConfigError);
    const message = error instanceof Error ? error.message : '';
    expect(message).toContain('4014');
    expect(message).toContain('DISCORD_MESSAGE_CONTENT');
    expect(message).toContain('Message Content Intent');
    expect(fake.gateway.intents).toBe(1 | (1 << 12) | (1 << 9) | (1 << 15));
  });

  it('GIVEN DISCORD_APPLICATION_ID of another application THEN start fails naming both ids', async () => {
    const { error } = await failedStart({}, { DISCORD_APPLICATION_ID: '999999999999999999' });
    expect(error).toBeInstanceOf(ConfigError);
    expect(error instanceof Error ? error.message : '').toMatch(
      /DISCORD_APPLICATION_ID is 999999999999999999.*123456789012345678/,
    );
  });
});
