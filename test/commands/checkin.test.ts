import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { field, newAccount, textOf, useApp, userOf } from '../support/app-harness.js';
import { queryRows } from '../support/query-rows.js';
import { describeEachDatabase } from '../support/test-database.js';

describeEachDatabase('/checkin', (getDb) => {
  const app = useApp(getDb);

  it('GIVEN a new user WHEN "/checkin" is typed THEN it says check-ins are off and how to turn them on', async () => {
    const shown = await app().run('/checkin', newAccount());

    expect(shown.outcome).toBe('ok');
    expect(textOf(shown)).toContain('Check-ins are off.');
    expect(textOf(shown)).toContain('`/checkin 9pm`');
  });

  it('GIVEN "/checkin 9pm" THEN check-ins are on at 21:00 every day in the user\'s zone, with the next one shown', async () => {
    const who = newAccount();
    await app().run('/settings timezone Europe/Berlin', who);

    const set = await app().run('/checkin 9pm', who);

    expect(set.reply.title).toBe('Check-ins are on');
    expect(textOf(set)).toContain('On: 21:00, every day (Europe/Berlin).');
    expect(field(set, 'Next check-in')).toMatch(/^\w{3} \d{1,2} \w{3}, 21:00$/);
  });

  it('GIVEN a time WHEN two more are added and one removed THEN the times are kept sorted', async () => {
    const who = newAccount();
    await app().run('/checkin 21:00', who);
    await app().run('/checkin add 8am', who);
    await app().run('/checkin add 13:30', who);

    const removed = await app().run('/checkin remove 8:00', who);

    expect(textOf(removed)).toContain('On: 13:30, 21:00, every day');
  });

  it('GIVEN three times WHEN a fourth is added THEN it is refused with how to make room', async () => {
    const who = newAccount();
    await app().run('/checkin 9am', who);
    await app().run('/checkin add 1pm', who);
    await app().run('/checkin add 6pm', who);

    const fourth = await app().run('/checkin add 9pm', who);

    expect(fourth.outcome).toBe('user_error');
    expect(textOf(fourth)).toContain('/checkin remove');
  });

  it('GIVEN "/checkin days weekdays" THEN the days are shown as weekdays', async () => {
    const who = newAccount();
    await app().run('/checkin 9pm', who);

    const days = await app().run('/checkin days mon, tue, wed, thu, fri', who);

    expect(textOf(days)).toContain('On: 21:00, weekdays');
  });

  it('GIVEN check-ins on WHEN "/checkin off" THEN they are off and the times stay saved', async () => {
    const who = newAccount();
    await app().run('/checkin 7:30pm', who);

    const off = await app().run('/checkin off', who);
    const on = await app().run('/checkin on', who);

    expect(textOf(off)).toContain('Your times stay saved: 19:30');
    expect(textOf(on)).toContain('On: 19:30');
  });

  it('GIVEN the console, which gets no DMs WHEN the first /mood is logged THEN no check-in is offered', async () => {
    const first = await app().run('/mood 6', newAccount());

    expect(first.reply.buttons?.some((b) => b.label.startsWith('Daily check-in at'))).toBe(false);
  });

  it('GIVEN no time set WHEN "/checkin on" THEN it asks for a time', async () => {
    const on = await app().run('/checkin on', newAccount());

    expect(on.outcome).toBe('user_error');
    expect(textOf(on)).toContain('`/checkin 9pm`');
  });

  it('GIVEN check-ins on WHEN "/checkin pause" THEN the next check-in is a week away', async () => {
    const who = newAccount();
    await app().run('/checkin 9pm', who);

    const paused = await app().run('/checkin pause', who);

    expect(paused.reply.title).toBe('Check-ins paused for a week');
    expect(field(paused, 'Next check-in')).toContain('(paused until then)');
  });

  it.each([
    ['/checkin 25:00', 'BAD_TIME'],
    ['/checkin soon', 'UNKNOWN_ACTION'],
    ['/checkin days someday', 'BAD_DAYS'],
    ['/checkin add', 'MISSING_TIME'],
    ['/checkin answer 1 7', 'UNKNOWN_PROMPT'],
    ['/checkin answer x', 'NO_PROMPT'],
  ])('GIVEN "%s" THEN it is refused (%s) with how to fix it, and nothing changes', async (line) => {
    const who = newAccount();

    const refused = await app().run(line, who);

    expect(refused.outcome).toBe('user_error');
    expect(textOf(refused)).toMatch(/`\/checkin|\/mood|e\.g\.|for example|such as|looks? like|tap/i);
    const rows = await queryRows(
      app().db,
      sql`SELECT enabled FROM checkin_schedules s JOIN chat_identities c ON c.user_id = s.user_id
           WHERE c.external_user_id = ${who}`,
    );
    expect(rows).toEqual([]);
  });

  it("GIVEN a user's first /mood THEN its answer offers a daily check-in at that time, once", async () => {
    const who = newAccount();

    const first = await app().run('/mood 6 tired', who, 'discord');
    const second = await app().run('/mood 7', who, 'discord');

    const offer = first.reply.buttons?.find((b) => b.label.startsWith('Daily check-in at'));
    expect(offer?.action).toMatch(/^\/checkin \d\d:\d[05]$/);
    expect(second.reply.buttons?.some((b) => b.label.startsWith('Daily check-in at'))).toBe(false);
    const accepted = await app().run(offer!.action, who, 'discord');
    expect(accepted.reply.title).toBe('Check-ins are on');
    expect(userOf(accepted)).toBe(userOf(first));
  });
});
