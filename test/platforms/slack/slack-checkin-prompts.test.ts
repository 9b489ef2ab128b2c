import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { systemClock } from '../../../src/core/clock.js';
import { silentLogger } from '../../../src/core/logger.js';
import type { Db } from '../../../src/db/database.js';
import { listMoodEntries } from '../../../src/db/repositories/mood-entries.js';
import { createSendDirect } from '../../../src/platforms/direct-messages.js';
import { createCheckinRunner } from '../../../src/services/checkins/checkin-runner.js';
import type { FakeMessage } from '../../fakes/slack/fake-slack.js';
import {
  blockActions,
  post,
  signedForm,
  signedInteraction,
  slashCommand,
} from '../../fakes/slack/slack-requests.js';
import { queryRows } from '../../support/query-rows.js';
import { describeEachDatabase } from '../../support/test-database.js';
import {
  allText,
  buttonsOf,
  capturingLogger,
  responseId,
  SIGNING_SECRET,
  type SlackRig,
  settle,
  slackUserId,
  startSlackRig,
  TEAM,
  timeZoneOf,
  waitForResponse,
} from './slack-support.js';

type Mode = 'http' | 'socket';

let accounts = 0;
/** A Slack user id no other test uses. */
const newSlackUser = (prefix: string) =>
  `${prefix}${Date.now().toString(36).toUpperCase()}${(accounts++).toString(36).toUpperCase()}`;

/** `at` as HH:MM on the clock of `zone` (what `/checkin HH:MM` takes). */
const localTime = (at: Date, zone: string) =>
  new Intl.DateTimeFormat('en-GB', {
    timeZone: zone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(at);

/** The command line a MoodScale button carries (its value is JSON: `{ c, u?, x?, f? }`). */
function commandOf(value: string): string {
  const parsed: unknown = JSON.parse(value);
  return typeof parsed === 'object' && parsed !== null && 'c' in parsed ? String(parsed.c) : '';
}

/** The button of `message` whose command matches `pattern`; fails loudly when there is none. */
function buttonOf(message: { blocks: unknown }, pattern: RegExp): { action_id: string; value: string } {
  const buttons = buttonsOf({ blocks: message.blocks });
  const found = buttons.find((b) => pattern.test(commandOf(b.value)));
  if (!found)
    throw new Error(
      `no button for ${pattern} among ${JSON.stringify(buttons.map((b) => commandOf(b.value)))}`,
    );
  return found;
}

/** Slack's block types of a message, in order. */
const blockTypes = (message: { blocks: unknown }): string[] =>
  (Array.isArray(message.blocks) ? message.blocks : []).map((b: { type?: unknown }) => String(b.type));

/** The check-in runner as the app wires it for Slack: refusals recorded on the user (chat-platforms.ts). */
function runnerFor(rig: SlackRig, db: Db) {
  const sendDirect = createSendDirect({ slack: rig.adapter }, (to) =>
    rig.app.services.settings.markDirectMessagesBlocked(to),
  );
  return createCheckinRunner({
    db,
    logger: silentLogger(),
    clock: systemClock,
    sendDirect,
    platforms: ['slack'],
    leaseMs: 60_000,
  });
}

/** Sends a slash command as `mode` does and waits for its answer (response_url). */
async function slash(rig: SlackRig, mode: Mode, user: string, command: string, text: string) {
  const fields = slashCommand({ command, text, user_id: user, response_url: rig.fake.responseUrl() });
  if (mode === 'http') {
    const res = await post(rig.eventsUrl, signedForm(SIGNING_SECRET, { ...fields }));
    expect(res.status).toBe(200);
  } else {
    const envelope = rig.fake.sendEnvelope('slash_commands', { ...fields });
    await rig.fake.waitForAcks(envelope.envelope_id);
  }
  return (await waitForResponse(rig.fake, fields.response_url)).body;
}

/**
 * A Slack user with a daily check-in at `now`'s minute in `zone`: the first command is `/checkin HH:MM`
 * (a new user starts in UTC), and the zone comes from the Slack profile (users.info), as for every new
 * Slack user. With zone UTC the profile has no zone.
 */
async function checkinUser(
  rig: SlackRig,
  db: Db,
  mode: Mode,
  now: Date,
  zone: string,
): Promise<{ user: string; userId: number; dm: string }> {
  const user = newSlackUser('UCK');
  if (zone !== 'UTC') rig.fake.users.set(user, { tz: zone, real_name: 'Kim' });
  const answer = await slash(rig, mode, user, '/checkin', localTime(now, zone));
  expect(allText(answer)).toContain('Check-ins are on');
  const userId = await slackUserId(db, user);
  if (userId === undefined) throw new Error('the /checkin command made no user');
  if (zone !== 'UTC') await expect.poll(() => timeZoneOf(db, userId), { timeout: 10_000 }).toBe(zone);
  return { user, userId, dm: `D${user}` };
}

const promptsOf = (db: Db, userId: number) =>
  queryRows<{ id: number; status: string; last_error: string | null; mood_entry_id: number | null }>(
    db,
    sql`SELECT id, status, last_error, mood_entry_id FROM checkin_prompts WHERE user_id = ${userId} ORDER BY id`,
  );

const sealedNotesOf = (db: Db, userId: number) =>
  queryRows<{ notes: string | null }>(db, sql`SELECT notes FROM mood_entries WHERE user_id = ${userId}`);

describeEachDatabase('Slack: check-in prompts by DM and their one-tap answers (HTTP mode)', (getDb) => {
  let rig: SlackRig;
  const { logger, lines } = capturingLogger();
  const db = () => getDb().db;
  /** Added to the adapter's clock (which decides button expiry): a click made later. */
  let offsetMs = 0;

  beforeAll(async () => {
    rig = await startSlackRig(getDb().db, 'http', { logger, now: () => new Date(Date.now() + offsetMs) });
  });
  afterAll(async () => {
    await rig?.close();
  });
  afterEach(() => {
    rig.fake.clearFailures();
    offsetMs = 0;
  });

  /** A user in Asia/Tokyo prompted at their check-in time: the DM as it stands and a copy as posted. */
  async function prompted() {
    const now = new Date();
    const who = await checkinUser(rig, db(), 'http', now, 'Asia/Tokyo');
    const summary = await runnerFor(rig, db()).runDue(now, { userIds: [who.userId] });
    expect(summary.sent).toBe(1);
    const [message, ...more] = rig.fake.messagesIn(who.dm);
    if (!message) throw new Error('no prompt was posted');
    expect(more).toEqual([]);
    return { ...who, message, posted: structuredClone(message) };
  }

  /**
   * Clicks the button of `message` (as it was shown, `shown`, by default the message as it stands) whose
   * command matches `pattern`, as Slack posts the click; resolves once it is acknowledged.
   */
  async function click(user: string, message: FakeMessage, pattern: RegExp, shown: FakeMessage = message) {
    const triggerId = rig.fake.triggerId(user);
    const payload = blockActions({
      user_id: user,
      team_id: TEAM,
      ...buttonOf(shown, pattern),
      response_url: rig.fake.responseUrlForMessage(message.channel, message.ts),
      message: { channel: message.channel, ts: message.ts },
      trigger_id: triggerId,
    });
    const signed = signedInteraction(SIGNING_SECRET, payload);
    const answer = await post(rig.eventsUrl, signed);
    expect(answer.status).toBe(200);
    return { responseUrl: String(payload.response_url), triggerId, signed };
  }

  /** Taps a score on the prompt and waits for the message to be replaced. */
  async function tap(user: string, message: FakeMessage, score: number, shown: FakeMessage = message) {
    const clicked = await click(user, message, new RegExp(`^/checkin answer \\d+ ${score}$`), shown);
    const answer = await waitForResponse(rig.fake, clicked.responseUrl);
    return { ...clicked, answer };
  }

  it('GIVEN a Slack user whose profile says Asia/Tokyo and /checkin at a Tokyo time THEN the prompt DM comes at that Tokyo time, not an hour before, with one actions block of ten buttons 1 to 10', async () => {
    const now = new Date();
    const { userId, dm } = await checkinUser(rig, db(), 'http', now, 'Asia/Tokyo');
    // The same clock reading in UTC is nine hours away: only the Tokyo zone makes it due now.
    expect(localTime(now, 'UTC')).not.toBe(localTime(now, 'Asia/Tokyo'));
    const runner = runnerFor(rig, db());

    const early = await runner.runDue(new Date(now.getTime() - 61 * 60_000), { userIds: [userId] });
    expect(early.sent).toBe(0);
    expect(rig.fake.messagesIn(dm)).toEqual([]);
    const due = await runner.runDue(now, { userIds: [userId] });

    expect(due.sent).toBe(1);
    const [message, ...more] = rig.fake.messagesIn(dm);
    expect(more).toEqual([]);
    expect(String(message?.text)).toContain('How are you feeling?');
    expect(blockTypes(message!).filter((t) => t === 'actions')).toHaveLength(1);
    const [prompt] = await promptsOf(db(), userId);
    expect(prompt?.status).toBe('sent');
    const actions = (message!.blocks as Array<{ type: string; elements?: unknown[] }>).find(
      (b) => b.type === 'actions',
    );
    const buttons = (actions?.elements ?? []) as Array<{
      type: string;
      text: { text: string };
      value: string;
    }>;
    expect(buttons.map((b) => b.type)).toEqual(Array(10).fill('button'));
    expect(buttons.map((b) => b.text.text)).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
    expect(buttons.map((b) => commandOf(b.value))).toEqual(
      Array.from({ length: 10 }, (_, i) => `/checkin answer ${prompt?.id} ${i + 1}`),
    );
    expect(buttons.every((b) => JSON.parse(b.value).u === 1)).toBe(true);
  });

  it('GIVEN a prompt WHEN 7 is tapped THEN one entry of 7 is stored and the DM message itself is replaced (response_url, replace_original) with "Check-in logged: 7/10"', async () => {
    const { user, userId, dm, message } = await prompted();

    const { answer } = await tap(user, message, 7);

    expect(answer.body.replace_original).toBe(true);
    expect(allText(answer.body)).toContain('Check-in logged: 7/10');
    const [shown, ...more] = rig.fake.messagesIn(dm);
    expect(more).toEqual([]);
    expect(shown?.ts).toBe(message.ts);
    expect(String(shown?.text)).toContain('Check-in logged: 7/10');
    expect(buttonsOf({ blocks: shown?.blocks }).map((b) => commandOf(b.value))).not.toContainEqual(
      expect.stringMatching(/^\/checkin answer /),
    );
    const entries = await listMoodEntries(db(), userId);
    expect(entries.map((e) => e.moodScore)).toEqual([7]);
    expect((await promptsOf(db(), userId))[0]?.mood_entry_id).toBe(entries[0]?.id);
  });

  it('GIVEN an answered prompt WHEN the quick pick "tired" is tapped THEN the entry gets that emotion and the DM message shows it', async () => {
    const { user, userId, dm, message } = await prompted();
    await tap(user, message, 7);

    const picked = await click(user, message, /^\/checkin emotion \d+ -- tired$/);
    const answer = await waitForResponse(rig.fake, picked.responseUrl);

    expect(answer.body.replace_original).toBe(true);
    expect((await listMoodEntries(db(), userId)).map((e) => [e.moodScore, e.emotions])).toEqual([
      [7, ['tired']],
    ]);
    const [shown, ...more] = rig.fake.messagesIn(dm);
    expect(more).toEqual([]);
    expect(String(shown?.text)).toContain('Saved 7/10 — tired');
  });

  it('GIVEN an answered prompt WHEN "Add a note" is clicked THEN views.open opens the note form with that click\'s trigger_id, and nothing changes yet', async () => {
    const { user, userId, dm, message } = await prompted();
    await tap(user, message, 5);
    const updatesBefore = rig.fake.callsTo('chat.update').length;

    const { triggerId } = await click(user, message, /^\/checkin note \d+$/);
    const [opened] = await rig.fake.waitFor(
      () => rig.fake.viewsOf(user).length > 0 && rig.fake.viewsOf(user),
    );

    const call = rig.fake.callsTo('views.open').find((c) => c.body.trigger_id === triggerId);
    expect(call).toBeDefined();
    expect(opened?.view).toMatchObject({
      type: 'modal',
      title: { text: 'A note for yourself' },
      blocks: [{ type: 'input', label: { text: 'Only you can read it' }, element: { max_length: 1000 } }],
    });
    await settle(200);
    expect(await sealedNotesOf(db(), userId)).toEqual([{ notes: null }]);
    expect(rig.fake.callsTo('chat.update')).toHaveLength(updatesBefore);
    expect(String(rig.fake.messagesIn(dm)[0]?.text)).toContain('Check-in logged: 5/10');
  });

  it('GIVEN the note form sent THEN the note is stored sealed and the DM message is updated in place with chat.update', async () => {
    const { user, userId, dm, message } = await prompted();
    await tap(user, message, 5);
    await click(user, message, /^\/checkin note \d+$/);
    const [opened] = await rig.fake.waitFor(
      () => rig.fake.viewsOf(user).length > 0 && rig.fake.viewsOf(user),
    );

    const sent = await rig.fake.submitView(
      { url: rig.eventsUrl, signingSecret: SIGNING_SECRET },
      opened!.id,
      {
        text: 'long day at work',
      },
    );

    expect(sent.status).toBe(200);
    expect(sent.body).toBe('');
    const update = await rig.fake.waitFor(() =>
      rig.fake.callsTo('chat.update').find((c) => c.body.channel === dm && c.body.ts === message.ts),
    );
    expect(allText(update.body)).toContain('with your note');
    const [row] = await sealedNotesOf(db(), userId);
    expect(row?.notes).toMatch(/^enc:/);
    expect(row?.notes).not.toContain('long day');
    const [shown, ...more] = rig.fake.messagesIn(dm);
    expect(more).toEqual([]);
    expect(String(shown?.text)).toContain('Saved 5/10, with your note');
  });

  it('GIVEN an answered prompt WHEN Undo is tapped within its window THEN the entry is removed and the DM message says so in place', async () => {
    const { user, userId, dm, message } = await prompted();
    await tap(user, message, 4);

    const undo = await click(user, message, /^\/undo entry:\d+$/);
    const answer = await waitForResponse(rig.fake, undo.responseUrl);

    expect(answer.body.replace_original).toBe(true);
    expect(await listMoodEntries(db(), userId)).toEqual([]);
    const [shown, ...more] = rig.fake.messagesIn(dm);
    expect(more).toEqual([]);
    expect(String(shown?.text)).toContain('Mood taken back');
  });

  // An expired button's notice goes beside a message that stays, as on Discord: the card keeps what it logged.
  it('GIVEN a check-in card WHEN its Undo is tapped after the undo window THEN the card stays and the expiry is said beside it', async () => {
    const { user, userId, dm, message } = await prompted();
    await tap(user, message, 6);
    offsetMs = 11 * 60_000;

    const undo = await click(user, message, /^\/undo entry:\d+$/);
    const answer = await waitForResponse(rig.fake, undo.responseUrl);

    expect(allText(answer.body)).toContain('expired');
    expect((await listMoodEntries(db(), userId)).map((e) => e.moodScore)).toEqual([6]);
    expect(answer.body.replace_original).toBe(false);
    expect(String(rig.fake.messagesIn(dm)[0]?.text)).toContain('Check-in logged: 6/10');
  });

  it('GIVEN an answered prompt WHEN another number of the same prompt is tapped (a second client still showing it) THEN nothing new is stored and the message says it was answered', async () => {
    const { user, userId, dm, message, posted } = await prompted();
    await tap(user, message, 7);

    const { answer } = await tap(user, message, 3, posted);

    expect(answer.body.replace_original).toBe(true);
    expect(allText(answer.body)).toContain('Check-in answered already');
    expect(allText(answer.body)).toContain('Nothing new was saved. Saved 7/10');
    expect((await listMoodEntries(db(), userId)).map((e) => e.moodScore)).toEqual([7]);
    expect(rig.fake.messagesIn(dm)).toHaveLength(1);
  });

  it('GIVEN a tap WHEN Slack delivers the same payload again THEN it is acknowledged and not run twice: one entry, one answer', async () => {
    const { user, userId, message } = await prompted();
    const { responseUrl, signed } = await tap(user, message, 8);

    const again = await post(rig.eventsUrl, signed);
    await settle(400);

    expect(again.status).toBe(200);
    expect((await listMoodEntries(db(), userId)).map((e) => e.moodScore)).toEqual([8]);
    expect(rig.fake.responsesTo(responseId(responseUrl))).toHaveLength(1);
    expect(lines()).toContain('Slack action redelivery ignored');
  });

  for (const [method, error] of [
    ['chat.postMessage', 'messages_tab_disabled'],
    ['conversations.open', 'user_disabled'],
  ] as const) {
    it(`GIVEN a user whose DMs Slack refuses (${method}: ${error}) THEN the prompt is skipped and the user marked, so the next day's prompt is skipped without asking Slack`, async () => {
      const now = new Date();
      const { user, userId, dm } = await checkinUser(rig, db(), 'http', now, 'UTC');
      const runner = runnerFor(rig, db());
      rig.fake.failNext(method, { error });

      const summary = await runner.runDue(now, { userIds: [userId] });

      expect(summary.sent).toBe(0);
      expect(summary.skipped).toEqual({ 'direct messages refused': 1 });
      expect(rig.fake.messagesIn(dm)).toEqual([]);
      expect(await promptsOf(db(), userId)).toMatchObject([
        { status: 'skipped', last_error: 'direct messages refused' },
      ]);
      const [settings] = await queryRows<{ dm_blocked_at: Date | null }>(
        db(),
        sql`SELECT dm_blocked_at FROM user_settings WHERE user_id = ${userId}`,
      );
      expect(settings?.dm_blocked_at).not.toBeNull();
      const opensBefore = rig.fake.callsTo('conversations.open').filter((c) => c.body.users === user).length;
      const nextDay = await runner.runDue(new Date(now.getTime() + 86_400_000), { userIds: [userId] });
      expect(nextDay.skipped).toEqual({ 'direct messages refused': 1 });
      expect(rig.fake.callsTo('conversations.open').filter((c) => c.body.users === user)).toHaveLength(
        opensBefore,
      );
      expect(rig.fake.directMessagesTo(user)).toHaveLength(method === 'chat.postMessage' ? 1 : 0);
    });
  }

  // One mark records a refused DM, whatever it was: the notice names both kinds of message that go by DM.
  it('GIVEN a check-in prompt Slack refused WHEN the user next runs /mood THEN the notice names check-ins too, not the digest alone', async () => {
    const now = new Date();
    const { user, userId } = await checkinUser(rig, db(), 'http', now, 'UTC');
    rig.fake.failNext('chat.postMessage', { error: 'messages_tab_disabled' });
    await runnerFor(rig, db()).runDue(now, { userIds: [userId] });

    const answer = await slash(rig, 'http', user, '/mood', '6');

    expect(allText(answer)).toContain('I could not send you a direct message');
    expect(allText(answer)).toContain('a weekly digest or check-in did not arrive');
  });

  it('GIVEN 20 users due in the same minute THEN each gets exactly one prompt, and a second run sends none', async () => {
    const now = new Date();
    const users = await Promise.all(
      Array.from({ length: 20 }, () => checkinUser(rig, db(), 'http', now, 'UTC')),
    );
    const ids = users.map((u) => u.userId);
    const runner = runnerFor(rig, db());

    const summary = await runner.runDue(now, { userIds: ids });
    const again = await runner.runDue(new Date(now.getTime() + 60_000), { userIds: ids });

    expect(summary.sent).toBe(20);
    expect(again.sent).toBe(0);
    for (const { dm, userId } of users) {
      const messages = rig.fake.messagesIn(dm);
      expect(messages).toHaveLength(1);
      expect(String(messages[0]?.text)).toContain('How are you feeling?');
      expect(await promptsOf(db(), userId)).toMatchObject([{ status: 'sent' }]);
    }
  });

  it('GIVEN 20 prompts being sent while Slack rate-limits the first posts THEN a /mood sent during the run is acknowledged within 3 s and answered, and all 20 prompts still arrive once', async () => {
    const now = new Date();
    const users = await Promise.all(
      Array.from({ length: 20 }, () => checkinUser(rig, db(), 'http', now, 'UTC')),
    );
    const ids = users.map((u) => u.userId);
    // Slack says "wait a second" to the first posts, so the run lasts over a second.
    for (let i = 0; i < 4; i++) rig.fake.failNext('chat.postMessage', { status: 429, retryAfter: 1 });
    const postsBefore = rig.fake.callsTo('chat.postMessage').length;
    let finished = false;
    const run = runnerFor(rig, db())
      .runDue(now, { userIds: ids })
      .finally(() => {
        finished = true;
      });
    await rig.fake.waitFor(() => rig.fake.callsTo('chat.postMessage').length > postsBefore);

    const mood = slashCommand({ command: '/mood', text: '6', response_url: rig.fake.responseUrl() });
    const ack = await post(rig.eventsUrl, signedForm(SIGNING_SECRET, { ...mood }));
    const runningAtAck = !finished;

    expect(ack.status).toBe(200);
    expect(ack.elapsedMs).toBeLessThan(3000);
    expect(runningAtAck).toBe(true);
    expect(allText((await waitForResponse(rig.fake, mood.response_url)).body)).toContain('Mood logged: 6/10');
    const summary = await run;
    expect(summary.sent).toBe(20);
    for (const { dm } of users) expect(rig.fake.messagesIn(dm)).toHaveLength(1);
  });
});

describeEachDatabase('Slack: a check-in prompt answered in Socket Mode', (getDb) => {
  let rig: SlackRig;
  beforeAll(async () => {
    rig = await startSlackRig(getDb().db, 'socket');
  });
  afterAll(async () => {
    await rig?.close();
  });

  it('GIVEN a prompt DM at the user\'s time (zone set with /settings timezone) WHEN 7 is tapped (interactive envelope) THEN one entry is stored and the DM message is replaced with "Check-in logged: 7/10"', async () => {
    const db = getDb().db;
    const now = new Date();
    const user = newSlackUser('UCS');
    await slash(rig, 'socket', user, '/settings', 'timezone America/Sao_Paulo');
    await slash(rig, 'socket', user, '/checkin', localTime(now, 'America/Sao_Paulo'));
    const userId = (await slackUserId(db, user))!;
    expect(await timeZoneOf(db, userId)).toBe('America/Sao_Paulo');
    const summary = await runnerFor(rig, db).runDue(now, { userIds: [userId] });
    expect(summary.sent).toBe(1);
    const [message] = rig.fake.messagesIn(`D${user}`);
    if (!message) throw new Error('no prompt was posted');

    const click = blockActions({
      user_id: user,
      team_id: TEAM,
      ...buttonOf(message, /^\/checkin answer \d+ 7$/),
      response_url: rig.fake.responseUrlForMessage(message.channel, message.ts),
      message: { channel: message.channel, ts: message.ts },
      trigger_id: rig.fake.triggerId(user),
    });
    const envelope = rig.fake.sendEnvelope('interactive', click);
    await rig.fake.waitForAcks(envelope.envelope_id);
    const answer = await waitForResponse(rig.fake, String(click.response_url));

    expect(answer.body.replace_original).toBe(true);
    const [shown, ...more] = rig.fake.messagesIn(`D${user}`);
    expect(more).toEqual([]);
    expect(String(shown?.text)).toContain('Check-in logged: 7/10');
    expect((await listMoodEntries(db, userId)).map((e) => e.moodScore)).toEqual([7]);
  });
});
