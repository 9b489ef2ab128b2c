import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { fixedClock } from '../../../src/core/clock.js';
import type { Reply } from '../../../src/core/commands/index.js';
import type { IdentityKey } from '../../../src/core/identity.js';
import { silentLogger } from '../../../src/core/logger.js';
import { listMoodEntries } from '../../../src/db/repositories/mood-entries.js';
import { createCheckinRunner } from '../../../src/services/checkins/checkin-runner.js';
import type { DirectMessageResult } from '../../../src/services/direct-messages.js';
import {
  type AppHarness,
  countEntries,
  newAccount,
  textOf,
  useApp,
  userOf,
} from '../../support/app-harness.js';
import { queryRows } from '../../support/query-rows.js';
import { describeEachDatabase } from '../../support/test-database.js';

const DAY = 86_400_000;

/** What a runner sent, in order. */
function inbox(result: DirectMessageResult = 'sent') {
  const sent: Array<{ to: IdentityKey; reply: Reply }> = [];
  return {
    sent,
    sendDirect: async (to: IdentityKey, reply: Reply) => {
      sent.push({ to, reply });
      return result;
    },
  };
}

function runnerFor(
  app: AppHarness,
  sendDirect: ReturnType<typeof inbox>['sendDirect'],
  options: { now?: Date; instanceId?: string } = {},
) {
  return createCheckinRunner({
    db: app.db,
    logger: silentLogger(),
    clock: fixedClock(options.now ?? new Date()),
    sendDirect,
    platforms: ['discord', 'slack'],
    leaseMs: 60_000,
    ...(options.instanceId ? { instanceId: options.instanceId } : {}),
  });
}

/** A Discord user with a check-in at `at`'s minute (UTC), who has logged nothing. */
async function checkinUser(
  app: AppHarness,
  at: Date,
  zone = 'UTC',
): Promise<{ who: string; userId: number }> {
  const who = newAccount('checkin');
  if (zone !== 'UTC') await app.run(`/settings timezone ${zone}`, who, 'discord');
  const local = new Intl.DateTimeFormat('en-GB', {
    timeZone: zone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(at);
  const set = await app.run(`/checkin ${local}`, who, 'discord');
  expect(set.outcome).toBe('ok');
  return { who, userId: userOf(set) };
}

/** Check-ins set up a month ago, so the days simulated below come after it. */
async function setUpLongAgo(app: AppHarness, userId: number): Promise<void> {
  await app.db.execute(
    sql`UPDATE checkin_schedules SET resumed_at = now() - interval '30 days' WHERE user_id = ${userId}`,
  );
}

const promptsOf = async (app: AppHarness, userId: number) =>
  queryRows(app.db, sql`SELECT kind, status FROM checkin_prompts WHERE user_id = ${userId} ORDER BY slot_at`);

describeEachDatabase('check-in prompts', (getDb) => {
  const app = useApp(getDb);

  it('GIVEN a user whose check-in time has come THEN one DM asks how they feel, with ten buttons 1 to 10', async () => {
    const now = new Date();
    const { userId } = await checkinUser(app(), now);
    const out = inbox();

    await runnerFor(app(), out.sendDirect).runDue(now, { userIds: [userId] });

    expect(out.sent).toHaveLength(1);
    expect(out.sent[0]!.reply.title).toBe('How are you feeling?');
    expect(out.sent[0]!.reply.buttons?.map((b) => b.label)).toEqual([
      '1',
      '2',
      '3',
      '4',
      '5',
      '6',
      '7',
      '8',
      '9',
      '10',
    ]);
    expect(out.sent[0]!.reply.buttons?.every((b) => b.updatesMessage)).toBe(true);
  });

  it('GIVEN three zones THEN each user is asked at their own local time and not at another hour', async () => {
    const now = new Date();
    const users = await Promise.all(
      ['America/New_York', 'Asia/Kolkata', 'Europe/London'].map((zone) => checkinUser(app(), now, zone)),
    );
    const ids = users.map((u) => u.userId);
    const early = inbox();
    await runnerFor(app(), early.sendDirect).runDue(new Date(now.getTime() - 61 * 60_000), { userIds: ids });
    const due = inbox();
    await runnerFor(app(), due.sendDirect).runDue(now, { userIds: ids });

    expect(early.sent).toHaveLength(0);
    expect(due.sent).toHaveLength(3);
  });

  it('GIVEN a prompt sent WHEN the runner runs again in the same hour (or on another instance) THEN nothing more is sent', async () => {
    const now = new Date();
    const { userId } = await checkinUser(app(), now);
    const first = inbox();
    const second = inbox();

    await runnerFor(app(), first.sendDirect, { instanceId: 'a' }).runDue(now, { userIds: [userId] });
    await runnerFor(app(), second.sendDirect, { instanceId: 'b' }).runDue(new Date(now.getTime() + 60_000), {
      userIds: [userId],
    });

    expect(first.sent.length + second.sent.length).toBe(1);
  });

  it('GIVEN two instances running the same minute at once THEN each prompt goes once', async () => {
    const now = new Date();
    const users = await Promise.all(Array.from({ length: 6 }, () => checkinUser(app(), now)));
    const ids = users.map((u) => u.userId);
    const a = inbox();
    const b = inbox();

    await Promise.all([
      runnerFor(app(), a.sendDirect, { instanceId: 'a' }).runDue(now, { userIds: ids }),
      runnerFor(app(), b.sendDirect, { instanceId: 'b' }).runDue(now, { userIds: ids }),
    ]);

    const recipients = [...a.sent, ...b.sent].map((s) => s.to.externalUserId).sort();
    expect(recipients).toHaveLength(6);
    expect(new Set(recipients).size).toBe(6);
  });

  it('GIVEN an instance that claimed a prompt and was killed before sending THEN another sends it once its lease runs out', async () => {
    // A prompt is sent only within its local hour, and the take-over below runs 2 minutes later: in the
    // last minutes of an hour the test moves to the next hour's fifth minute (the runners' clocks are fixed).
    const now = new Date();
    if (now.getUTCMinutes() >= 55) now.setUTCMinutes(65, 0, 0);
    const { userId } = await checkinUser(app(), now);
    await app().db.execute(sql`
      INSERT INTO checkin_prompts (user_id, slot_at, status, claimed_by, lease_expires_at, attempts)
      SELECT ${userId}, date_trunc('minute', ${now.toISOString()}::timestamptz AT TIME ZONE 'UTC'), 'claimed', 'dead',
             (${now.toISOString()}::timestamptz AT TIME ZONE 'UTC') + interval '60 seconds', 1`);
    const during = inbox();
    const after = inbox();

    await runnerFor(app(), during.sendDirect, { now }).runDue(now, { userIds: [userId] });
    const later = new Date(now.getTime() + 2 * 60_000);
    await runnerFor(app(), after.sendDirect, { now: later }).runDue(later, { userIds: [userId] });

    expect(during.sent).toHaveLength(0);
    expect(after.sent).toHaveLength(1);
    expect(await promptsOf(app(), userId)).toEqual([{ kind: 'prompt', status: 'sent' }]);
  });

  it('GIVEN a user who logged a mood since the previous check-in THEN no prompt is sent', async () => {
    const now = new Date();
    const { who, userId } = await checkinUser(app(), now);
    await app().run('/mood 6', who, 'discord');
    const out = inbox();

    const summary = await runnerFor(app(), out.sendDirect).runDue(new Date(now.getTime() + DAY), {
      userIds: [userId],
    });

    expect(out.sent).toHaveLength(0);
    expect(summary.skipped).toEqual({ 'logged since the previous check-in': 1 });
  });

  it('GIVEN three prompts unanswered THEN the fourth time asks once whether to keep them, and then nothing is sent', async () => {
    const now = new Date();
    const { userId } = await checkinUser(app(), now);
    await setUpLongAgo(app(), userId);
    const out = inbox();
    for (let day = 8; day >= 4; day--) {
      await runnerFor(app(), out.sendDirect).runDue(new Date(now.getTime() - day * DAY), {
        userIds: [userId],
      });
    }

    expect(out.sent.map((s) => s.reply.title)).toEqual([
      'How are you feeling?',
      'How are you feeling?',
      'How are you feeling?',
      'Keep the daily check-ins?',
    ]);
    expect(out.sent[3]!.reply.buttons?.map((b) => b.label)).toEqual([
      'Keep them',
      'Pause for a week',
      'Turn off',
    ]);
  });

  it('GIVEN prompts stopped after three unanswered WHEN the user logs a /mood THEN they resume', async () => {
    const now = new Date();
    const { who, userId } = await checkinUser(app(), now);
    await setUpLongAgo(app(), userId);
    const out = inbox();
    for (let day = 8; day >= 4; day--) {
      await runnerFor(app(), out.sendDirect).runDue(new Date(now.getTime() - day * DAY), {
        userIds: [userId],
      });
    }
    await app().run('/mood 5', who, 'discord');
    const resumed = inbox();

    await runnerFor(app(), resumed.sendDirect).runDue(new Date(now.getTime() + 2 * DAY), {
      userIds: [userId],
    });

    expect(resumed.sent.map((s) => s.reply.title)).toEqual(['How are you feeling?']);
  });

  it('GIVEN the "keep them?" question WHEN Keep is tapped THEN prompts resume without a mood', async () => {
    const now = new Date();
    const { who, userId } = await checkinUser(app(), now);
    await setUpLongAgo(app(), userId);
    const out = inbox();
    for (let day = 8; day >= 5; day--) {
      await runnerFor(app(), out.sendDirect).runDue(new Date(now.getTime() - day * DAY), {
        userIds: [userId],
      });
    }
    const keep = out.sent[3]!.reply.buttons?.find((b) => b.label === 'Keep them');
    const kept = await app().run(keep!.action, who, 'discord');
    const after = inbox();

    await runnerFor(app(), after.sendDirect).runDue(new Date(now.getTime() + DAY), { userIds: [userId] });

    expect(kept.outcome).toBe('ok');
    expect(after.sent.map((s) => s.reply.title)).toEqual(['How are you feeling?']);
  });

  it('GIVEN a user whose DMs are closed THEN the prompt is skipped and marked, and not retried', async () => {
    const now = new Date();
    const { userId } = await checkinUser(app(), now);
    const refused = inbox('blocked');

    const summary = await runnerFor(app(), refused.sendDirect).runDue(now, { userIds: [userId] });
    const again = inbox();
    await runnerFor(app(), again.sendDirect).runDue(new Date(now.getTime() + 60_000), { userIds: [userId] });

    expect(summary.skipped).toEqual({ 'direct messages refused': 1 });
    expect(again.sent).toHaveLength(0);
  });

  it('GIVEN a prompt sent THEN the audit trail records it (who, platform, slot), without its content', async () => {
    const now = new Date();
    const { userId } = await checkinUser(app(), now);
    const recorded: unknown[] = [];
    const runner = createCheckinRunner({
      db: app().db,
      logger: silentLogger(),
      clock: fixedClock(now),
      sendDirect: inbox().sendDirect,
      platforms: ['discord'],
      leaseMs: 60_000,
      audit: { record: (entry) => recorded.push(entry) },
    });

    await runner.runDue(now, { userIds: [userId] });

    expect(recorded).toEqual([
      {
        userId,
        platform: 'discord',
        action: 'checkin-prompt',
        outcome: 'ok',
        details: { slot: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:00\.000Z$/) },
      },
    ]);
  });

  it('GIVEN a check-in and a prompt THEN /export holds both', async () => {
    const now = new Date();
    const { who, userId } = await checkinUser(app(), now);
    await runnerFor(app(), inbox().sendDirect).runDue(now, { userIds: [userId] });

    const exported = await app().run('/export', who, 'discord');

    const json = exported.reply.files?.find((f) => f.contentType === 'application/json')?.data;
    const doc = JSON.parse(String(json)) as {
      checkinSchedule: unknown[];
      checkinPrompts: Array<{ status: string }>;
    };
    expect(doc.checkinSchedule).toHaveLength(1);
    expect(doc.checkinPrompts.map((p) => p.status)).toEqual(['sent']);
  });

  it('GIVEN a console-only user WHEN a dry run previews THEN it says they get nothing and why', async () => {
    const now = new Date();
    const who = newAccount('console');
    const set = await app().run(`/checkin ${now.toISOString().slice(11, 16)}`, who);
    const userId = userOf(set);

    const summary = await runnerFor(app(), inbox().sendDirect).runDue(now, {
      userIds: [userId],
      dryRun: true,
    });

    expect(summary.plan).toEqual([
      {
        userId,
        slotAt: expect.any(Date),
        action: 'skip',
        reason: expect.stringContaining('no Discord or Slack account'),
      },
    ]);
  });

  it('GIVEN a dry run THEN it says who would get what and claims nothing', async () => {
    const now = new Date();
    const { userId } = await checkinUser(app(), now);
    const out = inbox();

    const summary = await runnerFor(app(), out.sendDirect).runDue(now, { userIds: [userId], dryRun: true });

    expect(summary.plan).toEqual([{ userId, slotAt: expect.any(Date), action: 'prompt' }]);
    expect(out.sent).toHaveLength(0);
    expect(await promptsOf(app(), userId)).toEqual([]);
  });
});

describeEachDatabase('answering a check-in', (getDb) => {
  const app = useApp(getDb);

  async function prompted(): Promise<{ who: string; userId: number; reply: Reply }> {
    const now = new Date();
    const { who, userId } = await checkinUser(app(), now);
    const out = inbox();
    await runnerFor(app(), out.sendDirect).runDue(now, { userIds: [userId] });
    return { who, userId, reply: out.sent[0]!.reply };
  }

  const tap = (reply: Reply, label: string) => {
    const button = reply.buttons?.find((b) => b.label === label);
    if (!button)
      throw new Error(`no ${label} button in ${JSON.stringify(reply.buttons?.map((b) => b.label))}`);
    return button.action;
  };

  it('GIVEN a prompt WHEN 7 is tapped THEN one entry of 7 is stored and the answer shows it with quick picks, a note and Undo', async () => {
    const { who, userId, reply } = await prompted();

    const answered = await app().run(tap(reply, '7'), who, 'discord');

    expect(answered.outcome).toBe('ok');
    expect(answered.reply.title).toBe('Check-in logged: 7/10');
    expect((await listMoodEntries(app().db, userId)).map((e) => e.moodScore)).toEqual([7]);
    const labels = answered.reply.buttons?.map((b) => b.label) ?? [];
    expect(labels).toEqual(expect.arrayContaining(['Other…', 'Add a note', 'Undo']));
    expect(answered.reply.buttons?.find((b) => b.label === 'Add a note')?.form?.maxLength).toBe(1000);
  });

  it('GIVEN a prompt answered WHEN another number is tapped THEN nothing new is stored and the answer says so', async () => {
    const { who, userId, reply } = await prompted();
    await app().run(tap(reply, '7'), who, 'discord');

    const again = await app().run(tap(reply, '3'), who, 'discord');

    expect(again.reply.title).toBe('Check-in answered already');
    expect(textOf(again)).toContain('Saved 7/10');
    expect(await countEntries(app().db, userId)).toBe(1);
  });

  it('GIVEN two taps on one prompt at the same moment THEN one entry is kept', async () => {
    const { who, userId, reply } = await prompted();

    await Promise.all([
      app().run(tap(reply, '4'), who, 'discord'),
      app().run(tap(reply, '8'), who, 'discord'),
    ]);

    expect(await countEntries(app().db, userId)).toBe(1);
  });

  it('GIVEN an answered prompt WHEN a quick pick is tapped THEN the emotion is added to that entry', async () => {
    const { who, userId, reply } = await prompted();
    const answered = await app().run(tap(reply, '6'), who, 'discord');

    const picked = await app().run(tap(answered.reply, 'tired'), who, 'discord');

    expect(picked.outcome).toBe('ok');
    expect(textOf(picked)).toContain('Saved 6/10 — tired');
    expect((await listMoodEntries(app().db, userId))[0]!.emotions).toEqual(['tired']);
    expect(picked.reply.buttons?.map((b) => b.label)).not.toContain('tired');
  });

  it('GIVEN an answered prompt WHEN a note is submitted THEN it is stored sealed on that entry', async () => {
    const { who, userId, reply } = await prompted();
    const answered = await app().run(tap(reply, '5'), who, 'discord');

    const noted = await app().run(`${tap(answered.reply, 'Add a note')} -- long day at work`, who, 'discord');

    expect(noted.outcome).toBe('ok');
    expect(textOf(noted)).toContain('with your note');
    const [row] = await queryRows(app().db, sql`SELECT notes FROM mood_entries WHERE user_id = ${userId}`);
    expect(String((row as { notes: string }).notes)).toMatch(/^enc:/);
  });

  it('GIVEN an answered prompt WHEN Undo is tapped THEN only that entry is removed', async () => {
    const { who, userId, reply } = await prompted();
    await app().run('/mood 9', who, 'discord');
    const answered = await app().run(tap(reply, '2'), who, 'discord');

    const undone = await app().run(tap(answered.reply, 'Undo'), who, 'discord');

    expect(undone.outcome).toBe('ok');
    expect((await listMoodEntries(app().db, userId)).map((e) => e.moodScore)).toEqual([9]);
  });

  it('GIVEN a tap run twice as one delivery (a crash before the prompt was marked) THEN one entry, and the rerun says it was saved', async () => {
    const { who, userId, reply } = await prompted();
    const key = `test:checkin-tap:${userId}`;
    await app().db.execute(
      sql`INSERT INTO inbox (delivery_key, platform, workspace_id, external_user_id, kind, command, status)
          VALUES (${key}, 'discord', '', ${who}, 'button', 'checkin', 'claimed')`,
    );
    const line = tap(reply, '6').replace(/^\/checkin /, '');
    const run = () =>
      app().dispatcher.dispatch({
        identity: { platform: 'discord', workspaceId: '', externalUserId: who },
        command: 'checkin',
        input: { text: line },
        deliveryKey: key,
      });
    await run();
    await app().db.execute(
      sql`UPDATE checkin_prompts SET answered_at = NULL, mood_entry_id = NULL WHERE user_id = ${userId}`,
    );

    const rerun = await run();

    expect(textOf(rerun)).toContain('This tap was saved already');
    expect(await countEntries(app().db, userId)).toBe(1);
  });

  it('GIVEN a low score tapped THEN the answer carries the helpline resources', async () => {
    const { who, reply } = await prompted();

    const answered = await app().run(tap(reply, '1'), who, 'discord');

    expect(answered.reply.fields?.map((f) => f.name)).toContain('You are not alone');
  });

  it("GIVEN someone else's prompt WHEN its button is used THEN nothing is stored", async () => {
    const { reply } = await prompted();
    const stranger = newAccount('stranger');

    const tried = await app().run(tap(reply, '7'), stranger, 'discord');

    expect(tried.outcome).toBe('user_error');
    expect(textOf(tried)).toContain('not one of yours');
    expect(tried.userId === null ? 0 : await countEntries(app().db, tried.userId)).toBe(0);
  });
});
