import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blockActions, slashCommand } from '../../fakes/slack/slack-requests.js';
import { describeEachDatabase } from '../../support/test-database.js';
import {
  allText,
  buttonsOf,
  entriesOfSlackUser,
  responseId,
  type SlackRig,
  settle,
  slackUserId,
  startSlackRig,
  TEAM,
  timeZoneOf,
  waitForResponse,
} from './slack-support.js';

describeEachDatabase('Slack adapter, Socket Mode', (getDb) => {
  let rig: SlackRig;
  beforeAll(async () => {
    rig = await startSlackRig(getDb().db, 'socket');
  });
  afterAll(async () => {
    await rig?.close();
  });

  it('GIVEN start THEN it connects with the app token through apps.connections.open and the bot token was checked first', () => {
    const [auth] = rig.fake.callsTo('auth.test');
    expect(auth?.token).toMatch(/^xoxb-/);
    const [open] = rig.fake.callsTo('apps.connections.open');
    expect(open?.token).toMatch(/^xapp-/);
    expect(rig.fake.calls.indexOf(auth!)).toBeLessThan(rig.fake.calls.indexOf(open!));
    expect(rig.adapter.port).toBeUndefined();
  });

  it('GIVEN a slash_commands envelope for /mood 6 tired THEN it is acked with its envelope id, stored once and answered privately', async () => {
    const command = slashCommand({ command: '/mood', text: '6 tired', response_url: rig.fake.responseUrl() });
    rig.fake.users.set(command.user_id, { tz: 'America/Sao_Paulo' });
    const envelope = rig.fake.sendEnvelope('slash_commands', { ...command });
    const [ack] = await rig.fake.waitForAcks(envelope.envelope_id);
    expect(ack?.envelope_id).toBe(envelope.envelope_id);
    // An empty acknowledgement: the answer goes through response_url.
    expect(ack?.payload ?? {}).toEqual({});

    const answer = await waitForResponse(rig.fake, command.response_url);
    expect(answer.body.response_type).toBe('ephemeral');
    expect(String(answer.body.text)).toContain('Mood logged: 6/10');
    expect(allText({ blocks: answer.body.blocks })).toContain('Mood logged: 6/10');
    expect(await entriesOfSlackUser(getDb().db, command.user_id)).toBe(1);
    const userId = (await slackUserId(getDb().db, command.user_id))!;
    await expect.poll(() => timeZoneOf(getDb().db, userId)).toBe('America/Sao_Paulo');
  });

  it('GIVEN the same envelope redelivered THEN it is acked again, and there is still one entry and one answer', async () => {
    const command = slashCommand({ command: '/mood', text: '6 tired', response_url: rig.fake.responseUrl() });
    const envelope = rig.fake.sendEnvelope('slash_commands', { ...command });
    await rig.fake.waitForAcks(envelope.envelope_id);
    await waitForResponse(rig.fake, command.response_url);

    rig.fake.redeliver(envelope.envelope_id);
    const acks = await rig.fake.waitForAcks(envelope.envelope_id, 2);
    expect(acks).toHaveLength(2);
    await settle();
    expect(await entriesOfSlackUser(getDb().db, command.user_id)).toBe(1);
    expect(rig.fake.responsesTo(responseId(command.response_url))).toHaveLength(1);
  });

  it('GIVEN a redelivery that arrives before the first delivery was answered THEN it is still stored once', async () => {
    const command = slashCommand({ command: '/mood', text: '2', response_url: rig.fake.responseUrl() });
    const envelope = rig.fake.sendEnvelope('slash_commands', { ...command });
    rig.fake.redeliver(envelope.envelope_id);
    await rig.fake.waitForAcks(envelope.envelope_id, 2);
    await waitForResponse(rig.fake, command.response_url);
    await settle();
    expect(await entriesOfSlackUser(getDb().db, command.user_id)).toBe(1);
    expect(rig.fake.responsesTo(responseId(command.response_url))).toHaveLength(1);
  });

  it('GIVEN /forget and a click on its button (interactive envelope) THEN the user is erased and the prompt replaced', async () => {
    const user = `US${Date.now().toString(36).toUpperCase()}`;
    const mood = slashCommand({
      command: '/mood',
      user_id: user,
      text: '4',
      response_url: rig.fake.responseUrl(),
    });
    rig.fake.sendEnvelope('slash_commands', { ...mood });
    await waitForResponse(rig.fake, mood.response_url);
    const forget = slashCommand({
      command: '/forget',
      user_id: user,
      text: '',
      response_url: rig.fake.responseUrl(),
    });
    rig.fake.sendEnvelope('slash_commands', { ...forget });
    const prompt = await waitForResponse(rig.fake, forget.response_url);
    const [button] = buttonsOf(prompt.body);
    expect(button?.value).toContain('/forget confirm:');
    const text = allText(prompt.body);
    expect(text).toContain('"style":"danger"');
    expect(await entriesOfSlackUser(getDb().db, user)).toBe(1);

    const click = blockActions({
      user_id: user,
      team_id: TEAM,
      ...button!,
      response_url: rig.fake.responseUrl(),
    });
    const envelope = rig.fake.sendEnvelope('interactive', click);
    await rig.fake.waitForAcks(envelope.envelope_id);
    const answer = await waitForResponse(rig.fake, String(click.response_url));
    expect(answer.body.replace_original).toBe(true);
    expect(answer.body.response_type).toBe('ephemeral');
    expect(String(answer.body.text)).toContain('Erased');
    expect(await slackUserId(getDb().db, user)).toBeUndefined();

    rig.fake.redeliver(envelope.envelope_id);
    await rig.fake.waitForAcks(envelope.envelope_id, 2);
    await settle();
    expect(rig.fake.responsesTo(responseId(String(click.response_url)))).toHaveLength(1);
  });

  it('GIVEN a forged button value naming another command THEN it runs as the clicking user only, like typing it', async () => {
    const user = `UB${Date.now().toString(36).toUpperCase()}`;
    const click = blockActions({
      user_id: user,
      team_id: TEAM,
      action_id: 'ms:0:x',
      value: JSON.stringify({ c: '/mood 9 -- from a button' }),
      response_url: rig.fake.responseUrl(),
    });
    rig.fake.sendEnvelope('interactive', click);
    const answer = await waitForResponse(rig.fake, String(click.response_url));
    expect(String(answer.body.text)).toContain('Mood logged: 9/10');
    expect(await entriesOfSlackUser(getDb().db, user)).toBe(1);
  });

  it('GIVEN a button value that is not one of ours THEN it is acked and ignored', async () => {
    const click = blockActions({
      user_id: 'UJUNK',
      team_id: TEAM,
      action_id: 'ms:0:junk',
      value: 'not json',
      response_url: rig.fake.responseUrl(),
    });
    const envelope = rig.fake.sendEnvelope('interactive', click);
    await rig.fake.waitForAcks(envelope.envelope_id);
    await settle();
    expect(rig.fake.responsesTo(responseId(String(click.response_url)))).toHaveLength(0);
    expect(await slackUserId(getDb().db, 'UJUNK')).toBeUndefined();
  });
});

describe('Slack adapter, Socket Mode shutdown', () => {
  it('GIVEN a command in flight when stop() is called THEN its answer is still posted before stop() returns, and the socket is closed', async () => {
    const { createTestDatabase } = await import('../../support/test-database.js');
    const database = await createTestDatabase('pglite');
    const rig = await startSlackRig(database.db, 'socket');
    try {
      rig.fake.usersInfoDelayMs = 400;
      const command = slashCommand({ command: '/mood', text: '5', response_url: rig.fake.responseUrl() });
      rig.fake.users.set(command.user_id, { tz: 'Europe/Paris' });
      const envelope = rig.fake.sendEnvelope('slash_commands', { ...command });
      await rig.fake.waitForAcks(envelope.envelope_id);
      await rig.adapter.stop();
      expect(rig.fake.responsesTo(responseId(command.response_url))).toHaveLength(1);
      await rig.fake.waitFor(() => rig.fake.connections === 0 || undefined, 5000, 'the socket to close');
    } finally {
      await rig.close();
      await database.close();
    }
  });
});
