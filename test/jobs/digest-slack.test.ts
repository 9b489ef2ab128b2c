// discord.js must load before @slack/bolt, as app.ts loads them: the other way round, a Discord DM
// with a file fails inside undici ("action is not a function"). See the session note of 2026-12-05.
import '../../src/platforms/discord/discord-adapter.js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/logger.js';
import { findDigestDelivery } from '../../src/db/repositories/digest-deliveries.js';
import { createSendDirect, type SendDirect } from '../../src/platforms/direct-messages.js';
import { createSlackAdapter, type SlackAdapter } from '../../src/platforms/slack/slack-adapter.js';
import { type FakeDiscord, startFakeDiscord } from '../fakes/discord/fake-discord.js';
import { FakeSlack } from '../fakes/slack/fake-slack.js';
import { type DiscordHarness, startDiscord } from '../platforms/discord/discord-harness.js';
import { BOT_TOKEN, SIGNING_SECRET, TEAM } from '../platforms/slack/slack-support.js';
import { unusedInbox } from '../support/app-harness.js';
import { describeEachDatabase } from '../support/test-database.js';
import { activeWeek, digestUser, inspectPng, runnerFor } from './digest-support.js';

const PERIOD = '2026-W47';

describeEachDatabase('the weekly digest on Slack, and on both platforms for linked accounts', (getDb) => {
  let slackFake: FakeSlack;
  let slack: SlackAdapter;
  let discordFake: FakeDiscord;
  let discord: DiscordHarness;
  let sendDirect: SendDirect;

  beforeAll(async () => {
    slackFake = await FakeSlack.start();
    slack = createSlackAdapter({
      inbox: unusedInbox,
      config: {
        botToken: BOT_TOKEN,
        mode: 'http',
        appToken: undefined,
        signingSecret: SIGNING_SECRET,
        apiUrl: slackFake.apiUrl,
      },
      port: 0,
      logger: silentLogger(),
      dmIntervalMs: 0,
    });
    discordFake = await startFakeDiscord();
    discord = await startDiscord(getDb().db, { reuseFake: discordFake, adapter: { dmIntervalMs: 0 } });
    sendDirect = createSendDirect({ slack, discord: discord.adapter }, () => Promise.resolve());
  });
  afterAll(async () => {
    await slack?.stop();
    await discord?.stop();
    await discordFake?.close();
    await slackFake?.close();
  });

  it('GIVEN a Slack user THEN the DM is posted and the chart PNG is uploaded into the same DM through files.uploadV2', async () => {
    const db = getDb().db;
    const user = `UDIG${Math.floor(Math.random() * 1e6)}`;
    const userId = await digestUser(db, { slack: { user, team: TEAM }, ...activeWeek() });
    const uploadsBefore = slackFake.uploads.length;
    const { runner } = runnerFor(db, sendDirect);
    expect((await runner.runWeek(PERIOD, { userIds: [userId] })).sent).toBe(1);

    const open = slackFake.callsTo('conversations.open').filter((c) => c.body.users === user);
    expect(open).toHaveLength(1);
    const posts = slackFake.callsTo('chat.postMessage').filter((c) => c.body.channel === `D${user}`);
    expect(posts).toHaveLength(1);
    expect(String(posts[0]?.body.text)).toContain('Your week in mood and music');
    expect(JSON.stringify(posts[0]?.body.blocks)).toContain('/settings digest off');
    const completes = slackFake
      .callsTo('files.completeUploadExternal')
      .filter((c) => c.body.channel_id === `D${user}`);
    expect(completes).toHaveLength(1);
    const upload = slackFake.uploads
      .slice(uploadsBefore)
      .find((u) => u.filename === 'mood-week-2026-W47.png');
    expect(upload).toBeDefined();
    const png = inspectPng(upload!.bytes);
    expect(png).toMatchObject({ width: 640 });
    expect(png.nonWhiteShare).toBeGreaterThan(0.02);
    expect(await findDigestDelivery(db, userId, PERIOD)).toMatchObject({ status: 'sent' });
  });

  it('GIVEN accounts linked across Discord and Slack THEN the digest goes to both, and is one delivery', async () => {
    const db = getDb().db;
    const user = `ULNK${Math.floor(Math.random() * 1e6)}`;
    const discordId = `${800_000_000_000_000_000n + BigInt(Math.floor(Math.random() * 1e9))}`;
    const userId = await digestUser(db, { slack: { user, team: TEAM }, discord: discordId, ...activeWeek() });
    const { runner, outcomes } = runnerFor(db, sendDirect);
    await runner.runWeek(PERIOD, { userIds: [userId] });
    await runner.runWeek(PERIOD, { userIds: [userId] });
    const discordDms = discordFake.directMessagesTo(discordId).filter((r) => r.status === 200);
    expect(discordDms).toHaveLength(1);
    expect(discordDms[0]?.files.map((f) => f.name)).toEqual(['mood-week-2026-W47.png']);
    expect(slackFake.callsTo('chat.postMessage').filter((c) => c.body.channel === `D${user}`)).toHaveLength(
      1,
    );
    expect(outcomes.map((o) => o.result)).toEqual(['sent']);
  });

  it('GIVEN Slack refuses the DM (cannot_dm_bot) THEN the week is marked skipped', async () => {
    const db = getDb().db;
    const user = `UBOT${Math.floor(Math.random() * 1e6)}`;
    slackFake.users.set(user, { is_bot: true });
    const userId = await digestUser(db, { slack: { user, team: TEAM }, ...activeWeek() });
    await runnerFor(db, sendDirect).runner.runWeek(PERIOD, { userIds: [userId] });
    expect(await findDigestDelivery(db, userId, PERIOD)).toMatchObject({ status: 'skipped' });
  });

  it('GIVEN Slack fails (fatal_error) THEN the week is marked failed and a later run delivers it once', async () => {
    const db = getDb().db;
    const user = `UFLK${Math.floor(Math.random() * 1e6)}`;
    const userId = await digestUser(db, { slack: { user, team: TEAM }, ...activeWeek() });
    slackFake.failNext('chat.postMessage', { error: 'fatal_error' });
    const { runner } = runnerFor(db, sendDirect);
    expect((await runner.runWeek(PERIOD, { userIds: [userId] })).failed).toBe(1);
    expect(await findDigestDelivery(db, userId, PERIOD)).toMatchObject({ status: 'failed' });
    expect((await runner.runWeek(PERIOD, { userIds: [userId] })).sent).toBe(1);
    expect(await findDigestDelivery(db, userId, PERIOD)).toMatchObject({ status: 'sent', attempts: 2 });
  });
});
