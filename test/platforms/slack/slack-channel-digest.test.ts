import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { reply } from '../../../src/core/commands/index.js';
import { post, signedForm, slashCommand } from '../../fakes/slack/slack-requests.js';
import { queryRows } from '../../support/query-rows.js';
import { describeEachDatabase } from '../../support/test-database.js';
import {
  allText,
  capturingLogger,
  SIGNING_SECRET,
  type SlackRig,
  startSlackRig,
  TEAM,
  waitForResponse,
} from './slack-support.js';

/** A channel id for each case, so that the cases stay apart. */
const newChannel = (prefix: 'C' | 'G' = 'C') => `${prefix}0${randomBytes(4).toString('hex').toUpperCase()}`;

/** What the weekly channel post sends. */
const weeklyPost = reply.public({ title: 'This week in #general', text: 'Three tracks shared.' });

describeEachDatabase('Slack /channel-digest on and the bot’s channel membership', (getDb) => {
  let rig: SlackRig;
  const log = capturingLogger();
  const ADMIN = 'UADMINDIGEST';

  beforeAll(async () => {
    rig = await startSlackRig(getDb().db, 'http', { logger: log.logger });
    rig.fake.users.set(ADMIN, { real_name: 'Admin', is_admin: true });
  });
  afterAll(async () => {
    await rig?.close();
  });

  /** The workspace admin runs `/channel-digest <state>` in `channel`; the answer as Slack got it. */
  async function channelDigest(channel: string, state: 'on' | 'off') {
    const command = slashCommand({
      command: '/channel-digest',
      text: state,
      response_url: rig.fake.responseUrl(),
      user_id: ADMIN,
      team_id: TEAM,
      channel_id: channel,
    });
    const sent = await post(rig.eventsUrl, signedForm(SIGNING_SECRET, { ...command }));
    expect(sent.status).toBe(200);
    return (await waitForResponse(rig.fake, command.response_url)).body;
  }

  const enabledIn = async (channel: string): Promise<boolean> => {
    const rows = await queryRows<{ n: number }>(
      getDb().db,
      sql`SELECT count(*)::int AS n FROM channel_digest_channels
           WHERE platform = 'slack' AND workspace_id = ${TEAM} AND channel_id = ${channel}`,
    );
    return (rows[0]?.n ?? 0) > 0;
  };

  it('GIVEN a public channel the bot is not in WHEN an admin runs /channel-digest on THEN a private answer says so, says to /invite @MoodScale, and the post stays off', async () => {
    const channel = newChannel();
    rig.fake.channels.set(channel, { botIsMember: false });

    const answer = await channelDigest(channel, 'on');

    expect(answer.response_type).toBe('ephemeral');
    expect(allText(answer)).toContain('MoodScale is not a member of this channel');
    expect(allText(answer)).toContain('/invite @MoodScale');
    expect(allText(answer)).toContain('the weekly post was not turned on');
    expect(await enabledIn(channel)).toBe(false);
  });

  it('GIVEN a public channel the bot is not in WHEN an admin runs /channel-digest on THEN conversations.info was asked about that channel', async () => {
    const channel = newChannel();
    rig.fake.channels.set(channel, { botIsMember: false });

    await channelDigest(channel, 'on');

    expect(rig.fake.callsTo('conversations.info').map((c) => c.body.channel)).toContain(channel);
  });

  it('GIVEN a private channel the bot is not in (Slack hides it: channel_not_found) WHEN an admin runs /channel-digest on THEN it is refused the same way', async () => {
    const channel = newChannel('G');
    rig.fake.channels.set(channel, { isPrivate: true, botIsMember: false });

    const answer = await channelDigest(channel, 'on');

    expect(allText(answer)).toContain('MoodScale is not a member of this channel');
    expect(await enabledIn(channel)).toBe(false);
  });

  it('GIVEN a channel the bot is in WHEN an admin runs /channel-digest on THEN it is turned on, without a reminder to invite the bot', async () => {
    const channel = newChannel();
    rig.fake.channels.set(channel, { botIsMember: true });

    const answer = await channelDigest(channel, 'on');

    expect(answer.response_type).toBe('in_channel');
    expect(allText(answer)).toContain('Weekly channel post on');
    expect(allText(answer)).not.toContain('/invite');
    expect(await enabledIn(channel)).toBe(true);
  });

  it('GIVEN a refusal WHEN the bot is invited and the admin runs /channel-digest on again THEN it is on, and the weekly post goes out', async () => {
    const channel = newChannel();
    rig.fake.channels.set(channel, { botIsMember: false });
    await channelDigest(channel, 'on');

    rig.fake.channels.set(channel, { botIsMember: true });
    const answer = await channelDigest(channel, 'on');

    expect(allText(answer)).toContain('Weekly channel post on');
    expect(await enabledIn(channel)).toBe(true);
    expect(await rig.adapter.sendToChannel(channel, weeklyPost)).toBe('sent');
  });

  it('GIVEN a channel the bot is not in WHEN the weekly post is sent there THEN Slack answers not_in_channel and the send is reported refused', async () => {
    const channel = newChannel();
    rig.fake.channels.set(channel, { botIsMember: false });

    expect(await rig.adapter.sendToChannel(channel, weeklyPost)).toBe('refused');
    expect(rig.fake.messagesIn(channel)).toHaveLength(0);
  });

  it('GIVEN a channel the bot was removed from WHEN an admin runs /channel-digest off THEN it is turned off', async () => {
    const channel = newChannel();
    rig.fake.channels.set(channel, { botIsMember: true });
    await channelDigest(channel, 'on');
    rig.fake.channels.set(channel, { botIsMember: false });

    const answer = await channelDigest(channel, 'off');

    expect(allText(answer)).toContain('Weekly channel post off');
    expect(await enabledIn(channel)).toBe(false);
  });

  it('GIVEN an app installed without channels:read (an older manifest) WHEN an admin runs /channel-digest on THEN it is turned on with the reminder to invite the bot, and the log names the scopes to add', async () => {
    const channel = newChannel();
    const scopes = rig.fake.scopes;
    rig.fake.scopes = scopes.filter((scope) => scope !== 'channels:read' && scope !== 'groups:read');
    try {
      const answer = await channelDigest(channel, 'on');

      expect(allText(answer)).toContain('Weekly channel post on');
      expect(allText(answer)).toContain(
        'MoodScale must be a member of this channel to post: `/invite @MoodScale`',
      );
      expect(await enabledIn(channel)).toBe(true);
      expect(log.lines()).toContain('needs the channels:read and groups:read scopes');
    } finally {
      rig.fake.scopes = scopes;
    }
  });
});
