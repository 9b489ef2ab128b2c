import { expect, it } from 'vitest';
import { dailyMoods, insertMoodEntry, insertMoodEntryWithHistory } from '../../../src/db/repositories/mood-entries.js';
import { newUser } from '../../support/fixtures.js';
import { describeEachDatabase } from '../../support/test-database.js';

describeEachDatabase('mood entries per local day', (getDb) => {
  it('GIVEN entries near midnight UTC THEN they fall on the day of the user’s time zone', async () => {
    const { db } = getDb();
    const user = await newUser(db);
    // 23:30 UTC on the 10th is already the 11th in Tokyo and still the 10th in New York.
    await insertMoodEntry(db, { userId: user.id, moodScore: 4, createdAt: new Date('2026-11-10T23:30:00Z') });
    await insertMoodEntry(db, { userId: user.id, moodScore: 8, createdAt: new Date('2026-11-11T01:00:00Z') });
    const since = new Date('2026-11-01T00:00:00Z');
    expect(await dailyMoods(db, user.id, 'Asia/Tokyo', since)).toEqual([{ day: '2026-11-11', entries: 2, total: 12 }]);
    expect(await dailyMoods(db, user.id, 'America/New_York', since)).toEqual([
      { day: '2026-11-10', entries: 2, total: 12 },
    ]);
    expect(await dailyMoods(db, user.id, 'UTC', since)).toEqual([
      { day: '2026-11-10', entries: 1, total: 4 },
      { day: '2026-11-11', entries: 1, total: 8 },
    ]);
  });

  it('GIVEN earlier entries WHEN a mood is logged in one round trip THEN the new entry and the earlier days return', async () => {
    const { db } = getDb();
    const user = await newUser(db);
    await insertMoodEntry(db, { userId: user.id, moodScore: 5, createdAt: new Date(Date.now() - 86_400_000) });
    const { entry, earlierDays } = await insertMoodEntryWithHistory(
      db,
      { userId: user.id, moodScore: 6, emotions: ['tired', "it's \"quoted\""], notes: 'long day' },
      'UTC',
      new Date(Date.now() - 7 * 86_400_000),
    );
    expect(entry).toMatchObject({ userId: user.id, moodScore: 6, emotions: ['tired', "it's \"quoted\""], notes: 'long day' });
    expect(Math.abs(entry.createdAt.getTime() - Date.now())).toBeLessThan(60_000);
    expect(earlierDays).toHaveLength(1);
    expect(earlierDays[0]).toMatchObject({ entries: 1, total: 5 });
  });

  it('GIVEN no emotions and no note THEN the one-round-trip insert stores nulls', async () => {
    const { db } = getDb();
    const user = await newUser(db);
    const { entry, earlierDays } = await insertMoodEntryWithHistory(db, { userId: user.id, moodScore: 3 }, 'UTC', new Date(0));
    expect([entry.emotions, entry.notes, earlierDays]).toEqual([null, null, []]);
  });
});
