import { expect, it } from 'vitest';
import {
  dailyMoods,
  insertMoodEntry,
  loggedDays,
  logMoodEntry,
  recentMoods,
} from '../../../src/db/repositories/mood-entries.js';
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
    expect(await dailyMoods(db, user.id, 'Asia/Tokyo', since)).toEqual([
      { day: '2026-11-11', entries: 2, total: 12 },
    ]);
    expect(await dailyMoods(db, user.id, 'America/New_York', since)).toEqual([
      { day: '2026-11-10', entries: 2, total: 12 },
    ]);
    expect(await dailyMoods(db, user.id, 'UTC', since)).toEqual([
      { day: '2026-11-10', entries: 1, total: 4 },
      { day: '2026-11-11', entries: 1, total: 8 },
    ]);
  });

  it('GIVEN earlier entries WHEN a mood is logged THEN it returns the new entry and the id of the one before', async () => {
    const { db } = getDb();
    const user = await newUser(db);
    const older = await insertMoodEntry(db, {
      userId: user.id,
      moodScore: 9,
      createdAt: new Date(Date.now() - 30 * 86_400_000),
    });
    const latest = await insertMoodEntry(db, {
      userId: user.id,
      moodScore: 5,
      createdAt: new Date(Date.now() - 86_400_000),
    });
    const { entry, previousId } = await logMoodEntry(db, {
      userId: user.id,
      moodScore: 6,
      emotions: ['tired', 'it\'s "quoted"'],
      notes: 'long day',
    });
    expect(entry).toMatchObject({
      userId: user.id,
      moodScore: 6,
      emotions: ['tired', 'it\'s "quoted"'],
      notes: 'long day',
    });
    expect(Math.abs(entry.createdAt.getTime() - Date.now())).toBeLessThan(60_000);
    expect(previousId).toBe(latest.id);
    expect(previousId).not.toBe(older.id);
  });

  it('GIVEN a first entry with no emotions and no note THEN nulls are stored and there is no previous id', async () => {
    const { db } = getDb();
    const user = await newUser(db);
    const { entry, previousId } = await logMoodEntry(db, { userId: user.id, moodScore: 3 });
    expect([entry.emotions, entry.notes, previousId]).toEqual([null, null, null]);
  });

  it('GIVEN entries in and before a window THEN recentMoods returns those in it, oldest first', async () => {
    const { db } = getDb();
    const user = await newUser(db);
    const day = 86_400_000;
    await insertMoodEntry(db, { userId: user.id, moodScore: 9, createdAt: new Date(Date.now() - 30 * day) });
    const a = await insertMoodEntry(db, {
      userId: user.id,
      moodScore: 4,
      createdAt: new Date(Date.now() - 3 * day),
    });
    const b = await insertMoodEntry(db, {
      userId: user.id,
      moodScore: 7,
      createdAt: new Date(Date.now() - day),
    });
    expect(await recentMoods(db, user.id, new Date(Date.now() - 7 * day))).toEqual([
      { id: a.id, at: a.createdAt.getTime(), score: 4 },
      { id: b.id, at: b.createdAt.getTime(), score: 7 },
    ]);
  });

  it('GIVEN entries on several local days THEN loggedDays lists each day once, newest first', async () => {
    const { db } = getDb();
    const user = await newUser(db);
    for (const at of ['2026-11-01T10:00:00Z', '2026-11-01T12:00:00Z', '2026-11-03T23:30:00Z']) {
      await insertMoodEntry(db, { userId: user.id, moodScore: 5, createdAt: new Date(at) });
    }
    expect(await loggedDays(db, user.id, 'UTC')).toEqual(['2026-11-03', '2026-11-01']);
    expect(await loggedDays(db, user.id, 'Asia/Tokyo')).toEqual(['2026-11-04', '2026-11-01']);
  });
});
