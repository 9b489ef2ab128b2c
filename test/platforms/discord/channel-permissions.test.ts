import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { reply } from '../../../src/core/commands/index.js';
import { PERMISSION } from '../../fakes/discord/fake-discord.js';
import type { InteractionPlace } from '../../fakes/discord/payloads.js';
import { queryRows } from '../../support/query-rows.js';
import { describeEachDatabase } from '../../support/test-database.js';
import {
  type DiscordHarness,
  EPHEMERAL,
  messageOf,
  newDiscordUser,
  startDiscord,
  textOfMessage,
} from './discord-harness.js';

const GUILD = '813000000000000001';
const MANAGE_GUILD = String(1n << 5n);
/** A channel for each case, so that the cases stay apart. */
const place = (channel: number): InteractionPlace => ({
  guildId: GUILD,
  channelId: String(913000000000000000n + BigInt(channel)),
  permissions: MANAGE_GUILD,
});

/** What the weekly channel post sends: an embed. */
const weeklyPost = reply.public({ title: 'This week in #general', text: 'Three tracks shared.' });

describeEachDatabase('Discord channel permissions of the bot', (getDb) => {
  let h: DiscordHarness;
  beforeAll(async () => {
    h = await startDiscord(getDb().db);
  });
  afterAll(async () => {
    await h?.stop();
  });

  const enabledIn = async (channelId: string | undefined): Promise<boolean> => {
    const rows = await queryRows<{ n: number }>(
      getDb().db,
      sql`SELECT count(*)::int AS n FROM channel_digest_channels WHERE channel_id = ${channelId ?? ''}`,
    );
    return (rows[0]?.n ?? 0) > 0;
  };

  const channelDigestOn = (where: InteractionPlace) => channelDigestOnIn(h, where);

  it('GIVEN a channel whose overwrite denies Send Messages WHEN an admin runs /channel-digest on THEN a private answer names Send Messages as missing and the post stays off', async () => {
    const where = place(1);
    h.fake.setChannelOverwrite(where.channelId!, { deny: PERMISSION.SendMessages });
    const ack = await channelDigestOn(where);
    const answer = messageOf(ack.data);
    expect(answer.flags).toBe(EPHEMERAL);
    expect(textOfMessage(answer)).toContain('MoodScale cannot post in this channel');
    expect(textOfMessage(answer)).toContain('Send Messages');
    expect(textOfMessage(answer)).not.toContain('Embed Links');
    expect(await enabledIn(where.channelId)).toBe(false);
  });

  it('GIVEN a channel the bot cannot see nor embed in WHEN an admin runs /channel-digest on THEN the answer names View Channel and Embed Links', async () => {
    const where = place(2);
    h.fake.setChannelOverwrite(where.channelId!, { deny: PERMISSION.ViewChannel | PERMISSION.EmbedLinks });
    const text = textOfMessage(messageOf((await channelDigestOn(where)).data));
    expect(text).toContain('View Channel and Embed Links');
    expect(await enabledIn(where.channelId)).toBe(false);
  });

  it('GIVEN a channel where the bot may post WHEN an admin runs /channel-digest on THEN the post is turned on', async () => {
    const where = place(3);
    const text = textOfMessage(messageOf((await channelDigestOn(where)).data));
    expect(text).toContain('Weekly channel post on');
    expect(await enabledIn(where.channelId)).toBe(true);
  });

  it('GIVEN a channel whose overwrite denies Send Messages WHEN the weekly post is sent there THEN Discord answers 403 with 50013 and the send is reported refused', async () => {
    const channelId = place(4).channelId!;
    h.fake.setChannelOverwrite(channelId, { deny: PERMISSION.SendMessages });
    expect(await h.adapter.sendToChannel(channelId, weeklyPost)).toBe('refused');
    const refused = h.fake.requests.filter((r) => r.path === `/channels/${channelId}/messages`);
    expect(refused.map((r) => r.status)).toEqual([403]);
  });
});

describeEachDatabase('GIVEN a server where the bot has only what its invite link asks for', (getDb) => {
  let h: DiscordHarness;
  beforeAll(async () => {
    // Learn the invite's permissions from a first start, then give the bot exactly those.
    const first = await startDiscord(getDb().db);
    const invited = BigInt(new URL(first.adapter.inviteUrl).searchParams.get('permissions') ?? '0');
    await first.stop();
    h = await startDiscord(getDb().db, { fake: { botPermissions: invited } });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('WHEN an admin runs /channel-digest on THEN it is turned on, and THEN the weekly post is sent', async () => {
    const where = place(5);
    const text = textOfMessage(messageOf((await channelDigestOnIn(h, where)).data));
    expect(text).toContain('Weekly channel post on');
    expect(await h.adapter.sendToChannel(where.channelId!, weeklyPost)).toBe('sent');
  });
});

/** An admin runs `/channel-digest on` there. */
function channelDigestOnIn(h: DiscordHarness, where: InteractionPlace) {
  return h.command('channel-digest', [{ name: 'state', type: 3, value: 'on' }], newDiscordUser(), where);
}
