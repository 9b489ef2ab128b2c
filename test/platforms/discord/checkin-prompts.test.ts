import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Clock, fixedClock } from '../../../src/core/clock.js';
import { silentLogger } from '../../../src/core/logger.js';
import { createSendDirect, type SendDirect } from '../../../src/platforms/direct-messages.js';
import { FORM_FIELD_ID } from '../../../src/platforms/discord/render.js';
import {
  type CheckinRunSummary,
  createCheckinRunner,
} from '../../../src/services/checkins/checkin-runner.js';
import type { RecordedRequest, SentInteraction } from '../../fakes/discord/fake-discord.js';
import {
  buttonInteraction,
  type MessageJson,
  messageJson,
  type UserJson,
} from '../../fakes/discord/payloads.js';
import { type MessageBody, modalSchema } from '../../fakes/discord/schemas.js';
import { queryRows } from '../../support/query-rows.js';
import { describeEachDatabase } from '../../support/test-database.js';
import {
  type DiscordHarness,
  messageOf,
  messageOfRequest,
  moodsOf,
  newDiscordUser,
  startDiscord,
  textOfMessage,
  userIdOf,
} from './discord-harness.js';

const DAY = 86_400_000;
const PROMPT_TITLE = 'How are you feeling?';

/**
 * The bot's idea of "now" (it decides whether a button has expired, so which buttons a DM shows): the
 * instant a run simulates while it runs, the system time otherwise.
 */
let simulatedNow: Date | undefined;
const botClock: Clock = { now: () => simulatedNow ?? new Date() };

/** The label of a message's buttons, row by row. */
const buttonRows = (body: MessageBody) =>
  (body.components ?? []).map((row) => row.components.map((b) => b.label));

const titleOf = (body: MessageBody | undefined) => body?.embeds?.[0]?.title;

/** "HH:MM" of `at` in `zone`, computed independently of the product. */
const localTime = (at: Date, zone: string) =>
  new Intl.DateTimeFormat('en-GB', {
    timeZone: zone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(at);

/** What a click (or a form sent) got back: the callback type, the answer, and the message as Discord now has it. */
interface Answered {
  id: string;
  /** 6 deferred update, 7 update, 9 modal opened (4 would be a new message). */
  type: number;
  answer: MessageBody | undefined;
  message: MessageJson | undefined;
}

describeEachDatabase('Discord: daily check-in prompts by DM', (getDb) => {
  let h: DiscordHarness;
  let sendDirect: SendDirect;

  beforeAll(async () => {
    h = await startDiscord(getDb().db, {
      adapter: {
        clock: botClock,
        // As the app wires it: a refusal (50007) is recorded on the user's settings.
        onDirectMessageBlocked: (id) =>
          h.app.services.settings.markDirectMessagesBlocked({
            platform: 'discord',
            workspaceId: '',
            externalUserId: id,
          }),
      },
    });
    // As the app builds it: Discord reports its refusals itself (above).
    sendDirect = createSendDirect({ discord: h.adapter }, () => Promise.resolve());
  });
  afterAll(async () => {
    await h?.stop();
  });

  /** Runs the check-in runner at `at` (the bot living at that instant) for these users only. */
  async function runAt(at: Date, userIds: number[]): Promise<CheckinRunSummary> {
    simulatedNow = at;
    try {
      return await createCheckinRunner({
        db: getDb().db,
        logger: silentLogger(),
        clock: fixedClock(at),
        sendDirect,
        platforms: ['discord'],
        leaseMs: 60_000,
      }).runDue(at, { userIds });
    } finally {
      simulatedNow = undefined;
    }
  }

  /** A Discord user with a daily check-in at `time` (local to `zone`), set up as they would type it. */
  async function checkinUser(time: string, zone = 'UTC'): Promise<{ user: UserJson; userId: number }> {
    const user = newDiscordUser();
    if (zone !== 'UTC') {
      const set = await h.app.run(`/settings timezone ${zone}`, user.id, 'discord');
      expect(set.outcome).toBe('ok');
    }
    const on = await h.app.run(`/checkin ${time}`, user.id, 'discord');
    expect(on.outcome).toBe('ok');
    const userId = await userIdOf(getDb().db, user.id);
    if (userId === undefined) throw new Error('no user was made');
    return { user, userId };
  }

  /** Check-ins set up a month ago, so the days simulated before today come after it. */
  async function setUpLongAgo(userId: number): Promise<void> {
    await getDb().db.execute(
      sql`UPDATE checkin_schedules SET resumed_at = now() - interval '30 days' WHERE user_id = ${userId}`,
    );
  }

  /** DMs the fake accepted for a Discord user (refused ones left out). */
  const delivered = (id: string): RecordedRequest[] =>
    h.fake.directMessagesTo(id).filter((r) => r.status === 200);

  /** A DM the bot posted, as the message Discord holds (what a click points at). */
  function messageOfDm(request: RecordedRequest): MessageJson {
    const channelId = /^\/channels\/(\d+)\/messages$/.exec(request.path)?.[1];
    if (!channelId) throw new Error(`not a channel message: ${request.path}`);
    const body = messageOfRequest(request);
    return messageJson({
      channelId,
      author: h.fake.botUser,
      embeds: body.embeds ?? [],
      components: body.components ?? [],
    });
  }

  /** A user prompted now (real time, so moods, buttons and Undo live in the present): the prompt DM. */
  async function prompted(): Promise<{ user: UserJson; userId: number; prompt: MessageJson }> {
    const now = new Date();
    const { user, userId } = await checkinUser(localTime(now, 'UTC'));
    const summary = await runAt(now, [userId]);
    expect(summary.sent).toBe(1);
    const [dm] = delivered(user.id);
    if (!dm) throw new Error('no prompt arrived');
    return { user, userId, prompt: messageOfDm(dm) };
  }

  /** The first callback of an interaction and, for a deferred update, the edit that follows it. */
  async function answered(sent: SentInteraction): Promise<Answered> {
    const { id, token } = sent.json;
    const request = await h.fake.acknowledgement(id);
    const type = sent.ack?.type ?? 0;
    let answer: MessageBody | undefined;
    if (type === 4 || type === 7) answer = messageOfRequest(request);
    if (type === 6) {
      const edit = await h.fake.waitForRequest(
        (r) =>
          r.method === 'PATCH' && r.path === `/webhooks/${h.fake.applicationId}/${token}/messages/@original`,
      );
      answer = messageOfRequest(edit);
    }
    return { id, type, answer, message: h.fake.interactions.get(id)?.original };
  }

  /** `user` clicks the button labelled `label` on `message`, in their DM with the bot. */
  async function click(user: UserJson, message: MessageJson | undefined, label: string): Promise<Answered> {
    if (!message) throw new Error(`no message to click ${label} on`);
    const customId = messageOf(message)
      .components?.flatMap((row) => row.components)
      .find((b) => b.label === label)?.custom_id;
    if (!customId) throw new Error(`no button ${label} in ${JSON.stringify(buttonRows(messageOf(message)))}`);
    const sent = h.fake.interact(
      buttonInteraction(h.fake.applicationId, customId, message, user, { channelId: message.channel_id }),
    );
    return answered(sent);
  }

  const isUpdate = (type: number) => type === 6 || type === 7;

  it('GIVEN check-ins at 01:30 London, 21:00 New York and 06:30 Kolkata over the week London springs forward THEN each DM arrives at that local time (London’s skipped 01:30 at 02:00 BST), with two rows of five buttons 1 to 10', async () => {
    const users = {
      london: await checkinUser('01:30', 'Europe/London'),
      newYork: await checkinUser('21:00', 'America/New_York'),
      kolkata: await checkinUser('06:30', 'Asia/Kolkata'),
    };
    type Who = keyof typeof users;
    const ids = Object.values(users).map((u) => u.userId);
    // [instant (UTC), who gets a DM then]. New York is on EDT (UTC-4) since March 8, Kolkata is UTC+5:30,
    // London goes from GMT to BST at 01:00 UTC on Sunday 2026-03-29: its 01:30 does not exist that night.
    const runs: Array<[string, Who[]]> = [
      ['2026-03-28T01:00:00Z', ['newYork', 'kolkata']], // 21:00 EDT (27th), 06:30 IST; London 01:00 GMT
      ['2026-03-28T01:30:00Z', ['london']], // 01:30 GMT
      ['2026-03-29T00:59:00Z', []], // 00:59 GMT, 20:59 EDT, 06:29 IST
      ['2026-03-29T01:00:00Z', ['london', 'newYork', 'kolkata']], // 02:00 BST: the first instant after the gap
      ['2026-03-29T01:30:00Z', []], // 02:30 BST: London was asked already, once
      ['2026-03-30T00:30:00Z', ['london']], // 01:30 BST
      ['2026-03-30T01:00:00Z', ['newYork', 'kolkata']],
    ];
    const count = (who: Who) => delivered(users[who].user.id).length;
    const seen: Array<[string, Who[]]> = [];
    for (const [at] of runs) {
      const before = Object.fromEntries((Object.keys(users) as Who[]).map((w) => [w, count(w)]));
      await runAt(new Date(at), ids);
      seen.push([at, (Object.keys(users) as Who[]).filter((w) => count(w) > (before[w] ?? 0))]);
    }

    expect(seen).toEqual(runs);
    for (const who of Object.keys(users) as Who[]) {
      const dms = delivered(users[who].user.id);
      expect(dms).toHaveLength(3);
      for (const dm of dms) {
        const body = messageOfRequest(dm);
        expect(titleOf(body)).toBe(PROMPT_TITLE);
        expect(buttonRows(body)).toEqual([
          ['1', '2', '3', '4', '5'],
          ['6', '7', '8', '9', '10'],
        ]);
      }
    }
  });

  it('GIVEN a prompt DM WHEN 7 is tapped THEN one entry of 7 is stored and that DM message is edited to "Check-in logged: 7/10"', async () => {
    const { user, userId, prompt } = await prompted();

    const tapped = await click(user, prompt, '7');

    expect(isUpdate(tapped.type)).toBe(true);
    expect(tapped.message?.id).toBe(prompt.id);
    expect(titleOf(tapped.answer)).toBe('Check-in logged: 7/10');
    expect(buttonRows(tapped.answer!).flat()).toEqual(
      expect.arrayContaining(['Other…', 'Add a note', 'Undo']),
    );
    expect(delivered(user.id)).toHaveLength(1);
    expect(await moodsOf(getDb().db, user.id)).toEqual([{ score: 7, emotions: null }]);
    const [link] = await queryRows<{ answered: boolean }>(
      getDb().db,
      sql`SELECT answered_at IS NOT NULL AND mood_entry_id IS NOT NULL AS answered FROM checkin_prompts WHERE user_id = ${userId}`,
    );
    expect(link?.answered).toBe(true);
  });

  it('GIVEN an answered prompt WHEN the quick pick "tired" is tapped THEN the emotion is added to that entry and the same message is edited again', async () => {
    const { user, prompt } = await prompted();
    const tapped = await click(user, prompt, '7');

    const picked = await click(user, tapped.message, 'tired');

    expect(isUpdate(picked.type)).toBe(true);
    expect(picked.message?.id).toBe(prompt.id);
    expect(textOfMessage(picked.answer!)).toContain('Saved 7/10 — tired');
    expect(buttonRows(picked.answer!).flat()).not.toContain('tired');
    expect(await moodsOf(getDb().db, user.id)).toEqual([{ score: 7, emotions: ['tired'] }]);
  });

  it('GIVEN an answered prompt WHEN "Add a note" is clicked and the form sent THEN a modal opened, the note is stored sealed and the message is edited', async () => {
    const { user, userId, prompt } = await prompted();
    const tapped = await click(user, prompt, '7');

    const opened = await click(user, tapped.message, 'Add a note');
    expect(opened.type).toBe(9);
    const modal = modalSchema.parse(h.fake.interactions.get(opened.id)?.modal);
    expect(modal.title).toBe('A note for yourself');
    const noted = await answered(h.fake.submitModal(opened.id, { [FORM_FIELD_ID]: 'long day at work' }));

    expect(isUpdate(noted.type)).toBe(true);
    expect(noted.message?.id).toBe(prompt.id);
    expect(textOfMessage(noted.answer!)).toContain('with your note');
    expect(buttonRows(noted.answer!).flat()).toContain('Change the note');
    const rows = await queryRows<{ notes: string | null }>(
      getDb().db,
      sql`SELECT notes FROM mood_entries WHERE user_id = ${userId}`,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]?.notes).toMatch(/^enc:/);
    expect(rows[0]?.notes).not.toContain('long day');
  });

  it('GIVEN a prompt answered with 7 WHEN 3 is tapped on the same prompt THEN nothing new is stored and the answer says so', async () => {
    const { user, prompt } = await prompted();
    await click(user, prompt, '7');

    // The prompt as another of the user's devices still shows it, with its numbers.
    const again = await click(user, prompt, '3');

    expect(isUpdate(again.type)).toBe(true);
    expect(titleOf(again.answer)).toBe('Check-in answered already');
    expect(textOfMessage(again.answer!)).toContain('Saved 7/10');
    expect(await moodsOf(getDb().db, user.id)).toEqual([{ score: 7, emotions: null }]);
  });

  it('GIVEN an earlier /mood and a prompt answered with 2 WHEN Undo is tapped THEN only the check-in’s entry is deleted', async () => {
    const { user, prompt } = await prompted();
    expect((await h.app.run('/mood 9', user.id, 'discord')).outcome).toBe('ok');
    const tapped = await click(user, prompt, '2');
    expect(await moodsOf(getDb().db, user.id)).toEqual([
      { score: 9, emotions: null },
      { score: 2, emotions: null },
    ]);

    const undone = await click(user, tapped.message, 'Undo');

    expect(isUpdate(undone.type)).toBe(true);
    expect(undone.message?.id).toBe(prompt.id);
    expect(await moodsOf(getDb().db, user.id)).toEqual([{ score: 9, emotions: null }]);
  });

  it('GIVEN three prompts left unanswered THEN the fourth time the DM asks "Keep the daily check-ins?" and the fifth time nothing is sent', async () => {
    const now = new Date();
    const { user, userId } = await checkinUser(localTime(now, 'UTC'));
    await setUpLongAgo(userId);
    const summaries: CheckinRunSummary[] = [];

    for (let day = 8; day >= 4; day--)
      summaries.push(await runAt(new Date(now.getTime() - day * DAY), [userId]));

    const dms = delivered(user.id).map(messageOfRequest);
    expect(dms.map(titleOf)).toEqual([PROMPT_TITLE, PROMPT_TITLE, PROMPT_TITLE, 'Keep the daily check-ins?']);
    expect(buttonRows(dms[3]!)).toEqual([['Keep them', 'Pause for a week', 'Turn off']]);
    expect(summaries[4]).toMatchObject({ sent: 0, asked: 0, skipped: { 'stopped after 3 unanswered': 1 } });
    expect(h.fake.directMessagesTo(user.id)).toHaveLength(4);
  });

  it('GIVEN a user whose DMs are closed (50007) THEN the prompt is skipped, the user marked (dm_blocked_at), and no DM is tried again', async () => {
    const now = new Date();
    const { user, userId } = await checkinUser(localTime(now, 'UTC'));
    h.fake.blockDirectMessages(user.id);

    const first = await runAt(now, [userId]);
    const sameHour = await runAt(new Date(now.getTime() + 60_000), [userId]);
    const nextDay = await runAt(new Date(now.getTime() + DAY), [userId]);

    expect(first.skipped).toEqual({ 'direct messages refused': 1 });
    const attempts = h.fake.directMessagesTo(user.id);
    expect(attempts.map((r) => r.status)).toEqual([403]);
    const [settings] = await queryRows<{ blocked: boolean }>(
      getDb().db,
      sql`SELECT dm_blocked_at IS NOT NULL AS blocked FROM user_settings WHERE user_id = ${userId}`,
    );
    expect(settings?.blocked).toBe(true);
    const prompts = await queryRows<{ status: string }>(
      getDb().db,
      sql`SELECT status FROM checkin_prompts WHERE user_id = ${userId} ORDER BY slot_at`,
    );
    expect(prompts.map((p) => p.status)).toEqual(['skipped', 'skipped']);
    expect(sameHour).toMatchObject({ due: 0, sent: 0 });
    expect(nextDay).toMatchObject({ sent: 0, skipped: { 'direct messages refused': 1 } });
  });
});
