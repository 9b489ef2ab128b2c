import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reply } from '../../../src/core/commands/index.js';
import type { Database } from '../../../src/db/database.js';
import { createTestDatabase } from '../../support/test-database.js';
import {
  type DiscordHarness,
  messageOf,
  messageOfRequest,
  newDiscordUser,
  startDiscord,
  textOfMessage,
} from './discord-harness.js';

/** A valid 1x1 PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
  'base64',
);

const digest: Reply = {
  visibility: 'private',
  title: 'Your week',
  text: 'Average 6.2, up from 5.8. Shout-out to @everyone!',
  files: [{ name: 'week.png', contentType: 'image/png', data: new Uint8Array(PNG) }],
};

describe('direct messages', () => {
  let db: Database;
  let h: DiscordHarness;
  const blockedCalls: string[] = [];
  const INTERVAL_MS = 100;

  const opensFor = (userId: string) =>
    h.fake.requests.filter(
      (r) =>
        r.method === 'POST' &&
        r.path === '/users/@me/channels' &&
        typeof r.body === 'object' &&
        r.body !== null &&
        'recipient_id' in r.body &&
        r.body.recipient_id === userId,
    );
  beforeAll(async () => {
    db = await createTestDatabase('pglite');
    h = await startDiscord(db.db, {
      adapter: {
        dmIntervalMs: INTERVAL_MS,
        dmRetryDelayMs: 50,
        // As the app wires it: record the refusal, so the user hears of it on their next command.
        onDirectMessageBlocked: async (id) => {
          blockedCalls.push(id);
          await h.app.services.settings.markDirectMessagesBlocked({
            platform: 'discord',
            workspaceId: '',
            externalUserId: id,
          });
        },
      },
    });
  });
  afterAll(async () => {
    await h?.stop();
    await db?.close();
  });

  it('GIVEN a reply with a PNG THEN the DM channel is opened and the message sent with the PNG attached', async () => {
    const user = newDiscordUser();
    await expect(h.adapter.sendDirect(user.id, digest)).resolves.toBe('sent');
    expect(opensFor(user.id)).toHaveLength(1);
    const sends = h.fake.directMessagesTo(user.id);
    expect(sends).toHaveLength(1);
    const send = sends[0];
    if (!send) throw new Error('no message');
    expect(send.authorization).toBe(`Bot ${h.fake.token}`);
    expect(send.files).toHaveLength(1);
    expect(send.files[0]?.name).toBe('week.png');
    expect(send.files[0]?.contentType).toBe('image/png');
    expect(send.files[0]?.data.equals(PNG)).toBe(true);
    const message = messageOfRequest(send);
    expect(textOfMessage(message)).toContain('Your week');
    expect(message.allowed_mentions).toEqual({ parse: [] });
    expect(message.flags ?? 0).toBe(0);
  });

  it('GIVEN a prompt sent to a user before THEN the next prompt goes to the known DM channel in one request', async () => {
    const user = newDiscordUser();
    const prompt: Reply = { visibility: 'private', title: 'How are you feeling?', text: 'Tap a number.' };

    await expect(h.adapter.sendDirect(user.id, prompt, { lane: 'prompt' })).resolves.toBe('sent');
    await expect(h.adapter.sendDirect(user.id, prompt, { lane: 'prompt' })).resolves.toBe('sent');

    expect(opensFor(user.id)).toHaveLength(1);
    expect(h.fake.directMessagesTo(user.id).map((r) => r.status)).toEqual([200, 200]);
  });

  it('GIVEN a remembered DM channel Discord no longer knows (10003) THEN a new one is opened and the prompt arrives', async () => {
    const user = newDiscordUser();
    const prompt: Reply = { visibility: 'private', title: 'How are you feeling?', text: 'Tap a number.' };
    await h.adapter.sendDirect(user.id, prompt, { lane: 'prompt' });
    h.fake.dropDmChannel(user.id);

    await expect(h.adapter.sendDirect(user.id, prompt, { lane: 'prompt' })).resolves.toBe('sent');

    expect(opensFor(user.id).map((r) => r.status)).toEqual([200, 200]);
    expect(h.fake.directMessagesTo(user.id).map((r) => r.status)).toEqual([200]);
  });

  it('GIVEN a user who does not accept DMs (50007) THEN blocked, the callback fires once, and there is no retry', async () => {
    const user = newDiscordUser();
    h.fake.blockDirectMessages(user.id);
    await expect(h.adapter.sendDirect(user.id, digest)).resolves.toBe('blocked');
    expect(blockedCalls).toEqual([user.id]);
    expect(h.fake.directMessagesTo(user.id).map((r) => r.status)).toEqual([403]);
    expect(opensFor(user.id)).toHaveLength(1);
  });

  it('GIVEN a refused DM was recorded THEN the next command tells the user once how to allow DMs', async () => {
    const user = newDiscordUser();
    h.fake.blockDirectMessages(user.id);
    await expect(h.adapter.sendDirect(user.id, digest)).resolves.toBe('blocked');

    const first = await h.command('mood', [{ name: 'score', type: 4, value: 6 }], user);
    expect(textOfMessage(messageOf(first.data))).toContain('I could not send you a direct message');
    const second = await h.command('mood', [{ name: 'score', type: 4, value: 7 }], user);
    expect(textOfMessage(messageOf(second.data))).not.toContain('I could not send you a direct message');
  });

  it('GIVEN Discord says DMs are opened too fast (40003) once THEN the adapter waits, retries and delivers', async () => {
    const user = newDiscordUser();
    h.fake.failNextDmOpen();
    await expect(h.adapter.sendDirect(user.id, digest)).resolves.toBe('sent');
    expect(opensFor(user.id).map((r) => r.status)).toEqual([403, 200]);
  });

  it('GIVEN three DMs at once THEN they are sent one at a time, spaced by the interval', async () => {
    const users = [newDiscordUser(), newDiscordUser(), newDiscordUser()];
    const results = await Promise.all(users.map((u) => h.adapter.sendDirect(u.id, digest)));
    expect(results).toEqual(['sent', 'sent', 'sent']);
    const times = users.map((u) => opensFor(u.id)[0]?.receivedAt ?? Number.NaN);
    for (let i = 1; i < times.length; i++) {
      // Timers never fire early by more than a millisecond or so; 80% leaves room for that.
      expect((times[i] ?? 0) - (times[i - 1] ?? 0)).toBeGreaterThanOrEqual(INTERVAL_MS * 0.8);
    }
  });
});

describe('direct messages after stop', () => {
  it('GIVEN the adapter stopped THEN sendDirect answers failed without calling Discord', async () => {
    const db = await createTestDatabase('pglite');
    const h = await startDiscord(db.db);
    await h.adapter.stop();
    const before = h.fake.requests.length;
    await expect(h.adapter.sendDirect(newDiscordUser().id, digest)).resolves.toBe('failed');
    expect(h.fake.requests.length).toBe(before);
    await h.stop();
    await db.close();
  });
});
