import { expect, it } from 'vitest';
import { listMoodEntries } from '../../src/db/repositories/mood-entries.js';
import { DAY_MS, dayIn, field, insertEntries, newAccount, shiftDay, useApp } from '../support/app-harness.js';
import { describeEachDatabase } from '../support/test-database.js';

/**
 * One entry a day for `days` days before today, each `lateBy` ms later in the day than the time now
 * (a little later keeps the oldest inside /mood's 16-day read window; exactly now's time leaves it out).
 */
function dailyEntries(days: number, lateBy = 5_000): Array<[Date, number]> {
  const now = Date.now();
  return Array.from({ length: days }, (_, i) => [new Date(now - (i + 1) * DAY_MS + lateBy), 5]);
}

/** The streak on the user's calendar: consecutive local days with an entry, ending today or yesterday. */
function streakIn(instants: readonly Date[], timeZone: string, now: Date): number {
  const logged = new Set(instants.map((at) => dayIn(at, timeZone)));
  let day = dayIn(now, timeZone);
  if (!logged.has(day)) day = shiftDay(day, -1);
  let streak = 0;
  for (; logged.has(day); day = shiftDay(day, -1)) streak++;
  return streak;
}

describeEachDatabase('/mood streaks', (getDb) => {
  const app = useApp(getDb);

  it('GIVEN entries on each of the last 3 days WHEN /mood is logged today THEN the streak is 4 days', async () => {
    const who = newAccount();
    await insertEntries(app(), who, dailyEntries(3));

    const result = await app().run('/mood 6', who);

    expect(field(result, 'Streak')).toBe('4 days');
  });

  it('GIVEN entries 2 and 3 days ago but none yesterday WHEN /mood is logged THEN the streak starts again at 1 day', async () => {
    const who = newAccount();
    await insertEntries(app(), who, dailyEntries(3).slice(1));

    const result = await app().run('/mood 6', who);

    expect(field(result, 'Streak')).toBe('1 day');
  });

  it('GIVEN entries on each of the last 20 days WHEN /mood is logged today THEN the streak counts all 21 days', async () => {
    const who = newAccount();
    await insertEntries(app(), who, dailyEntries(20));

    const result = await app().run('/mood 6', who);

    expect(field(result, 'Streak')).toBe('21 days');
  });

  it('GIVEN a 21-day streak WHEN a second entry is logged the same day THEN the streak stays 21 days', async () => {
    const who = newAccount();
    await insertEntries(app(), who, dailyEntries(20));
    await app().run('/mood 6', who);

    const result = await app().run('/mood 7', who);

    expect(field(result, 'Streak')).toBe('21 days');
  });

  it('GIVEN daily entries logged exactly 24 h apart for 20 days WHEN /mood is logged THEN the streak is 21 days', async () => {
    const who = newAccount();
    await insertEntries(app(), who, dailyEntries(20, 0));

    const result = await app().run('/mood 6', who);

    expect(field(result, 'Streak')).toBe('21 days');
  });

  it('GIVEN a 21-day streak WHEN the user moves to a zone on another date THEN the streak follows the new calendar', async () => {
    const who = newAccount();
    const userId = await insertEntries(app(), who, dailyEntries(20));
    expect(field(await app().run('/mood 6', who), 'Streak')).toBe('21 days');
    // Kiritimati (UTC+14) is a day ahead of UTC from 10:00 UTC, Pago Pago (UTC-11) a day behind before 11:00.
    const now = new Date();
    const zone =
      dayIn(now, 'Pacific/Kiritimati') !== dayIn(now, 'UTC') ? 'Pacific/Kiritimati' : 'Pacific/Pago_Pago';
    await app().run(`/settings timezone ${zone}`, who);

    const result = await app().run('/mood 7', who);

    const entries = await listMoodEntries(app().db, userId, { limit: 1000 });
    const expected = streakIn(
      entries.map((e) => e.createdAt),
      zone,
      new Date(),
    );
    expect(field(result, 'Streak')).toBe(`${expected} days`);
  });
});
