import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../src/db/database.js';
import type { RecordedRequest } from '../../fakes/discord/fake-discord.js';
import { createTestDatabase } from '../../support/test-database.js';
import {
  type DiscordHarness,
  messageOfRequest,
  moodsOf,
  newDiscordUser,
  startDiscord,
  textOfMessage,
} from './discord-harness.js';

/** Messages the bot posted in a user's DM channel, once `count` of them have arrived. */
async function dmsTo(h: DiscordHarness, userId: string, count = 1): Promise<RecordedRequest[]> {
  await h.fake.waitForRequest(() => h.fake.directMessagesTo(userId).length >= count);
  return h.fake.directMessagesTo(userId);
}

describe('moods sent to the bot as direct messages', () => {
  let db: Database;
  let h: DiscordHarness;

  beforeAll(async () => {
    db = await createTestDatabase('pglite');
    h = await startDiscord(db.db);
  });
  afterAll(async () => {
    await h?.stop();
    await db?.close();
  });

  it('GIVEN the default configuration (no privileged intent) WHEN a user DMs "6 tired" THEN one entry is stored and the answer replies to the message in the DM', async () => {
    const author = newDiscordUser();
    const message = h.fake.sendDirectMessage({ author, content: '6 tired' });
    expect(message).toBeDefined();

    const [answer] = await dmsTo(h, author.id);
    const body = messageOfRequest(answer!);
    expect(textOfMessage(body)).toContain('Mood logged: 6/10');
    expect(JSON.stringify(answer!.body)).toContain(message!.id);
    expect(await moodsOf(db.db, author.id)).toEqual([{ score: 6, emotions: ['tired'] }]);
  });

  it('GIVEN a DM "7/10 calm, hopeful -- good walk" THEN it is logged like /mood with its emotions', async () => {
    const author = newDiscordUser();
    h.fake.sendDirectMessage({ author, content: '7/10 calm, hopeful -- good walk' });

    const [answer] = await dmsTo(h, author.id);
    expect(textOfMessage(messageOfRequest(answer!))).toContain('Saved 7/10 — calm, hopeful, with your note.');
    expect(await moodsOf(db.db, author.id)).toEqual([{ score: 7, emotions: ['calm', 'hopeful'] }]);
  });

  it('GIVEN a DM that is not a mood THEN the answer shows the form and nothing is stored', async () => {
    const author = newDiscordUser();
    h.fake.sendDirectMessage({ author, content: 'hello there' });

    const [answer] = await dmsTo(h, author.id);
    expect(textOfMessage(messageOfRequest(answer!))).toContain('send a number from 1 to 10');
    expect(await moodsOf(db.db, author.id)).toEqual([]);
  });

  it('GIVEN a DM with a score out of range THEN the answer says what to fix and nothing is stored', async () => {
    const author = newDiscordUser();
    h.fake.sendDirectMessage({ author, content: '11 great' });

    const [answer] = await dmsTo(h, author.id);
    expect(textOfMessage(messageOfRequest(answer!))).toMatch(/1 to 10/);
    expect(await moodsOf(db.db, author.id)).toEqual([]);
  });
});

describe('a DM replayed to a restarted bot', () => {
  it('GIVEN a DM answered before a restart WHEN Discord delivers it again to the new process THEN it is neither stored nor answered again', async () => {
    const db = await createTestDatabase('pglite');
    const first = await startDiscord(db.db);
    const author = newDiscordUser();
    try {
      const message = first.fake.sendDirectMessage({ author, content: '5' });
      await dmsTo(first, author.id);
      await first.adapter.stop();
      const second = await startDiscord(db.db, { reuseFake: first.fake });
      try {
        second.fake.gateway.dispatch('MESSAGE_CREATE', { ...message, channel_type: 1 });
        // A new DM after the replay shows the new process reads DMs: only it is answered and stored.
        second.fake.sendDirectMessage({ author, content: '7' });
        await dmsTo(second, author.id, 2);
        await sleep(300);
        expect(second.fake.directMessagesTo(author.id)).toHaveLength(2);
        expect(await moodsOf(db.db, author.id)).toEqual([
          { score: 5, emotions: null },
          { score: 7, emotions: null },
        ]);
      } finally {
        await second.stop();
      }
    } finally {
      await first.fake.close();
      await db.close();
    }
  });
});
