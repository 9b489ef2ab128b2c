// discord.js first: vega-lite (the personal digest's charts) sets Set.prototype.toJSON when loaded, and
// discord.js's event emitter fails to load after that under vitest's module loader (not under tsx).
import 'discord.js';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, startApp } from '../../../src/app.js';
import { loadConfig } from '../../../src/config.js';
import { DAY_MS, weekSpanAt } from '../../../src/core/calendar/index.js';
import { silentLogger } from '../../../src/core/logger.js';
import {
  claimChannelDigest,
  findChannelDigestDelivery,
} from '../../../src/db/repositories/channel-digest-deliveries.js';
import { insertMusicAnalysis } from '../../../src/db/repositories/music-analysis.js';
import { createChannelDigestJob } from '../../../src/jobs/channel-digest-job.js';
import {
  type ChannelDigestRunner,
  createChannelDigestRunner,
} from '../../../src/services/channel-digest/run-channel-digests.js';
import {
  type FakeDiscord,
  type RecordedRequest,
  startFakeDiscord,
} from '../../fakes/discord/fake-discord.js';
import {
  type CommandOptionValue,
  chatInputInteraction,
  type InteractionPlace,
  type UserJson,
} from '../../fakes/discord/payloads.js';
import { callbackSchema } from '../../fakes/discord/schemas.js';
import { FakeReccoBeats } from '../../fakes/reccobeats/fake-reccobeats.js';
import { FakeSlack } from '../../fakes/slack/fake-slack.js';
import { post, signedForm, slashCommand } from '../../fakes/slack/slack-requests.js';
import { defaultFakeTrack, type FakeSpotify, startFakeSpotify } from '../../fakes/spotify/fake-spotify.js';
import { messageOf, newDiscordUser, textOfMessage } from '../../platforms/discord/discord-harness.js';
import { allText, answerOf, SIGNING_SECRET } from '../../platforms/slack/slack-support.js';
import { queryRows } from '../../support/query-rows.js';
import { tempDir } from '../../support/temp-dir.js';

const MANAGE_GUILD = String(1n << 5n);

// Discord: two servers, one whose channel has 5 opted-in members logging moods, one with 4.
const FIVE = { guildId: '810000000000000005', channelId: '910000000000000005' };
const FIVE_OTHER_CHANNEL = { guildId: FIVE.guildId, channelId: '910000000000000055' };
const FOUR = { guildId: '810000000000000004', channelId: '910000000000000004' };
// Slack: a team per case, since the vibe counts a workspace's opted-in members.
const SLACK_FIVE = { team_id: 'T0FIVE', channel_id: 'C0FIVE' };
const SLACK_FOUR = { team_id: 'T0FOUR', channel_id: 'C0FOUR' };

const TRACKS = {
  bright: '4uLU6hMCjMI75M1A2tKUQC',
  calm: '0VjIjW4GlUZAMYd2vXMi3b',
  slack: '7qiZfU4dY1lWllzX7mPBI3',
  other: '3n3Ppam7vgaVa1iaRUc9Lp',
  dm: '6habFhsOp2NvshLv26DqMb',
};

describe('GIVEN MoodScale on Discord and Slack with weekly channel posts', () => {
  let discord: FakeDiscord;
  let slack: FakeSlack;
  let spotify: FakeSpotify;
  let recco: FakeReccoBeats;
  let app: App;
  const discordFive: UserJson[] = [];
  const discordFour: UserJson[] = [];
  const slackFive: string[] = [];
  const slackFour: string[] = [];
  const admin = newDiscordUser();
  const thisWeek = weekSpanAt(new Date(), 'UTC');
  // Monday 10:00 UTC after this week: this week's post is due.
  const runAt = new Date(thisWeek.end.getTime() + 10 * 3_600_000);

  beforeAll(async () => {
    discord = await startFakeDiscord();
    slack = await FakeSlack.start();
    spotify = await startFakeSpotify();
    recco = await new FakeReccoBeats().start();
    const features = {
      bright: { valence: 0.9, energy: 0.8 },
      calm: { valence: 0.7, energy: 0.2 },
      slack: { valence: 0.3, energy: 0.7 },
      other: { valence: 0.5, energy: 0.5 },
      dm: { valence: 0.2, energy: 0.2 },
    };
    for (const [key, id] of Object.entries(TRACKS)) {
      spotify.addTrack(id, { ...defaultFakeTrack, name: `Song ${key}`, artists: [`Band ${key}`] });
      recco.addTrack(id, features[key as keyof typeof TRACKS]);
    }
    app = await startApp(
      loadConfig({
        DATA_DIR: tempDir('moodscale-channel-post-'),
        DISCORD_TOKEN: discord.token,
        DISCORD_APPLICATION_ID: discord.applicationId,
        DISCORD_API_URL: discord.apiUrl,
        DISCORD_MESSAGE_CONTENT: 'true',
        SLACK_BOT_TOKEN: 'xoxb-test-bot-token',
        SLACK_MODE: 'http',
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_API_URL: slack.apiUrl,
        SPOTIFY_CLIENT_ID: spotify.clientId,
        SPOTIFY_CLIENT_SECRET: spotify.clientSecret,
        SPOTIFY_API_URL: spotify.url,
        SPOTIFY_ACCOUNTS_URL: spotify.url,
        RECCOBEATS_API_URL: recco.url,
        PORT: '0',
        OPS_PORT: '0',
        LOG_LEVEL: 'silent',
      }),
      silentLogger(),
    );
    // The analysed catalogue recommendations come from (tracks someone shared elsewhere, long ago).
    const [someone] = await queryRows<{ id: number }>(
      app.database.db,
      sql`INSERT INTO users (username) VALUES ('catalogue-owner') RETURNING id`,
    );
    for (let i = 0; i < 30; i++) {
      await insertMusicAnalysis(app.database.db, {
        userId: someone!.id,
        spotifyTrackId: `catalogue${String(i).padStart(13, '0')}`,
        trackName: `Catalogue tune ${i}`,
        artistName: 'Catalogue band',
        audioFeatures: { valence: (i % 10) / 10, energy: Math.floor(i / 10) / 3 },
        predictedMood: 'calm',
        moodConfidence: 0.5,
      });
    }

    // Discord: members opt in and log moods in their server; one shares a track in the channel.
    const members = async (place: InteractionPlace, list: UserJson[], count: number, score: number) => {
      for (let i = 0; i < count; i++) {
        const member = newDiscordUser();
        list.push(member);
        await onDiscord(member, 'settings', [text('setting', 'channel-vibe'), text('value', 'on')], place);
        await onDiscord(
          member,
          'mood',
          [{ name: 'score', type: 4, value: score }, text('emotions', 'calm')],
          place,
        );
      }
    };
    await members(FIVE, discordFive, 5, 7);
    await members(FOUR, discordFour, 4, 3);
    await onDiscord(discordFive[0]!, 'share', [text('url', trackUrl(TRACKS.bright))], FIVE);
    await onDiscord(discordFive[1]!, 'share', [text('url', trackUrl(TRACKS.calm))], FIVE);
    await onDiscord(discordFour[0]!, 'share', [text('url', trackUrl(TRACKS.other))], FOUR);
    // A member of the five who did not opt in logs a very low mood: it must not count.
    const bystander = newDiscordUser();
    await onDiscord(bystander, 'mood', [{ name: 'score', type: 4, value: 1 }], FIVE);

    // Slack: the same in two workspaces.
    const slackMembers = async (where: typeof SLACK_FIVE, list: string[], count: number, score: number) => {
      for (let i = 0; i < count; i++) {
        const id = `U${where.team_id.slice(2)}${i}`;
        slack.users.set(id, { real_name: `Person ${where.team_id} ${i}` });
        list.push(id);
        await onSlack(id, '/settings', 'channel-vibe on', where);
        await onSlack(id, '/mood', `${score} hopeful`, where);
      }
    };
    await slackMembers(SLACK_FIVE, slackFive, 5, 6);
    await slackMembers(SLACK_FOUR, slackFour, 4, 2);
    await onSlack(slackFive[0]!, '/share', trackUrl(TRACKS.slack), SLACK_FIVE);
    await onSlack(slackFour[0]!, '/share', trackUrl(TRACKS.other), SLACK_FOUR);
  }, 120_000);

  afterAll(async () => {
    await app?.stop();
    await discord?.close();
    await slack?.close();
    await spotify?.close();
    await recco?.close();
  });

  const text = (name: string, value: string): CommandOptionValue => ({ name, type: 3, value });
  const trackUrl = (id: string) => `https://open.spotify.com/track/${id}`;

  async function onDiscord(
    user: UserJson,
    name: string,
    options: CommandOptionValue[],
    place: InteractionPlace,
  ): Promise<string> {
    const sent = discord.interact(
      chatInputInteraction(discord.applicationId, { name, options }, user, place),
    );
    const ack = await discord.acknowledgement(sent.json.id);
    const callback = callbackSchema.parse(ack.body);
    if (callback.type === 4) return textOfMessage(messageOf(callback.data));
    const edit = await discord.waitForRequest(
      (r) =>
        (r.method === 'PATCH' || r.method === 'POST') &&
        r.path.includes(`/webhooks/`) &&
        r.path.includes(sent.json.token),
      10_000,
    );
    return textOfMessage(messageOf(edit.body));
  }

  async function onSlack(
    user: string,
    command: string,
    input: string,
    where: { team_id: string; channel_id: string },
  ): Promise<string> {
    const responseUrl = slack.responseUrl();
    const form = slashCommand({ command, text: input, response_url: responseUrl, user_id: user, ...where });
    const answer = await post(
      `http://127.0.0.1:${app.slack!.port}/slack/events`,
      signedForm(SIGNING_SECRET, { ...form }),
    );
    expect(answer.status).toBe(200);
    return allText(await answerOf(slack, answer, responseUrl));
  }

  const discordPosts = (channelId: string): RecordedRequest[] =>
    discord.requests.filter((r) => r.method === 'POST' && r.path === `/channels/${channelId}/messages`);
  const discordPostText = (request: RecordedRequest) => textOfMessage(messageOf(request.body));
  const slackPosts = (channel: string) =>
    slack.callsTo('chat.postMessage').filter((c) => c.body.channel === channel);
  const slackPostText = (call: { body: Record<string, unknown> }) => allText(call.body);
  const runner = (instanceId: string): ChannelDigestRunner =>
    createChannelDigestRunner({
      db: app.database.db,
      logger: silentLogger(),
      sendToChannel: app.sendToChannel,
      instanceId,
    });

  async function shareCount(where: { platform: string; workspaceId: string; channelId: string }) {
    const [row] = await queryRows<{ n: number }>(
      app.database.db,
      sql`SELECT count(*)::int AS n FROM channel_track_shares
           WHERE platform = ${where.platform} AND workspace_id = ${where.workspaceId} AND channel_id = ${where.channelId}`,
    );
    return row?.n ?? 0;
  }

  describe('WHEN someone without admin rights asks to turn the post on', () => {
    it('THEN Discord refuses a member without Manage Server or Manage Channels', async () => {
      const answer = await onDiscord(discordFive[2]!, 'channel-digest', [text('state', 'on')], FIVE);
      expect(answer).toContain('Only members with the Manage Server or Manage Channels permission');
    });

    it('THEN Slack refuses a user who is not a workspace admin or owner (asked of users.info)', async () => {
      const before = slack.callsTo('users.info').length;
      const answer = await onSlack(slackFive[1]!, '/channel-digest', 'on', SLACK_FIVE);
      expect(answer).toContain('Only workspace admins and owners');
      expect(slack.callsTo('users.info').length).toBeGreaterThan(before);
    });

    it('THEN a direct message gets told to run it in a channel', async () => {
      expect(await onDiscord(admin, 'channel-digest', [text('state', 'on')], {})).toContain(
        'run /channel-digest in the server or workspace channel',
      );
      expect(
        await onSlack('UADMIN', '/channel-digest', 'on', { team_id: 'T0FIVE', channel_id: 'D0ADMIN' }),
      ).toContain('not in a direct message');
    });
  });

  describe('WHEN admins turn it on and two scheduler instances run at the due hour', () => {
    beforeAll(async () => {
      const asAdmin = { permissions: MANAGE_GUILD };
      expect(
        await onDiscord(admin, 'channel-digest', [text('state', 'on')], { ...FIVE, ...asAdmin }),
      ).toContain('Weekly channel post on');
      expect(
        await onDiscord(admin, 'channel-digest', [text('state', 'on')], { ...FOUR, ...asAdmin }),
      ).toContain('Weekly channel post on');
      slack.users.set('UADMIN5', { real_name: 'Admin Five', is_admin: true });
      slack.users.set('UOWNER4', { real_name: 'Owner Four', is_owner: true });
      expect(await onSlack('UADMIN5', '/channel-digest', 'on', SLACK_FIVE)).toContain(
        'Weekly channel post on',
      );
      expect(await onSlack('UOWNER4', '/channel-digest', 'on', SLACK_FOUR)).toContain(
        'Weekly channel post on',
      );
      const a = runner('instance-a');
      const b = runner('instance-b');
      await Promise.all([a.run(runAt), b.run(runAt)]);
    }, 60_000);

    it('THEN a Discord channel with 5 opted-in members gets its tracks, musical mood, recommendations and the anonymous vibe', () => {
      const posts = discordPosts(FIVE.channelId);
      expect(posts).toHaveLength(1);
      const body = discordPostText(posts[0]!);
      expect(body).toContain('Song bright — Band bright');
      expect(body).toContain('Song calm — Band calm');
      expect(body).toMatch(/musical mood of the week/i);
      expect(body).toContain('Recommended for this mood');
      expect(body).toContain('Catalogue tune');
      expect(body).toContain('Channel vibe');
      // Five members logged 7; the bystander who did not opt in (a 1) does not count.
      expect(body).toContain('Average mood 7.0/10 from 5 members');
      expect(body).toContain('Top emotions: calm');
    });

    it('THEN a Discord channel with 4 opted-in members gets no mood figures', () => {
      const posts = discordPosts(FOUR.channelId);
      expect(posts).toHaveLength(1);
      const body = discordPostText(posts[0]!);
      expect(body).toContain('Song other');
      expect(body).not.toContain('Channel vibe');
      expect(body).not.toMatch(/\/10|Average mood|Top emotions/);
    });

    it('THEN Slack channels get the same: figures from 5 members, none from 4', () => {
      const five = slackPosts(SLACK_FIVE.channel_id);
      const four = slackPosts(SLACK_FOUR.channel_id);
      expect(five).toHaveLength(1);
      expect(four).toHaveLength(1);
      expect(slackPostText(five[0]!)).toContain('Song slack');
      expect(slackPostText(five[0]!)).toContain('Average mood 6.0/10 from 5 members');
      expect(slackPostText(five[0]!)).toContain('hopeful');
      expect(slackPostText(four[0]!)).toContain('Song other');
      expect(slackPostText(four[0]!)).not.toMatch(/Channel vibe|\/10|Average mood|Top emotions/);
    });

    it('THEN no post names or mentions any member, sharer or admin', () => {
      const posted = [
        ...discordPosts(FIVE.channelId).map(discordPostText),
        ...discordPosts(FOUR.channelId).map(discordPostText),
        ...slackPosts(SLACK_FIVE.channel_id).map(slackPostText),
        ...slackPosts(SLACK_FOUR.channel_id).map(slackPostText),
      ].join('\n');
      const discordPeople = [...discordFive, ...discordFour, admin];
      const names = [
        ...discordPeople.flatMap((u) => [u.id, u.username, u.global_name ?? u.username]),
        ...[...slackFive, ...slackFour, 'UADMIN5', 'UOWNER4'].flatMap((id) => [
          id,
          slack.users.get(id)?.real_name ?? id,
        ]),
      ];
      for (const name of names) expect(posted, name).not.toContain(name);
      for (const request of discordPosts(FIVE.channelId)) {
        expect(request.body).toMatchObject({ allowed_mentions: { parse: [] } });
      }
    });

    it('THEN the same instances running again (a restart) post nothing more', async () => {
      const again = await Promise.all([
        runner('instance-a').run(runAt),
        runner('instance-c').run(new Date(runAt.getTime() + 3_600_000)),
      ]);
      expect(again.map((s) => s.sent)).toEqual([0, 0]);
      expect(discordPosts(FIVE.channelId)).toHaveLength(1);
      expect(slackPosts(SLACK_FIVE.channel_id)).toHaveLength(1);
    });

    it('THEN the hourly job built on the runner posts nothing more either', async () => {
      const job = createChannelDigestJob({ run: runner('instance-job').run, logger: silentLogger() });
      expect(job.name).toBe('channel-digest');
      await job.run(new Date(runAt.getTime() + 2 * 3_600_000));
      expect(discordPosts(FOUR.channelId)).toHaveLength(1);
      expect(slackPosts(SLACK_FOUR.channel_id)).toHaveLength(1);
    });
  });

  describe('WHEN an instance died holding a claim', () => {
    it('THEN a claim whose lease ran out is taken over and the channel gets its post exactly once', async () => {
      const asAdmin = { ...FIVE_OTHER_CHANNEL, permissions: MANAGE_GUILD };
      await onDiscord(admin, 'channel-digest', [text('state', 'on')], asAdmin);
      const channel = {
        platform: 'discord' as const,
        workspaceId: FIVE_OTHER_CHANNEL.guildId,
        channelId: FIVE_OTHER_CHANNEL.channelId,
      };
      await onDiscord(discordFive[3]!, 'share', [text('url', trackUrl(TRACKS.calm))], FIVE_OTHER_CHANNEL);
      const dead = await claimChannelDigest(app.database.db, {
        channel,
        period: thisWeek.period,
        claimedBy: 'dead-instance',
        leaseMs: 10 * 60_000,
        now: new Date(runAt.getTime() - 2 * 3_600_000),
      });
      expect(dead?.claimedBy).toBe('dead-instance');

      const first = await runner('survivor').run(runAt);
      const second = await runner('late').run(new Date(runAt.getTime() + 60_000));
      expect(first.sent).toBe(1);
      expect(second.sent).toBe(0);
      expect(discordPosts(channel.channelId)).toHaveLength(1);
      const delivery = await findChannelDigestDelivery(app.database.db, channel, thisWeek.period);
      expect(delivery).toMatchObject({ status: 'sent', claimedBy: 'survivor', attempts: 2 });
    });

    it('THEN a claim still within its lease is left alone', async () => {
      const channel = {
        platform: 'discord' as const,
        workspaceId: FIVE.guildId,
        channelId: '910000000000000077',
      };
      await onDiscord(admin, 'channel-digest', [text('state', 'on')], {
        ...FIVE,
        channelId: channel.channelId,
        permissions: MANAGE_GUILD,
      });
      const nextWeekRun = new Date(runAt.getTime() + 7 * DAY_MS);
      const nextPeriod = weekSpanAt(new Date(runAt.getTime()), 'UTC').period;
      await claimChannelDigest(app.database.db, {
        channel,
        period: nextPeriod,
        claimedBy: 'alive-instance',
        leaseMs: 10 * 60_000,
        now: nextWeekRun,
      });
      const summary = await runner('other').run(nextWeekRun);
      expect(summary.period).toBe(nextPeriod);
      expect(discordPosts(channel.channelId)).toHaveLength(0);
      expect((await findChannelDigestDelivery(app.database.db, channel, nextPeriod))?.claimedBy).toBe(
        'alive-instance',
      );
    });
  });

  describe('WHEN Slack answers a channel post with 429', () => {
    it('THEN the post waits the retry-after and goes out once', async () => {
      slack.users.set('UADMINRATE', { real_name: 'Admin Rate', is_admin: true });
      const where = { team_id: 'T0FIVE', channel_id: 'C0RATE' };
      await onSlack('UADMINRATE', '/channel-digest', 'on', where);
      await onSlack(slackFive[3]!, '/share', trackUrl(TRACKS.calm), where);
      slack.failNext('chat.postMessage', { status: 429, retryAfter: 1 });
      const started = Date.now();
      const summary = await runner('rate-limited').run(runAt);
      expect(summary.failed).toBe(0);
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
      // The refused attempt and the one that went through; the delivery was claimed once.
      expect(slackPosts('C0RATE')).toHaveLength(2);
      const delivery = await findChannelDigestDelivery(
        app.database.db,
        { platform: 'slack', workspaceId: 'T0FIVE', channelId: 'C0RATE' },
        thisWeek.period,
      );
      expect(delivery).toMatchObject({ status: 'sent', attempts: 1 });
    });
  });

  describe('WHEN Discord answers a channel post with 429', () => {
    it('THEN discord.js waits the retry-after and the post goes out once', async () => {
      const channelId = '910000000000000429';
      await onDiscord(admin, 'channel-digest', [text('state', 'on')], {
        ...FOUR,
        channelId,
        permissions: MANAGE_GUILD,
      });
      await onDiscord(discordFour[2]!, 'share', [text('url', trackUrl(TRACKS.other))], {
        ...FOUR,
        channelId,
      });
      discord.rateLimitNextMessage(channelId, 1);
      const started = Date.now();
      const summary = await runner('discord-rate-limited').run(runAt);
      expect(summary.failed).toBe(0);
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
      expect(discordPosts(channelId).map((r) => r.status)).toEqual([429, 200]);
    });
  });

  describe('WHEN tracks are shared', () => {
    it('THEN a share in a Discord or Slack channel is recorded for that channel', async () => {
      expect(
        await shareCount({ platform: 'discord', workspaceId: FIVE.guildId, channelId: FIVE.channelId }),
      ).toBe(2);
      expect(await shareCount({ platform: 'slack', workspaceId: 'T0FIVE', channelId: 'C0FIVE' })).toBe(1);
    });

    it('THEN a Spotify link posted in a Discord channel message is recorded for that channel', async () => {
      const where = { platform: 'discord', workspaceId: FOUR.guildId, channelId: '910000000000000444' };
      const message = discord.postMessage({
        author: discordFour[1]!,
        content: `listen to this ${trackUrl(TRACKS.bright)}`,
        guildId: where.workspaceId,
        channelId: where.channelId,
      });
      await discord.waitForRequest(
        (r) => r.path === `/channels/${where.channelId}/messages` && r.method === 'POST',
      );
      expect(discord.repliesTo(message.id)).toHaveLength(1);
      expect(await shareCount(where)).toBe(1);
    });

    it('THEN a share in a direct message is analysed but recorded for no channel', async () => {
      const [before] = await queryRows<{ shares: number; analyses: number }>(
        app.database.db,
        sql`SELECT (SELECT count(*)::int FROM channel_track_shares) AS shares,
                   (SELECT count(*)::int FROM music_analysis WHERE spotify_track_id = ${TRACKS.dm}) AS analyses`,
      );
      await onDiscord(discordFive[4]!, 'share', [text('url', trackUrl(TRACKS.dm))], {});
      await onSlack(slackFive[2]!, '/share', trackUrl(TRACKS.dm), {
        team_id: 'T0FIVE',
        channel_id: 'D0DIRECT',
      });
      const [after] = await queryRows<{ shares: number; analyses: number }>(
        app.database.db,
        sql`SELECT (SELECT count(*)::int FROM channel_track_shares) AS shares,
                   (SELECT count(*)::int FROM music_analysis WHERE spotify_track_id = ${TRACKS.dm}) AS analyses`,
      );
      expect(after!.analyses).toBe(before!.analyses + 2);
      expect(after!.shares).toBe(before!.shares);
    });
  });
});
