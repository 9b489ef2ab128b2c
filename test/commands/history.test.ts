import { sql } from 'drizzle-orm';
import { beforeAll, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.js';
import { field, newAccount, useApp, userFor } from '../support/app-harness.js';
import { insertMoodEntry } from '../support/mood-entries.js';
import { describeEachDatabase } from '../support/test-database.js';

// Sunday 15 March 2026, noon UTC; the default 7 days are Monday 9 to Sunday 15 March.
const NOW = '2026-03-15T12:00:00Z';

/** Four entries this week (average 5.0), one the week before (3.0). */
const week: Array<{ at: string; score: number; emotions?: string[]; notes?: string }> = [
  { at: '2026-03-05T09:00:00Z', score: 3, emotions: ['sad'] },
  { at: '2026-03-09T08:00:00Z', score: 2, emotions: ['tired'] },
  { at: '2026-03-11T18:00:00Z', score: 8, emotions: ['happy', 'tired'] },
  { at: '2026-03-15T07:00:00Z', score: 4, emotions: ['calm'] },
  { at: '2026-03-15T10:00:00Z', score: 6, emotions: ['tired'], notes: 'long day at work' },
];

/** The chart between the backticks of the reply's text. */
const chartOf = (text: string) => /^`([^`]*)`/.exec(text)?.[1] ?? '';

describeEachDatabase('/history', (getDb) => {
  const app = useApp(getDb, { clock: fixedClock(NOW) });
  const who = newAccount('history');

  beforeAll(async () => {
    const userId = await userFor(app(), who);
    for (const e of week) {
      await insertMoodEntry(app().db, {
        userId,
        moodScore: e.score,
        emotions: e.emotions,
        notes: e.notes,
        createdAt: new Date(e.at),
      });
    }
  });

  it('GIVEN no entries THEN the answer says nothing is logged yet and how to log', async () => {
    const result = await app().run('/history', newAccount());

    expect(result.outcome).toBe('ok');
    expect(result.reply.visibility).toBe('private');
    expect(result.reply.title).toBe('Your last 7 days');
    expect(result.reply.text).toBe('No moods logged in this period yet. Log one with `/mood 6 tired`.');
  });

  it('GIVEN four entries this week THEN the average covers exactly those four', async () => {
    const result = await app().run('/history', who);

    expect(field(result, 'Average')).toBe('5.0 over 4 entries');
  });

  it('GIVEN entries on three days THEN the best and the hardest day are named with their averages', async () => {
    const result = await app().run('/history', who);

    expect(field(result, 'Best day')).toBe('Wed 2026-03-11 (8.0)');
    expect(field(result, 'Hardest day')).toBe('Mon 2026-03-09 (2.0)');
  });

  it('GIVEN tagged entries THEN the top emotions are counted, most frequent first', async () => {
    const result = await app().run('/history', who);

    expect(field(result, 'Top emotions')).toBe('tired ×3, calm ×1, happy ×1');
  });

  it('GIVEN a tag that holds a comma THEN the top emotions quote it, so it reads as one tag', async () => {
    const tagged = newAccount();
    await app().run(`/mood 5 "tired, sad" anxious`, tagged);
    await app().run(`/mood 4 "tired, sad"`, tagged);

    expect(field(await app().run('/history', tagged), 'Top emotions')).toBe('"tired, sad" ×2, anxious ×1');
  });

  it('GIVEN entries on some days THEN the chart has one bar per day and a dot for each day without entries', async () => {
    const result = await app().run('/history', who);

    expect(chartOf(result.reply.text)).toBe('▂·▆···▄');
    expect(result.reply.text).toContain('2026-03-09 → 2026-03-15');
  });

  it('GIVEN a lower week before THEN the trend is rising with the difference of the averages', async () => {
    const result = await app().run('/history', who);

    expect(field(result, 'Trend')).toBe('↗ rising vs the week before (+2.0)');
  });

  it('GIVEN entries THEN the latest come first with time, score, emotions and note', async () => {
    const result = await app().run('/history', who);

    expect(field(result, 'Latest entries').split('\n')).toEqual([
      '2026-03-15 10:00 UTC · 6/10 tired — long day at work',
      '2026-03-15 07:00 UTC · 4/10 calm',
      '2026-03-11 18:00 UTC · 8/10 happy, tired',
      '2026-03-09 08:00 UTC · 2/10 tired',
    ]);
  });

  it('GIVEN "/history 30" THEN the chart has one bar for each of the 30 days and includes the week before', async () => {
    const result = await app().run('/history 30', who);

    expect(result.reply.title).toBe('Your last 30 days');
    expect(chartOf(result.reply.text)).toHaveLength(30);
    expect(chartOf(result.reply.text).endsWith('▃···▂·▆···▄')).toBe(true);
    expect(result.reply.text).not.toContain('one bar per week');
    expect(field(result, 'Average')).toBe('4.6 over 5 entries');
  });

  it('GIVEN "/history 365" THEN the chart has one bar per week', async () => {
    const result = await app().run('/history 365', who);

    expect(result.reply.text).toContain('2025-03-16 → 2026-03-15 (one bar per week)');
    // 53 bars: 52 whole weeks and the last day; the last three hold 3.0, 5.0 and 5.0.
    expect(chartOf(result.reply.text)).toBe(`${'·'.repeat(50)}▃▄▄`);
  });

  it.each([
    ['0', 'The number of days is a whole number from 1 to 365 (you wrote 0).'],
    ['400', 'The number of days is a whole number from 1 to 365 (you wrote 400).'],
  ])('GIVEN "/history %s" THEN it is refused with the allowed range', async (days, message) => {
    const result = await app().run(`/history ${days}`, who);

    expect(result.outcome).toBe('user_error');
    expect(result.reply.text).toBe(message);
  });

  it('GIVEN 1,001 entries in the last 30 days THEN "/history 30" counts all of them', async () => {
    const heavy = newAccount('heavy');
    const userId = await userFor(app(), heavy);
    await app().db.execute(
      sql`INSERT INTO mood_entries (user_id, mood_score, emotions, created_at)
          SELECT ${userId}, 5, ARRAY['tired'], ${NOW}::timestamp - g * interval '30 minutes'
            FROM generate_series(1, 1001) AS g`,
    );

    const result = await app().run('/history 30', heavy);

    expect(field(result, 'Average')).toBe('5.0 over 1001 entries');
    expect(field(result, 'Top emotions')).toBe('tired ×1001');
  });

  it('GIVEN "/history 0" THEN the message is grammatical', async () => {
    const result = await app().run('/history 0', who);

    expect(result.reply.text).not.toContain('The days is');
  });
});
