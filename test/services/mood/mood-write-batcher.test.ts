import type pg from 'pg';
import { expect, it } from 'vitest';
import type { Db } from '../../../src/db/database.js';
import {
  isAlreadyApplied,
  type LoggedMoodEntry,
  listMoodEntries,
  type MoodEntryWrite,
} from '../../../src/db/repositories/mood-entries.js';
import { createMoodWriteBatcher } from '../../../src/services/mood/mood-write-batcher.js';
import { newUser } from '../../support/fixtures.js';
import { insertMoodEntry } from '../../support/mood-entries.js';
import { createTestDatabase, describeEachDatabase } from '../../support/test-database.js';

const DAY = 86_400_000;
const utcDay = (at: Date) => Math.floor(at.getTime() / DAY);
/** A window the caller does not hold: it always comes back. */
const unheld = () => ({
  from: new Date(Date.now() - 16 * DAY),
  timeZone: 'UTC',
  knownVersion: null,
});

/** The batcher, for writes without an inbox delivery: each is stored (never `alreadyApplied`). */
function storingWriter(deps: Parameters<typeof createMoodWriteBatcher>[0]) {
  const writer = createMoodWriteBatcher(deps);
  return {
    write: async (input: MoodEntryWrite): Promise<LoggedMoodEntry> => {
      const result = await writer.write(input);
      if (isAlreadyApplied(result))
        throw new Error('a write without a delivery came back as already applied');
      return result;
    },
  };
}

const storedOf = async (db: Db, userId: number) =>
  (await listMoodEntries(db, userId)).map((e) => ({ id: e.id, score: e.moodScore, emotions: e.emotions }));

describeEachDatabase('mood write batcher', (getDb, kind) => {
  it('GIVEN entries of several users in one turn THEN each is stored once and answered with its own window', async () => {
    const { db } = getDb();
    const writer = storingWriter({ db });
    const users = await Promise.all([newUser(db), newUser(db), newUser(db)]);
    const earlier = await Promise.all(
      users.map((u, i) =>
        insertMoodEntry(db, { userId: u.id, moodScore: 2 + i, createdAt: new Date(Date.now() - DAY) }),
      ),
    );
    const logged = await Promise.all(
      users.map((u, i) => writer.write({ userId: u.id, moodScore: 5 + i, window: unheld() })),
    );
    logged.forEach(({ entry, recentDays }, i) => {
      expect(entry).toMatchObject({ userId: users[i]!.id, moodScore: 5 + i });
      expect(recentDays).toEqual([{ day: utcDay(earlier[i]!.createdAt), entries: 1, total: 2 + i }]);
    });
    for (const [i, u] of users.entries()) {
      expect(await storedOf(db, u.id)).toEqual([
        { id: logged[i]!.entry.id, score: 5 + i, emotions: null },
        { id: earlier[i]!.id, score: 2 + i, emotions: null },
      ]);
    }
  });

  it('GIVEN entries queued together THEN they share one statement (one commit, one transaction time)', async () => {
    const { db } = getDb();
    const writer = storingWriter({ db, maxInFlight: 1 });
    const users = await Promise.all([newUser(db), newUser(db), newUser(db), newUser(db)]);
    const logged = await Promise.all(users.map((u) => writer.write({ userId: u.id, moodScore: 7 })));
    const times = new Set(logged.map((l) => l.entry.createdAt.getTime()));
    expect(times.size).toBe(1);
  });

  it('GIVEN two entries of one user at once THEN they go in turn and the second sees the first in its window', async () => {
    const { db } = getDb();
    const writer = storingWriter({ db, maxInFlight: 1 });
    const [user, other] = await Promise.all([newUser(db), newUser(db)]);
    const [first, second, neighbour] = await Promise.all([
      writer.write({ userId: user.id, moodScore: 3, window: unheld() }),
      writer.write({ userId: user.id, moodScore: 8, window: unheld() }),
      writer.write({ userId: other.id, moodScore: 6 }),
    ]);
    expect(first.recentDays).toEqual([]);
    expect(second.recentDays).toEqual([{ day: utcDay(first.entry.createdAt), entries: 1, total: 3 }]);
    // The other user's entry left with the first one; the second waited for the next statement.
    expect(neighbour.entry.createdAt.getTime()).toBe(first.entry.createdAt.getTime());
    expect(second.entry.createdAt.getTime()).toBeGreaterThan(first.entry.createdAt.getTime());
    expect((await storedOf(db, user.id)).map((e) => e.score)).toEqual([8, 3]);
  });

  it('GIVEN emotions with quotes, backslashes, braces, commas and the word NULL THEN they are stored verbatim', async () => {
    const { db } = getDb();
    const writer = storingWriter({ db });
    const user = await newUser(db);
    const emotions = ['it\'s "quoted"', 'back\\slash', '{braces}', 'a,b', 'NULL', ' spaced ', '😀'];
    const { entry } = await writer.write({ userId: user.id, moodScore: 4, emotions, notes: 'n' });
    expect((await storedOf(db, user.id))[0]).toEqual({ id: entry.id, score: 4, emotions });
  });

  it('GIVEN one row the database refuses in a batch THEN only its writer fails and the others are stored', async () => {
    const { db } = getDb();
    const writer = storingWriter({ db });
    const [a, b] = await Promise.all([newUser(db), newUser(db)]);
    const missingUser = 2_000_000_000;
    const results = await Promise.allSettled([
      writer.write({ userId: a.id, moodScore: 5 }),
      writer.write({ userId: missingUser, moodScore: 5 }),
      writer.write({ userId: b.id, moodScore: 6 }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((await storedOf(db, a.id)).map((e) => e.score)).toEqual([5]);
    expect((await storedOf(db, b.id)).map((e) => e.score)).toEqual([6]);
  });

  // /mood's option parser refuses a NUL with an explanation (test/commands/naughty-strings.test.ts); the
  // writer checks no text again, and a NUL that got past it is the database's row error.
  it('GIVEN a note with a NUL character THEN the database refuses only that row and its neighbours are stored', async () => {
    const { db } = getDb();
    const writer = storingWriter({ db });
    const [a, b] = await Promise.all([newUser(db), newUser(db)]);
    const results = await Promise.allSettled([
      writer.write({ userId: a.id, moodScore: 5, notes: 'bad\u0000note' }),
      writer.write({ userId: b.id, moodScore: 6 }),
    ]);
    expect(results[0]).toMatchObject({ status: 'rejected', reason: { code: '22021' } });
    expect(results[1]?.status).toBe('fulfilled');
    expect(await storedOf(db, a.id)).toEqual([]);
  });

  it('GIVEN the database is gone THEN every waiting writer is refused and none is told its entry was stored', async () => {
    const database = await createTestDatabase(kind);
    const user = await newUser(database.db);
    const writer = storingWriter({ db: database.db });
    await database.close();
    const results = await Promise.allSettled([
      writer.write({ userId: user.id, moodScore: 5 }),
      writer.write({ userId: user.id + 1, moodScore: 6 }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });

  // A table lock needs a second connection, which PGlite does not have.
  if (kind === 'postgres') {
    it('GIVEN a write in flight and one slot THEN entries arriving meanwhile wait and leave in one statement', async () => {
      const { db } = getDb();
      const pool = (db as unknown as { $client: pg.Pool }).$client;
      const writer = storingWriter({ db, maxInFlight: 1 });
      const users = await Promise.all([newUser(db), newUser(db), newUser(db), newUser(db)]);
      // Hold inserts back with a table lock, so the first write is surely still in flight.
      const blocker = await pool.connect();
      try {
        await blocker.query('BEGIN');
        await blocker.query('LOCK TABLE mood_entries IN EXCLUSIVE MODE');
        const first = writer.write({ userId: users[0]!.id, moodScore: 1 });
        await new Promise((r) => setTimeout(r, 50));
        const later = users.slice(1).map((u) => writer.write({ userId: u.id, moodScore: 9 }));
        await new Promise((r) => setTimeout(r, 50));
        await blocker.query('COMMIT');
        const [firstLogged, ...laterLogged] = await Promise.all([first, ...later]);
        const laterTimes = new Set(laterLogged.map((l) => l.entry.createdAt.getTime()));
        expect(laterTimes.size).toBe(1);
        expect([...laterTimes][0]).toBeGreaterThan(firstLogged!.entry.createdAt.getTime());
      } finally {
        blocker.release();
      }
    });
  }
});
