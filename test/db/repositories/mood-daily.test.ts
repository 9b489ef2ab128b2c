import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import type { Db } from '../../../src/db/database.js';
import {
  dailyMoods,
  type LoggedMoodEntry,
  loggedDays,
  logMoodEntries,
  undoMoodEntry,
} from '../../../src/db/repositories/mood-entries.js';
import { newUser } from '../../support/fixtures.js';
import { insertMoodEntry, logMoodEntry, moodVersionOf } from '../../support/mood-entries.js';
import { queryRows } from '../../support/query-rows.js';
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

  it('GIVEN the caller holds the window at the current version WHEN a mood is logged THEN no window is read back', async () => {
    const { db } = getDb();
    const user = await newUser(db);
    await insertMoodEntry(db, { userId: user.id, moodScore: 9, createdAt: new Date(Date.now() - 30 * DAY) });
    await insertMoodEntry(db, { userId: user.id, moodScore: 5, createdAt: new Date(Date.now() - DAY) });
    const known = await moodVersionOf(db, user.id);
    const logged = await logMoodEntry(db, {
      userId: user.id,
      moodScore: 6,
      window: { from: new Date(Date.now() - 16 * DAY), timeZone: 'UTC', knownVersion: known },
    });
    expect(logged.recentDays).toBeUndefined();
  });

  it('GIVEN a mood logged THEN its version is the one after and it is the user’s version now', async () => {
    const { db } = getDb();
    const user = await newUser(db);
    await insertMoodEntry(db, { userId: user.id, moodScore: 5 });
    const known = await moodVersionOf(db, user.id);
    const logged = await logMoodEntry(db, {
      userId: user.id,
      moodScore: 6,
      window: { from: new Date(Date.now() - 16 * DAY), timeZone: 'UTC', knownVersion: known },
    });
    expect(logged.version).toBe(known + 1);
    expect(await moodVersionOf(db, user.id)).toBe(known + 1);
  });

  it('GIVEN an entry stored elsewhere, earlier than the newest WHEN a mood is logged THEN the window comes back per local day, without the new entry', async () => {
    const { db } = getDb();
    const user = await newUser(db);
    const at = (iso: string, moodScore: number) =>
      insertMoodEntry(db, { userId: user.id, moodScore, createdAt: new Date(iso) });
    await at('2026-10-01T12:00:00Z', 9); // before the window
    await at('2026-11-10T23:30:00Z', 4); // the 11th in Tokyo
    await at('2026-11-12T12:00:00Z', 7);
    const known = await moodVersionOf(db, user.id);
    await at('2026-11-11T01:00:00Z', 6); // stored elsewhere, out of order
    const tokyo = await logMoodEntry(db, {
      userId: user.id,
      moodScore: 1,
      window: { from: new Date('2026-11-01T00:00:00Z'), knownVersion: known, timeZone: 'Asia/Tokyo' },
    });
    expect(tokyo.recentDays).toEqual([
      { day: dayOf('2026-11-11'), entries: 2, total: 10 },
      { day: dayOf('2026-11-12'), entries: 1, total: 7 },
    ]);
    const utc = await logMoodEntry(db, {
      userId: user.id,
      moodScore: 1,
      window: { from: new Date('2026-11-01T00:00:00Z'), knownVersion: known, timeZone: 'UTC' },
    });
    expect(utc.recentDays?.slice(0, 3)).toEqual([
      { day: dayOf('2026-11-10'), entries: 1, total: 4 },
      { day: dayOf('2026-11-11'), entries: 1, total: 6 },
      { day: dayOf('2026-11-12'), entries: 1, total: 7 },
    ]);
  });

  it('GIVEN an entry undone since the caller’s window WHEN a mood is logged THEN the window comes back without it', async () => {
    const { db } = getDb();
    const user = await newUser(db);
    const kept = await insertMoodEntry(db, {
      userId: user.id,
      moodScore: 5,
      createdAt: new Date(Date.now() - DAY),
    });
    const undone = await insertMoodEntry(db, { userId: user.id, moodScore: 2 });
    const known = await moodVersionOf(db, user.id);
    await undoMoodEntry(db, { userId: user.id, entryId: undone.id, since: new Date(Date.now() - DAY * 2) });
    const logged = await logMoodEntry(db, {
      userId: user.id,
      moodScore: 6,
      window: { from: new Date(Date.now() - 16 * DAY), timeZone: 'UTC', knownVersion: known },
    });
    expect(logged.recentDays).toEqual([{ day: utcDay(kept.createdAt), entries: 1, total: 5 }]);
  });

  it('GIVEN an undo that removes nothing THEN the version stays', async () => {
    const { db } = getDb();
    const user = await newUser(db);
    await insertMoodEntry(db, { userId: user.id, moodScore: 5, createdAt: new Date(Date.now() - DAY) });
    const known = await moodVersionOf(db, user.id);
    await undoMoodEntry(db, { userId: user.id, since: new Date(Date.now() - 60_000) });
    expect(await moodVersionOf(db, user.id)).toBe(known);
  });

  it('GIVEN a caller that holds nothing WHEN a first mood is logged THEN the window comes back empty', async () => {
    const { db } = getDb();
    const user = await newUser(db);
    const logged = await logMoodEntry(db, {
      userId: user.id,
      moodScore: 6,
      window: { from: new Date(Date.now() - 16 * DAY), timeZone: 'Europe/Berlin', knownVersion: null },
    });
    expect(logged.recentDays).toEqual([]);
    expect(logged.version).toBe(1);
  });

  it('GIVEN a batch of a user whose window is held and one whose is stale THEN only the stale one gets it', async () => {
    const { db } = getDb();
    const [held, stale] = [await newUser(db), await newUser(db)];
    await insertMoodEntry(db, { userId: held.id, moodScore: 5 });
    const staleKnown = await moodVersionOf(db, stale.id);
    const staleLast = await insertMoodEntry(db, { userId: stale.id, moodScore: 3 });
    const from = new Date(Date.now() - 16 * DAY);
    const [a, b] = await logMoodEntries(db, [
      {
        userId: held.id,
        moodScore: 6,
        window: { from, timeZone: 'UTC', knownVersion: await moodVersionOf(db, held.id) },
      },
      { userId: stale.id, moodScore: 7, window: { from, timeZone: 'UTC', knownVersion: staleKnown } },
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

describeEachDatabase(
  'mood versions while another change commits',
  (getDb) => {
    it('GIVEN another entry committed while a /mood statement waited for the user WHEN it returns THEN its version is unknown and the next write reads the window with both', async () => {
      const { db } = getDb();
      const user = await newUser(db);
      await insertMoodEntry(db, { userId: user.id, moodScore: 5, createdAt: new Date(Date.now() - DAY) });
      const known = await moodVersionOf(db, user.id);
      const window = { from: new Date(Date.now() - 16 * DAY), timeZone: 'UTC', knownVersion: known };
      let waiting: Promise<LoggedMoodEntry> | undefined;
      await db.transaction(async (tx) => {
        // Another instance's /mood: its entry and its raised version, not committed yet.
        await insertMoodEntry(tx, { userId: user.id, moodScore: 9 });
        waiting = logMoodEntry(db, { userId: user.id, moodScore: 1, window });
        await untilSomeoneWaitsForALock(db);
      });
      const logged = await waiting!;

      // Its snapshot predates the other entry, so what it read cannot be trusted later.
      expect(logged.version).toBeNull();
      const next = await logMoodEntry(db, {
        userId: user.id,
        moodScore: 3,
        window: { ...window, knownVersion: logged.version },
      });
      expect(next.recentDays?.reduce((sum, d) => sum + d.entries, 0)).toBe(3);
      expect(next.version).toBe(known + 3);
    });
  },
  ['postgres'],
);

async function untilSomeoneWaitsForALock(db: Db): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const [row] = await queryRows<{ n: number }>(
      db,
      sql`SELECT count(*)::int AS n FROM pg_stat_activity
           WHERE datname = current_database() AND wait_event_type = 'Lock'`,
    );
    if ((row?.n ?? 0) > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('no statement waited for a lock within 2 s');
}
