import { expect, it } from 'vitest';
import {
  dailyMoods,
  loggedDays,
  logMoodEntries,
  undoMoodEntry,
} from '../../../src/db/repositories/mood-entries.js';
import { newUser } from '../../support/fixtures.js';
import { insertMoodEntry, logMoodEntry } from '../../support/mood-entries.js';
import { describeEachDatabase } from '../../support/test-database.js';

const DAY = 86_400_000;
const utcDay = (at: Date) => Math.floor(at.getTime() / DAY);
const dayOf = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / DAY;

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

  it('GIVEN earlier entries WHEN a mood is logged THEN the new entry comes back as stored, stamped now', async () => {
    const { db } = getDb();
    const user = await newUser(db);
    await insertMoodEntry(db, { userId: user.id, moodScore: 5, createdAt: new Date(Date.now() - DAY) });
    const { entry, recentDays } = await logMoodEntry(db, {
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
    expect(recentDays).toBeUndefined();
  });

  it('GIVEN a first entry with no emotions and no note THEN nulls are stored', async () => {
    const { db } = getDb();
    const user = await newUser(db);
    const { entry } = await logMoodEntry(db, { userId: user.id, moodScore: 3 });
    expect([entry.emotions, entry.notes]).toEqual([null, null]);
  });

  it('GIVEN the caller holds as many entries as the window has WHEN a mood is logged THEN no window is read back', async () => {
    const { db } = getDb();
    const user = await newUser(db);
    await insertMoodEntry(db, { userId: user.id, moodScore: 9, createdAt: new Date(Date.now() - 30 * DAY) });
    const last = await insertMoodEntry(db, {
      userId: user.id,
      moodScore: 5,
      createdAt: new Date(Date.now() - DAY),
    });
    const logged = await logMoodEntry(db, {
      userId: user.id,
      moodScore: 6,
      window: {
        from: new Date(Date.now() - 16 * DAY),
        timeZone: 'UTC',
        knownEntries: 1,
        knownLastId: last.id,
      },
    });
    expect(logged.recentDays).toBeUndefined();
  });

  it('GIVEN an entry stored elsewhere, earlier than the newest WHEN a mood is logged THEN the window comes back per local day, without the new entry', async () => {
    const { db } = getDb();
    const user = await newUser(db);
    const at = (iso: string, moodScore: number) =>
      insertMoodEntry(db, { userId: user.id, moodScore, createdAt: new Date(iso) });
    await at('2026-10-01T12:00:00Z', 9); // before the window
    await at('2026-11-10T23:30:00Z', 4); // the 11th in Tokyo
    const held = await at('2026-11-12T12:00:00Z', 7);
    await at('2026-11-11T01:00:00Z', 6); // stored elsewhere, out of order
    const window = { from: new Date('2026-11-01T00:00:00Z'), knownEntries: 2, knownLastId: held.id };
    const tokyo = await logMoodEntry(db, {
      userId: user.id,
      moodScore: 1,
      window: { ...window, timeZone: 'Asia/Tokyo' },
    });
    expect(tokyo.recentDays).toEqual([
      { day: dayOf('2026-11-11'), entries: 2, total: 10 },
      { day: dayOf('2026-11-12'), entries: 1, total: 7 },
    ]);
    const utc = await logMoodEntry(db, {
      userId: user.id,
      moodScore: 1,
      window: { ...window, timeZone: 'UTC' },
    });
    expect(utc.recentDays?.slice(0, 3)).toEqual([
      { day: dayOf('2026-11-10'), entries: 1, total: 4 },
      { day: dayOf('2026-11-11'), entries: 1, total: 6 },
      { day: dayOf('2026-11-12'), entries: 1, total: 7 },
    ]);
  });

  it('GIVEN as many entries as the caller holds but one undone and another stored elsewhere WHEN a mood is logged THEN the window comes back', async () => {
    const { db } = getDb();
    const user = await newUser(db);
    const kept = await insertMoodEntry(db, {
      userId: user.id,
      moodScore: 5,
      createdAt: new Date(Date.now() - DAY),
    });
    const undone = await insertMoodEntry(db, { userId: user.id, moodScore: 2 });
    await undoMoodEntry(db, { userId: user.id, entryId: undone.id, since: new Date(Date.now() - DAY * 2) });
    const elsewhere = await insertMoodEntry(db, { userId: user.id, moodScore: 9 });
    const logged = await logMoodEntry(db, {
      userId: user.id,
      moodScore: 6,
      window: {
        from: new Date(Date.now() - 16 * DAY),
        timeZone: 'UTC',
        knownEntries: 2,
        knownLastId: undone.id,
      },
    });
    expect(logged.recentDays).toEqual([
      { day: utcDay(kept.createdAt), entries: 1, total: 5 },
      { day: utcDay(elsewhere.createdAt), entries: 1, total: 9 },
    ]);
  });

  it('GIVEN a caller that holds nothing WHEN a first mood is logged THEN the window comes back empty', async () => {
    const { db } = getDb();
    const user = await newUser(db);
    const logged = await logMoodEntry(db, {
      userId: user.id,
      moodScore: 6,
      window: {
        from: new Date(Date.now() - 16 * DAY),
        timeZone: 'Europe/Berlin',
        knownEntries: null,
        knownLastId: null,
      },
    });
    expect(logged.recentDays).toEqual([]);
  });

  it('GIVEN a batch of a user whose window is held and one whose is stale THEN only the stale one gets it', async () => {
    const { db } = getDb();
    const [held, stale] = [await newUser(db), await newUser(db)];
    const heldLast = await insertMoodEntry(db, { userId: held.id, moodScore: 5 });
    const staleLast = await insertMoodEntry(db, { userId: stale.id, moodScore: 3 });
    const from = new Date(Date.now() - 16 * DAY);
    const [a, b] = await logMoodEntries(db, [
      {
        userId: held.id,
        moodScore: 6,
        window: { from, timeZone: 'UTC', knownEntries: 1, knownLastId: heldLast.id },
      },
      {
        userId: stale.id,
        moodScore: 7,
        window: { from, timeZone: 'UTC', knownEntries: 0, knownLastId: null },
      },
    ]);
    expect(a!.recentDays).toBeUndefined();
    expect(b!.recentDays).toEqual([{ day: utcDay(staleLast.createdAt), entries: 1, total: 3 }]);
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
