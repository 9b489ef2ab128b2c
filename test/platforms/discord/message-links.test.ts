import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../src/db/database.js';
import { LINK_NOT_SAVED } from '../../../src/platforms/discord/message-links.js';
import { createDispatcher } from '../../../src/platforms/dispatcher.js';
import type { DeliveryRunner } from '../../../src/platforms/inbox/delivery-runner.js';
import { messageContextMenuInteraction, messageJson, userJson } from '../../fakes/discord/payloads.js';
import { callbackSchema, commandListSchema } from '../../fakes/discord/schemas.js';
import { createAppHarness, createTestInbox } from '../../support/app-harness.js';
import { registryWithFakeShare, trackUrl } from '../../support/stand-in-share.js';
import { createTestDatabase } from '../../support/test-database.js';
import {
  type DiscordHarness,
  EPHEMERAL,
  messageOf,
  messageOfRequest,
  newDiscordUser,
  startDiscord,
  textOfMessage,
  userIdOf,
} from './discord-harness.js';

const registry = registryWithFakeShare;

const TRACK_A = '4uLU6hMCjMI75M1A2tKUQC';
const TRACK_B = '0VjIjW4GlUZAMYd2vXMi3b';
const TRACK_C = '7qiZfU4dY1lWllzX7mPBI3';
const TRACK_D = '3n3Ppam7vgaVa1iaRUc9Lp';
/** GuildMessages (1 << 9) and MessageContent (1 << 15) besides Guilds (1 << 0) and DirectMessages (1 << 12). */
const MESSAGE_INTENTS = 1 | (1 << 12) | (1 << 9) | (1 << 15);

describe('links in ordinary messages, with DISCORD_MESSAGE_CONTENT=true', () => {
  let db: Database;
  let h: DiscordHarness;

  beforeAll(async () => {
    db = await createTestDatabase('pglite');
    h = await startDiscord(db.db, { registry: registry(), env: { DISCORD_MESSAGE_CONTENT: 'true' } });
  });
  afterAll(async () => {
    await h?.stop();
    await db?.close();
  });

  const replyTo = (messageId: string) =>
    h.fake.waitForRequest(
      (r) => r.method === 'POST' && h.fake.repliesTo(messageId).includes(r) && r.status === 200,
    );

  it('GIVEN DISCORD_MESSAGE_CONTENT=true THEN IDENTIFY asks for Guilds, DirectMessages, GuildMessages and MessageContent, and no hint is logged', () => {
    expect(h.fake.gateway.intents).toBe(MESSAGE_INTENTS);
    expect(h.logs.some((l) => String(l.msg).includes('enable the Message Content Intent'))).toBe(false);
  });

  it('GIVEN a message with a track link (intl path, query string) THEN the bot replies to it with the card, for the author, without pinging anyone', async () => {
    const author = newDiscordUser();
    const message = h.fake.postMessage({
      author,
      content: `listen to this https://open.spotify.com/intl-de/track/${TRACK_A}?si=abc123 !`,
    });
    const request = await replyTo(message.id);
    expect(request.path).toBe(`/channels/${message.channel_id}/messages`);
    const body = messageOfRequest(request);
    expect(textOfMessage(body)).toContain(`Analysed ${trackUrl(TRACK_A)}`);
    expect(body.allowed_mentions).toEqual({ parse: [], replied_user: false });
    expect(body.flags ?? 0).toBe(0);
    expect(await userIdOf(db.db, author.id)).toBeDefined();
  });

  it('GIVEN a message from a bot, one from a webhook and one without links THEN none is answered', async () => {
    const fromBot = h.fake.postMessage({
      author: userJson('555555555555555555', 'otherbot', true),
      content: trackUrl(TRACK_B),
    });
    const fromSelf = h.fake.postMessage({ author: h.fake.botUser, content: trackUrl(TRACK_B) });
    const fromWebhook = h.fake.postMessage({
      author: userJson('666666666666666666', 'hook', true),
      content: trackUrl(TRACK_B),
      webhookId: '666666666666666666',
    });
    const plain = h.fake.postMessage({ author: newDiscordUser(), content: 'no music today, sorry' });
    // A later message with a link is answered, so the earlier ones have been handled by then.
    const later = h.fake.postMessage({ author: newDiscordUser(), content: trackUrl(TRACK_C) });
    await replyTo(later.id);
    await sleep(100);
    for (const ignored of [fromBot, fromSelf, fromWebhook, plain]) {
      expect(h.fake.repliesTo(ignored.id), ignored.content).toHaveLength(0);
    }
  });

  it('GIVEN a message with four track links THEN only the first three are analysed and answered', async () => {
    const message = h.fake.postMessage({
      author: newDiscordUser(),
      content: [TRACK_A, TRACK_B, TRACK_C, TRACK_D].map(trackUrl).join(' and '),
    });
    await h.fake.waitForRequest(() => h.fake.repliesTo(message.id).length >= 3);
    await sleep(200);
    const replies = h.fake.repliesTo(message.id).map((r) => textOfMessage(messageOfRequest(r)));
    expect(replies).toHaveLength(3);
    expect(replies.join('\n')).not.toContain(TRACK_D);
  });

  it('GIVEN a message with an album link (a private answer) THEN nothing is posted in the channel', async () => {
    const message = h.fake.postMessage({
      author: newDiscordUser(),
      content: 'https://open.spotify.com/album/1DFixLWuPkv3KT3TnV35m3',
    });
    const later = h.fake.postMessage({ author: newDiscordUser(), content: trackUrl(TRACK_A) });
    await replyTo(later.id);
    await sleep(100);
    expect(h.fake.repliesTo(message.id)).toHaveLength(0);
  });
});

describe('a link in a message that the database does not take', () => {
  let db: Database;
  let h: DiscordHarness;
  let failing = true;

  beforeAll(async () => {
    db = await createTestDatabase('pglite');
    const app = createAppHarness(db.db);
    const inbox = createTestInbox(db.db, app.cipher, createDispatcher(registry(), app.services));
    const refusing: DeliveryRunner = {
      ...inbox,
      record: (delivery, deadlineMs) =>
        failing ? Promise.resolve('unsaved') : inbox.record(delivery, deadlineMs),
    };
    h = await startDiscord(db.db, {
      registry: registry(),
      env: { DISCORD_MESSAGE_CONTENT: 'true' },
      adapter: { inbox: refusing },
    });
  });
  afterAll(async () => {
    await h?.stop();
    await db?.close();
  });

  it('GIVEN the inbox refuses a message with two track links THEN one reply tells the author it was not saved and to share it again, pinging no one', async () => {
    const message = h.fake.postMessage({
      author: newDiscordUser(),
      content: `${trackUrl(TRACK_A)} ${trackUrl(TRACK_B)}`,
    });
    await h.fake.waitForRequest(() => h.fake.repliesTo(message.id).length >= 1);
    await sleep(200);

    const replies = h.fake.repliesTo(message.id).map((r) => messageOfRequest(r));
    expect(replies.map(textOfMessage)).toEqual([LINK_NOT_SAVED]);
    expect(replies[0]?.allowed_mentions).toEqual({ parse: [], replied_user: false });
  });

  it('GIVEN the inbox works again WHEN the author shares the link again THEN it is answered with its card', async () => {
    failing = false;
    const message = h.fake.postMessage({ author: newDiscordUser(), content: trackUrl(TRACK_C) });
    await h.fake.waitForRequest(() => h.fake.repliesTo(message.id).length >= 1);
    expect(textOfMessage(messageOfRequest(h.fake.repliesTo(message.id)[0]!))).toContain(
      `Analysed ${trackUrl(TRACK_C)}`,
    );
  });
});

describe('the "Analyze track" message menu', () => {
  let db: Database;
  let h: DiscordHarness;

  beforeAll(async () => {
    db = await createTestDatabase('pglite');
    h = await startDiscord(db.db, { registry: registry() });
  });
  afterAll(async () => {
    await h?.stop();
    await db?.close();
  });

  const target = (content: string) =>
    messageJson({ channelId: '900000000000000001', author: newDiscordUser(), content });

  it('GIVEN the bot starts THEN the bulk overwrite holds a MESSAGE command (type 3) "Analyze track" beside the slash commands', () => {
    const put = h.fake.requests.find(
      (r) => r.method === 'PUT' && r.path === `/applications/${h.fake.applicationId}/commands`,
    );
    const sent = commandListSchema.parse(put?.body);
    expect(sent.filter((c) => c.type === 3)).toEqual([
      { type: 3, name: 'Analyze track', integration_types: [0], contexts: [0, 1] },
    ]);
    expect(sent.some((c) => c.name === 'share' && (c.type ?? 1) === 1)).toBe(true);
  });

  it('GIVEN it is used on a message with a track link THEN it is deferred publicly and the card replaces the placeholder', async () => {
    const sent = h.fake.interact(
      messageContextMenuInteraction(
        h.fake.applicationId,
        { name: 'Analyze track' },
        target(`have a listen: <https://open.spotify.com/track/${TRACK_B}>`),
        newDiscordUser(),
      ),
    );
    const ack = await h.fake.acknowledgement(sent.json.id);
    const callback = callbackSchema.parse(ack.body);
    expect(callback.type).toBe(5);
    expect(messageOf(callback.data ?? {}).flags ?? 0).toBe(0);
    const edit = await h.fake.waitForRequest(
      (r) =>
        r.method === 'PATCH' &&
        r.path === `/webhooks/${h.fake.applicationId}/${sent.json.token}/messages/@original`,
    );
    expect(textOfMessage(messageOfRequest(edit))).toContain(`Analysed ${trackUrl(TRACK_B)}`);
  });

  it('GIVEN it is used on a message without a Spotify link THEN a private answer says so', async () => {
    const sent = h.fake.interact(
      messageContextMenuInteraction(
        h.fake.applicationId,
        { name: 'Analyze track' },
        target('just words, https://example.com/track/nothing'),
        newDiscordUser(),
      ),
    );
    const ack = await h.fake.acknowledgement(sent.json.id);
    const callback = callbackSchema.parse(ack.body);
    expect(callback.type).toBe(4);
    const message = messageOf(callback.data);
    expect(message.flags).toBe(EPHEMERAL);
    expect(textOfMessage(message)).toContain('no Spotify track link in that message');
  });
});

describe('without DISCORD_MESSAGE_CONTENT', () => {
  it('GIVEN the default configuration THEN only Guilds and DirectMessages are requested, the log says once how to enable message links, and messages are not read', async () => {
    const db = await createTestDatabase('pglite');
    const h = await startDiscord(db.db, { registry: registry() });
    try {
      expect(h.fake.gateway.intents).toBe(1 | (1 << 12));
      const hints = h.logs.filter(
        (l) => typeof l.msg === 'string' && l.msg.includes('enable the Message Content Intent'),
      );
      expect(hints).toHaveLength(1);
      expect(hints[0]?.level).toBe(30);
      expect(hints[0]?.msg).toContain('Bot > Message Content Intent');
      expect(hints[0]?.msg).toContain('DISCORD_MESSAGE_CONTENT=true');
      expect(hints[0]?.msg).toContain('Analyze track');

      const message = h.fake.postMessage({ author: newDiscordUser(), content: trackUrl(TRACK_A) });
      await sleep(300);
      expect(h.fake.repliesTo(message.id)).toHaveLength(0);
    } finally {
      await h.stop();
      await db.close();
    }
  });
});
