import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, startApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { reply } from '../../src/core/commands/index.js';
import { silentLogger } from '../../src/core/logger.js';
import { findIdentity } from '../../src/db/repositories/chat-identities.js';
import { listMoodEntries } from '../../src/db/repositories/mood-entries.js';
import { type FakeDiscord, startFakeDiscord } from '../fakes/discord/fake-discord.js';
import { type CommandOptionValue, chatInputInteraction } from '../fakes/discord/payloads.js';
import { callbackSchema } from '../fakes/discord/schemas.js';
import { FakeSlack } from '../fakes/slack/fake-slack.js';
import { post, signedForm, slashCommand } from '../fakes/slack/slack-requests.js';
import { tempDir } from '../support/temp-dir.js';
import { messageOf, newDiscordUser, textOfMessage } from './discord/discord-harness.js';
import { allText, answerOf, SIGNING_SECRET } from './slack/slack-support.js';

/** The whole app as `npm start` builds it, with both platforms pointed at loopback fakes. */
describe('GIVEN MoodScale started with Discord and Slack (HTTP mode) in one process', () => {
  let discordFake: FakeDiscord;
  let slackFake: FakeSlack;
  let app: App;

  beforeAll(async () => {
    discordFake = await startFakeDiscord();
    slackFake = await FakeSlack.start();
    const config = loadConfig({
      DATA_DIR: tempDir('moodscale-both-'),
      DISCORD_TOKEN: discordFake.token,
      DISCORD_APPLICATION_ID: discordFake.applicationId,
      DISCORD_API_URL: discordFake.apiUrl,
      SLACK_BOT_TOKEN: 'xoxb-test-bot-token',
      SLACK_MODE: 'http',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slackFake.apiUrl,
      PORT: '0',
      OPS_PORT: '0',
      LOG_LEVEL: 'silent',
    });
    app = await startApp(config, silentLogger());
  }, 60_000);

  afterAll(async () => {
    await app?.stop();
    await discordFake?.close();
    await slackFake?.close();
  });

  const onDiscord = async (
    discordUser: ReturnType<typeof newDiscordUser>,
    name: string,
    options: CommandOptionValue[],
  ) => {
    const sent = discordFake.interact(
      chatInputInteraction(discordFake.applicationId, { name, options }, discordUser),
    );
    await discordFake.acknowledgement(sent.json.id);
    const edit = await discordFake
      .waitForRequest((r) => r.method === 'PATCH' && r.path.includes(sent.json.token), 2000)
      .catch(() => undefined);
    const callback = callbackSchema.parse((await discordFake.acknowledgement(sent.json.id)).body);
    return textOfMessage(messageOf(edit ? edit.body : callback.data));
  };

  const onSlack = async (user: string, command: string, text: string) => {
    const responseUrl = slackFake.responseUrl();
    const form = slashCommand({ command, text, response_url: responseUrl, user_id: user });
    const answer = await post(
      `http://127.0.0.1:${app.slack!.port}/slack/events`,
      signedForm(SIGNING_SECRET, { ...form }),
    );
    expect(answer.status).toBe(200);
    return allText(await answerOf(slackFake, answer, responseUrl));
  };

  it('THEN the Discord commands were registered', () => {
    expect(discordFake.commands().map((c) => c.name)).toContain('mood');
  });

  it('WHEN /mood arrives on each platform THEN each is answered privately and stored', async () => {
    const discordUser = newDiscordUser();
    expect(
      await onDiscord(discordUser, 'mood', [
        { name: 'score', type: 4, value: 6 },
        { name: 'emotions', type: 3, value: 'tired' },
      ]),
    ).toContain('Mood logged: 6/10');
    expect(await onSlack('USLACK1', '/mood', '6 tired')).toContain('Mood logged: 6/10');
    const discordIdentity = await findIdentity(app.database.db, {
      platform: 'discord',
      workspaceId: '',
      externalUserId: discordUser.id,
    });
    const slackIdentity = await findIdentity(app.database.db, {
      platform: 'slack',
      workspaceId: 'T0FAKE',
      externalUserId: 'USLACK1',
    });
    expect(await listMoodEntries(app.database.db, discordIdentity!.user.id)).toHaveLength(1);
    expect(await listMoodEntries(app.database.db, slackIdentity!.user.id)).toHaveLength(1);
  });

  it('WHEN a Discord code is redeemed on Slack THEN both accounts share one merged history', async () => {
    const discordUser = newDiscordUser();
    await onDiscord(discordUser, 'mood', [{ name: 'score', type: 4, value: 8 }]);
    await onSlack('USLACK2', '/mood', '4 tired');
    const issued = await onDiscord(discordUser, 'link', [{ name: 'action', type: 3, value: 'new' }]);
    const code = /\/link redeem ([A-Z0-9]{4}-[A-Z0-9]{4})/.exec(issued)?.[1];
    expect(code).toBeDefined();
    expect(await onSlack('USLACK2', '/link', `redeem ${code}`)).toContain('Accounts linked');
    expect(await onDiscord(discordUser, 'history', [])).toContain('over 2 entries');
    expect(await onSlack('USLACK2', '/history', '')).toContain('over 2 entries');
    expect(await onSlack('USLACK3', '/link', `redeem ${code}`)).toContain('already used');
  });

  it('WHEN a direct message is sent to each platform THEN it goes through that platform', async () => {
    const discordUser = newDiscordUser();
    const message = reply.private({ title: 'Your week', text: 'A gentle summary.' });
    expect(
      await app.sendDirect({ platform: 'discord', workspaceId: '', externalUserId: discordUser.id }, message),
    ).toBe('sent');
    expect(
      await app.sendDirect({ platform: 'slack', workspaceId: 'T0FAKE', externalUserId: 'USLACK4' }, message),
    ).toBe('sent');
    expect(discordFake.directMessagesTo(discordUser.id)).toHaveLength(1);
    expect(slackFake.callsTo('chat.postMessage').length).toBeGreaterThan(0);
    expect(await app.sendDirect({ platform: 'console', workspaceId: '', externalUserId: 'x' }, message)).toBe(
      'failed',
    );
  });
});
