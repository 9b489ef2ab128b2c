import { randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import { mergeUsers } from '../../src/db/repositories/account-merge.js';
import {
  type ChannelKey,
  disableChannelDigest,
  enableChannelDigest,
  findChannelDigest,
  listChannelDigests,
} from '../../src/db/repositories/channel-digest-channels.js';
import {
  claimChannelDigest,
  findChannelDigestDelivery,
  markChannelDigestFailed,
  markChannelDigestSent,
} from '../../src/db/repositories/channel-digest-deliveries.js';
import { listChannelShares, recordChannelShare } from '../../src/db/repositories/channel-track-shares.js';
import { noteWorkspaceMember, vibeFigures } from '../../src/db/repositories/channel-vibe.js';
import { attachIdentity } from '../../src/db/repositories/chat-identities.js';
import { insertMusicAnalysis } from '../../src/db/repositories/music-analysis.js';
import { updateUserSettings } from '../../src/db/repositories/user-settings.js';
import { deleteUser } from '../../src/db/repositories/users.js';
import { newUser } from '../support/fixtures.js';
import { insertMoodEntry } from '../support/mood-entries.js';
import { describeEachDatabase } from '../support/test-database.js';

const HOUR = 3_600_000;
const newChannel = (platform: ChannelKey['platform'] = 'discord'): ChannelKey => ({
  platform,
  workspaceId: `g-${randomBytes(4).toString('hex')}`,
  channelId: `c-${randomBytes(4).toString('hex')}`,
});

describeEachDatabase('channel digest deliveries', (getDb) => {
  const period = '2026-W47';
  const t0 = new Date('2026-11-23T09:00:00Z');

  it('GIVEN a live claim WHEN another instance claims THEN it gets nothing; after the lease runs out it takes over', async () => {
    const { db } = getDb();
    const channel = newChannel();
    const first = await claimChannelDigest(db, { channel, period, claimedBy: 'a', leaseMs: HOUR, now: t0 });
    expect(first?.attempts).toBe(1);
    expect(
      await claimChannelDigest(db, {
        channel,
        period,
        claimedBy: 'b',
        leaseMs: HOUR,
        now: new Date(t0.getTime() + 1000),
      }),
    ).toBeUndefined();
    const later = new Date(t0.getTime() + 2 * HOUR);
    const taken = await claimChannelDigest(db, {
      channel,
      period,
      claimedBy: 'b',
      leaseMs: HOUR,
      now: later,
    });
    expect(taken).toMatchObject({ claimedBy: 'b', attempts: 2, status: 'claimed' });
    // The dead holder's late completion does not count; the new holder's does.
    expect(await markChannelDigestSent(db, first!.id, 'a', later)).toBe(false);
    expect(await markChannelDigestSent(db, taken!.id, 'b', later)).toBe(true);
    expect(
      await claimChannelDigest(db, {
        channel,
        period,
        claimedBy: 'c',
        leaseMs: HOUR,
        now: new Date(later.getTime() + 9 * HOUR),
      }),
    ).toBeUndefined();
    expect((await findChannelDigestDelivery(db, channel, period))?.status).toBe('sent');
  });

  it('GIVEN failed posts THEN they are retried until three attempts, then left alone', async () => {
    const { db } = getDb();
    const channel = newChannel('slack');
    for (let attempt = 1; attempt <= 3; attempt++) {
      const claim = await claimChannelDigest(db, { channel, period, claimedBy: 'x', leaseMs: HOUR, now: t0 });
      expect(claim?.attempts).toBe(attempt);
      expect(await markChannelDigestFailed(db, claim!.id, 'x', 'not_in_channel')).toBe(true);
    }
    expect(
      await claimChannelDigest(db, { channel, period, claimedBy: 'x', leaseMs: HOUR, now: t0 }),
    ).toBeUndefined();
  });

  it('GIVEN the same channel in two weeks THEN each week is its own delivery', async () => {
    const { db } = getDb();
    const channel = newChannel();
    const a = await claimChannelDigest(db, {
      channel,
      period: '2026-W47',
      claimedBy: 'x',
      leaseMs: HOUR,
      now: t0,
    });
    const b = await claimChannelDigest(db, {
      channel,
      period: '2026-W48',
      claimedBy: 'x',
      leaseMs: HOUR,
      now: t0,
    });
    expect(a?.id).not.toBe(b?.id);
  });
});

describeEachDatabase('channels with the weekly post', (getDb) => {
  it('GIVEN a channel turned on twice and off THEN it is listed once while on, and not after', async () => {
    const { db } = getDb();
    const admin = await newUser(db, 'admin');
    const channel = newChannel();
    expect(await enableChannelDigest(db, channel, admin.id)).toBe(true);
    expect(await enableChannelDigest(db, channel, admin.id)).toBe(false);
    const listed = (await listChannelDigests(db, new Date(Date.now() + HOUR))).filter(
      (c) => c.channelId === channel.channelId,
    );
    expect(listed).toHaveLength(1);
    expect(await listChannelDigests(db, new Date(Date.now() - HOUR))).not.toContainEqual(
      expect.objectContaining({ channelId: channel.channelId }),
    );
    expect(await disableChannelDigest(db, channel)).toBe(true);
    expect(await findChannelDigest(db, channel)).toBeUndefined();
  });

  it('GIVEN the admin who turned it on is erased THEN the channel keeps its post and forgets who turned it on', async () => {
    const { db } = getDb();
    const admin = await newUser(db, 'admin');
    const channel = newChannel();
    await enableChannelDigest(db, channel, admin.id);
    await deleteUser(db, admin.id);
    expect(await findChannelDigest(db, channel)).toMatchObject({
      channelId: channel.channelId,
      enabledBy: null,
    });
  });

  it('GIVEN a user who shared tracks in a channel is erased THEN the channel shares go with them', async () => {
    const { db } = getDb();
    const sharer = await newUser(db, 'sharer');
    const stays = await newUser(db, 'stays');
    const channel = newChannel();
    for (const [user, track] of [
      [sharer, 'gone'],
      [stays, 'kept'],
    ] as const) {
      const analysis = await insertMusicAnalysis(db, {
        userId: user.id,
        spotifyTrackId: `${track}-${channel.channelId}`,
        trackName: track,
        artistName: 'a',
        audioFeatures: { valence: 0.5, energy: 0.5 },
      });
      await recordChannelShare(db, analysis.id, channel);
    }
    const window = [new Date(Date.now() - HOUR), new Date(Date.now() + HOUR)] as const;
    expect((await listChannelShares(db, channel, ...window)).map((t) => t.trackName).sort()).toEqual([
      'gone',
      'kept',
    ]);
    await deleteUser(db, sharer.id);
    expect((await listChannelShares(db, channel, ...window)).map((t) => t.trackName)).toEqual(['kept']);
  });

  it('GIVEN two accounts merged THEN server memberships and the channel switch move to the kept user', async () => {
    const { db } = getDb();
    const from = await newUser(db, 'from');
    const into = await newUser(db, 'into');
    const channel = newChannel();
    const now = new Date();
    await noteWorkspaceMember(db, from.id, 'discord', channel.workspaceId, now);
    await noteWorkspaceMember(db, into.id, 'discord', channel.workspaceId, now);
    await noteWorkspaceMember(db, from.id, 'discord', `${channel.workspaceId}-2`, now);
    await enableChannelDigest(db, channel, from.id);
    await mergeUsers(db, from.id, into.id);
    expect((await findChannelDigest(db, channel))?.enabledBy).toBe(into.id);
    await updateUserSettings(db, into.id, { channelVibeOptIn: true });
    await insertMoodEntry(db, { userId: into.id, moodScore: 4 });
    for (const workspace of [channel.workspaceId, `${channel.workspaceId}-2`]) {
      const figures = await vibeFigures(
        db,
        'discord',
        workspace,
        new Date(now.getTime() - HOUR),
        new Date(now.getTime() + HOUR),
      );
      expect(figures.contributors, workspace).toBe(1);
    }
  });
});

describeEachDatabase('the channel vibe figures', (getDb) => {
  it('GIVEN members of a workspace THEN only opted-in ones who logged that week count, each person weighing the same', async () => {
    const { db } = getDb();
    const team = `T-${randomBytes(4).toString('hex')}`;
    const guild = `G-${randomBytes(4).toString('hex')}`;
    const now = new Date();
    const from = new Date(now.getTime() - HOUR);
    const to = new Date(now.getTime() + HOUR);
    const person = async (options: {
      optIn: boolean;
      slackTeam?: string;
      guild?: string;
      scores: number[];
      emotions?: string[];
    }) => {
      const user = await newUser(db, 'member');
      if (options.slackTeam) {
        await attachIdentity(
          db,
          { platform: 'slack', workspaceId: options.slackTeam, externalUserId: `U${user.id}` },
          user.id,
        );
      }
      if (options.guild) {
        await attachIdentity(
          db,
          { platform: 'discord', workspaceId: '', externalUserId: `d${user.id}` },
          user.id,
        );
        await noteWorkspaceMember(db, user.id, 'discord', options.guild, now);
      }
      await updateUserSettings(db, user.id, { channelVibeOptIn: options.optIn });
      for (const score of options.scores) {
        await insertMoodEntry(db, { userId: user.id, moodScore: score, emotions: options.emotions ?? [] });
      }
      return user;
    };
    // One frequent logger (three 2s) and one once (an 8): the mean of people is 5, not 3.5.
    await person({ optIn: true, slackTeam: team, scores: [2, 2, 2], emotions: ['Tired'] });
    await person({ optIn: true, slackTeam: team, scores: [8], emotions: ['tired', 'happy'] });
    await person({ optIn: false, slackTeam: team, scores: [1], emotions: ['sad'] });
    await person({ optIn: true, slackTeam: `${team}-other`, scores: [10] });
    await person({ optIn: true, slackTeam: team, scores: [] });
    await person({ optIn: true, guild, scores: [6], emotions: ['calm'] });

    const slack = await vibeFigures(db, 'slack', team, from, to);
    expect(slack.contributors).toBe(2);
    expect(slack.averageScore).toBeCloseTo(5, 5);
    // 'happy' came from one person only: an emotion is shown once two people or more named it.
    expect(slack.topEmotions).toEqual([{ emotion: 'tired', people: 2 }]);
    const discord = await vibeFigures(db, 'discord', guild, from, to);
    expect(discord).toMatchObject({
      contributors: 1,
      averageScore: 6,
      topEmotions: [],
    });
    const lastWeek = await vibeFigures(db, 'slack', team, new Date(now.getTime() - 8 * 24 * HOUR), from);
    expect(lastWeek.contributors).toBe(0);
  });
});
