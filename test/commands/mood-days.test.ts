import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.js';
import { insertImportedBatch } from '../../src/db/repositories/imports.js';
import { undoMoodEntry } from '../../src/db/repositories/mood-entries.js';
import {
  DAY_MS,
  dayIn,
  field,
  insertEntries,
  instantTodayInOnlyOne,
  newAccount,
  shiftDay,
  useApp,
  userFor,
} from '../support/app-harness.js';
import { describeEachDatabase } from '../support/test-database.js';

const daysAgo = (n: number) => new Date(Date.now() - n * DAY_MS);

describeEachDatabase('/mood averages, trend and time zones', (getDb) => {
  const app = useApp(getDb);

  it('GIVEN a lower week before WHEN /mood is logged THEN the 7-day average and a rising trend are shown', async () => {
    const who = newAccount();
    await insertEntries(app(), who, [
      [daysAgo(9), 2],
      [daysAgo(8), 2],
      [daysAgo(1), 4],
    ]);

    const result = await app().run('/mood 8', who);

    expect(field(result, '7-day average')).toBe('6.0');
    expect(field(result, 'Trend')).toBe('↗ rising vs the week before (+4.0)');
  });

  it('GIVEN a higher week before WHEN /mood is logged THEN the trend reads lower', async () => {
    const who = newAccount();
    await insertEntries(app(), who, [[daysAgo(10), 9]]);

    const result = await app().run('/mood 3', who);

    expect(field(result, 'Trend')).toBe('↘ lower than the week before (-6.0)');
  });

  it('GIVEN a similar week before WHEN /mood is logged THEN the trend reads steady', async () => {
    const who = newAccount();
    await insertEntries(app(), who, [[daysAgo(9), 6]]);

    const result = await app().run('/mood 6', who);

    expect(field(result, 'Trend')).toBe('→ steady vs the week before (0.0)');
  });

  it('GIVEN a UTC user with an entry at 23:30 UTC seven days ago THEN it falls outside the 7-day average', async () => {
    const who = newAccount();
    const utcToday = dayIn(new Date(), 'UTC');
    await insertEntries(app(), who, [[new Date(`${shiftDay(utcToday, -7)}T23:30:00Z`), 2]]);

    const result = await app().run('/mood 8', who);

    expect(field(result, '7-day average')).toBe('8.0');
  });

  it("GIVEN a Tokyo user and an entry that is today in only one of Tokyo and UTC THEN today's count follows Tokyo's calendar", async () => {
    const who = newAccount();
    await app().run('/settings timezone Asia/Tokyo', who);
    const { at, todayInZone } = instantTodayInOnlyOne(new Date(), 'Asia/Tokyo', 'UTC');
    await insertEntries(app(), who, [[at, 2]]);

    const result = await app().run('/mood 8', who);

    expect(field(result, 'Today')).toBe(todayInZone ? '5.0 (2 entries)' : '8.0 (1 entry)');
  });

  it('GIVEN a /mood answered WHEN another instance stores an entry for the user THEN the next /mood counts it', async () => {
    const who = newAccount();
    await app().run('/mood 8', who);
    await insertEntries(app(), who, [[new Date(Date.now() - 1000), 2]]);

    const result = await app().run('/mood 5', who);

    expect(field(result, 'Today')).toBe('5.0 (3 entries)');
  });

  it('GIVEN a /mood answered WHEN another instance undoes one of the user’s entries THEN the next /mood leaves it out', async () => {
    const who = newAccount();
    const userId = await insertEntries(app(), who, [[new Date(Date.now() - 1000), 2]]);
    await app().run('/mood 8', who);
    await undoMoodEntry(app().db, { userId, since: new Date(Date.now() - 60_000) });

    const result = await app().run('/mood 6', who);

    expect(field(result, 'Today')).toBe('4.0 (2 entries)');
  });

  it('GIVEN a /mood answered WHEN entries of this week are imported THEN the next /mood counts them', async () => {
    const who = newAccount();
    await app().run('/mood 8', who);
    const userId = await userFor(app(), who);
    await insertImportedBatch(app().db, userId, [
      { createdAt: daysAgo(2), moodScore: 2, emotions: [], notes: null },
      { createdAt: daysAgo(3), moodScore: 2, emotions: [], notes: null },
    ]);

    const result = await app().run('/mood 4', who);

    expect(field(result, '7-day average')).toBe('4.0');
  });

  describe('on a fixed clock', () => {
    const onFixedClock = useApp(getDb, { clock: fixedClock('2026-03-11T01:00:00Z') });

    it('GIVEN a Tokyo user with an entry at 23:30 UTC on March 10 THEN /history puts it on Wednesday March 11', async () => {
      const who = newAccount();
      await onFixedClock().run('/settings timezone Asia/Tokyo', who);
      await insertEntries(onFixedClock(), who, [[new Date('2026-03-10T23:30:00Z'), 7]]);

      const result = await onFixedClock().run('/history 1', who);

      expect(field(result, 'Best day')).toBe('Wed 2026-03-11 (7.0)');
      expect(result.reply.text).toContain('2026-03-11 → 2026-03-11');
    });

    it('GIVEN a UTC user with the same entry THEN /history puts it on Tuesday March 10', async () => {
      const who = newAccount();
      await insertEntries(onFixedClock(), who, [[new Date('2026-03-10T23:30:00Z'), 7]]);

      const result = await onFixedClock().run('/history 2', who);

      expect(field(result, 'Best day')).toBe('Tue 2026-03-10 (7.0)');
    });
  });
});
