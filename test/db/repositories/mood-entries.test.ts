import { expect, it } from 'vitest';
import { listMoodEntries } from '../../../src/db/repositories/mood-entries.js';
import { naughtyStrings, newUser } from '../../support/fixtures.js';
import { countMoodEntries, findMoodEntry, insertMoodEntry } from '../../support/mood-entries.js';
import { describeEachDatabase } from '../../support/test-database.js';

const day = (n: number) => new Date(Date.UTC(2026, 10, n, 12));

describeEachDatabase('mood entries repository', (getDb) => {
  it('GIVEN a score, emotions and a note WHEN inserted THEN they read back with a timestamp', async () => {
    const { db } = getDb();
    const user = await newUser(db);
    const entry = await insertMoodEntry(db, {
      userId: user.id,
      moodScore: 6,
      emotions: ['tired'],
      notes: 'long day',
    });
    expect(entry).toMatchObject({ userId: user.id, moodScore: 6, emotions: ['tired'], notes: 'long day' });
    expect(await findMoodEntry(db, user.id, entry.id)).toEqual(entry);
  });

  it('GIVEN no emotions and no note THEN both are stored as null', async () => {
    const { db } = getDb();
    const user = await newUser(db);
    const entry = await insertMoodEntry(db, { userId: user.id, moodScore: 3 });
    expect([entry.emotions, entry.notes]).toEqual([null, null]);
  });

  it.each([0, 11, -1])('GIVEN score %i THEN the CHECK constraint refuses it', async (score) => {
    const { db } = getDb();
    const user = await newUser(db);
    await expect(insertMoodEntry(db, { userId: user.id, moodScore: score })).rejects.toThrow();
    expect(await countMoodEntries(db, user.id)).toBe(0);
  });

  it('GIVEN naughty notes and emotions THEN each is stored verbatim', async () => {
    const { db } = getDb();
    const user = await newUser(db);
    for (const text of naughtyStrings) {
      const entry = await insertMoodEntry(db, {
        userId: user.id,
        moodScore: 5,
        emotions: [text, 'ok'],
        notes: text,
      });
      const read = await findMoodEntry(db, user.id, entry.id);
      expect(read?.notes).toBe(text);
      expect(read?.emotions).toEqual([text, 'ok']);
    }
  });

  // Text is checked once, where /mood parses it (test/commands/naughty-strings.test.ts); what gets past
  // that is refused by the database, whole, never stored cut short.
  it('GIVEN a NUL byte in the note or an emotion THEN the database refuses the row and nothing is stored', async () => {
    const { db } = getDb();
    const user = await newUser(db);
    await expect(
      insertMoodEntry(db, { userId: user.id, moodScore: 5, notes: 'a\u0000b' }),
    ).rejects.toMatchObject({ code: '22021' });
    await expect(
      insertMoodEntry(db, { userId: user.id, moodScore: 5, emotions: ['x\u0000'] }),
    ).rejects.toMatchObject({ code: '22021' });
    expect(await countMoodEntries(db, user.id)).toBe(0);
  });

  it('GIVEN entries on several days THEN listing is newest first, bounded by range and limit', async () => {
    const { db } = getDb();
    const user = await newUser(db);
    for (const n of [1, 2, 3, 4, 5])
      await insertMoodEntry(db, { userId: user.id, moodScore: n, createdAt: day(n) });
    expect((await listMoodEntries(db, user.id)).map((e) => e.moodScore)).toEqual([5, 4, 3, 2, 1]);
    expect(
      (await listMoodEntries(db, user.id, { since: day(2), until: day(4) })).map((e) => e.moodScore),
    ).toEqual([3, 2]);
    expect(await listMoodEntries(db, user.id, { limit: 2 })).toHaveLength(2);
    expect((await listMoodEntries(db, user.id, { limit: 1 }))[0]?.moodScore).toBe(5);
  });

  it('GIVEN two users THEN one never sees the other’s entries', async () => {
    const { db } = getDb();
    const a = await newUser(db);
    const b = await newUser(db);
    const entry = await insertMoodEntry(db, { userId: a.id, moodScore: 7 });
    expect(await listMoodEntries(db, b.id)).toEqual([]);
    expect(await findMoodEntry(db, b.id, entry.id)).toBeUndefined();
  });
});
