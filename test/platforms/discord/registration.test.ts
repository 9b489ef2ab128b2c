import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allCommands } from '../../../commands/index.js';
import type { Database } from '../../../src/db/database.js';
import { ANALYZE_TRACK_MENU, buildCommandJson } from '../../../src/platforms/discord/command-json.js';
import { type FakeDiscord, startFakeDiscord } from '../../fakes/discord/fake-discord.js';
import { commandListSchema } from '../../fakes/discord/schemas.js';
import { createTestDatabase } from '../../support/test-database.js';
import { startDiscord } from './discord-harness.js';

/** The slash commands, then the "Analyze track" message menu (registered with them). */
const declaredNames = [...allCommands.map((c) => c.name), ANALYZE_TRACK_MENU];

const GUILD = '876543210987654321';

describe('registering the slash commands', () => {
  let db: Database;
  let fake: FakeDiscord;
  const puts = (path: string) => fake.requests.filter((r) => r.method === 'PUT' && r.path === path);
  const globalPath = () => `/applications/${fake.applicationId}/commands`;

  beforeAll(async () => {
    db = await createTestDatabase('pglite');
    fake = await startFakeDiscord();
  });
  afterAll(async () => {
    await fake?.close();
    await db?.close();
  });

  it('GIVEN a Discord without commands WHEN the bot starts THEN one bulk overwrite puts every declared command with its options', async () => {
    const h = await startDiscord(db.db, { reuseFake: fake });
    await h.stop();

    const [put] = puts(globalPath());
    expect(puts(globalPath())).toHaveLength(1);
    expect(put?.authorization).toBe(`Bot ${fake.token}`);
    const sent = commandListSchema.parse(put?.body);
    expect(sent.map((c) => c.name)).toEqual(declaredNames);
    const mood = sent.find((c) => c.name === 'mood');
    expect(mood?.type).toBe(1);
    expect(mood?.options?.find((o) => o.name === 'score')).toMatchObject({
      type: 4,
      required: true,
      min_value: 1,
      max_value: 10,
    });
    expect(mood?.options?.find((o) => o.name === 'emotions')).toMatchObject({ type: 3, autocomplete: true });
    expect(mood?.options?.find((o) => o.name === 'note')).toMatchObject({ type: 3, max_length: 1000 });
    expect(fake.commands().map((c) => c.name)).toEqual(declaredNames);
  });

  it('GIVEN Discord already has the declared commands WHEN the bot starts again THEN it reads them and writes nothing', async () => {
    const before = puts(globalPath()).length;
    const gets = () => fake.requests.filter((r) => r.method === 'GET' && r.path === globalPath()).length;
    const getsBefore = gets();
    const h = await startDiscord(db.db, { reuseFake: fake });
    await h.stop();
    expect(gets()).toBe(getsBefore + 1);
    expect(puts(globalPath())).toHaveLength(before);
    expect(h.logs.some((l) => l.msg === 'discord global commands are up to date')).toBe(true);
  });

  it('GIVEN one command changed on Discord WHEN the bot starts THEN it overwrites the list and names the change', async () => {
    const declared = buildCommandJson(allCommands);
    fake.seedCommands(declared.map((c) => (c.name === 'history' ? { ...c, description: 'old words' } : c)));
    const before = puts(globalPath()).length;
    const h = await startDiscord(db.db, { reuseFake: fake });
    await h.stop();
    expect(puts(globalPath())).toHaveLength(before + 1);
    const logged = h.logs.find(
      (l) => typeof l.msg === 'string' && l.msg.startsWith('discord global commands registered'),
    );
    expect(logged?.changed).toEqual(['history']);
  });

  it('GIVEN DISCORD_GUILD_ID WHEN the bot starts THEN the commands go to that server only', async () => {
    const globalPuts = puts(globalPath()).length;
    const h = await startDiscord(db.db, { reuseFake: fake, env: { DISCORD_GUILD_ID: GUILD } });
    await h.stop();
    expect(puts(`/applications/${fake.applicationId}/guilds/${GUILD}/commands`)).toHaveLength(1);
    expect(puts(globalPath())).toHaveLength(globalPuts);
    expect(fake.commands(GUILD).map((c) => c.name)).toEqual(declaredNames);
  });
});

describe('starting the bot', () => {
  it('GIVEN a good token THEN the log has the invite link with both scopes and the channel post permissions (View Channel, Send Messages, Embed Links: 19456), then "discord connected"', async () => {
    const db = await createTestDatabase('pglite');
    const h = await startDiscord(db.db);
    try {
      const invite = h.logs.find((l) => typeof l.inviteUrl === 'string');
      expect(invite?.inviteUrl).toBe(
        `https://discord.com/oauth2/authorize?client_id=${h.fake.applicationId}&scope=bot%20applications.commands&permissions=19456`,
      );
      expect(h.adapter.inviteUrl).toBe(invite?.inviteUrl);
      const messages = h.logs.map((l) => l.msg);
      expect(messages.indexOf('discord connected')).toBeGreaterThan(messages.indexOf(invite?.msg));
      // Guilds (1 << 0) and DirectMessages (1 << 12): nothing privileged, so Discord never refuses the
      // connection for intents.
      expect(h.fake.gateway.intents).toBe(1 | (1 << 12));
    } finally {
      await h.stop();
      await db.close();
    }
  });
});
