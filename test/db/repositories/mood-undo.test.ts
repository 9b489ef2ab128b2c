import { expect, it } from 'vitest';
import { acceptInboxEntries } from '../../../src/db/repositories/inbox.js';
import { undoMoodEntry } from '../../../src/db/repositories/mood-entries.js';
import { newUser } from '../../support/fixtures.js';
import { findMoodEntry, insertMoodEntry } from '../../support/mood-entries.js';
import { describeEachDatabase } from '../../support/test-database.js';

const MINUTE = 60_000;
const tenMinutesAgo = () => new Date(Date.now() - 10 * MINUTE);

describeEachDatabase('undoing a mood entry', (getDb) => {
  it('GIVEN two recent entries WHEN undone without an id THEN only the newest is removed', async () => {
    const { db } = getDb();
    const user = await newUser(db);
    const older = await insertMoodEntry(db, { userId: user.id, moodScore: 4 });
    const newest = await insertMoodEntry(db, { userId: user.id, moodScore: 7, emotions: ['calm'] });
    const result = await undoMoodEntry(db, { userId: user.id, since: tenMinutesAgo() });
    expect(result.removed).toMatchObject({ id: newest.id, moodScore: 7, emotions: ['calm'] });
    expect(await findMoodEntry(db, user.id, newest.id)).toBeUndefined();
    expect(await findMoodEntry(db, user.id, older.id)).toBeDefined();
  });

  it('GIVEN another user’s entry id THEN nothing is removed', async () => {
    const { db } = getDb();
    const [owner, other] = [await newUser(db), await newUser(db)];
    const entry = await insertMoodEntry(db, { userId: owner.id, moodScore: 5 });
    const result = await undoMoodEntry(db, { userId: other.id, entryId: entry.id, since: tenMinutesAgo() });
    expect(result).toEqual({ removed: undefined, alreadyApplied: false });
    expect(await findMoodEntry(db, owner.id, entry.id)).toBeDefined();
  });

  it('GIVEN an entry older than the undo window THEN nothing is removed', async () => {
    const { db } = getDb();
    const user = await newUser(db);
    const old = await insertMoodEntry(db, {
      userId: user.id,
      moodScore: 5,
      createdAt: new Date(Date.now() - 11 * MINUTE),
    });
    expect(
      (await undoMoodEntry(db, { userId: user.id, entryId: old.id, since: tenMinutesAgo() })).removed,
    ).toBe(undefined);
    expect((await undoMoodEntry(db, { userId: user.id, since: tenMinutesAgo() })).removed).toBe(undefined);
    expect(await findMoodEntry(db, user.id, old.id)).toBeDefined();
  });

  it('GIVEN an undo delivery run twice (a crash, another instance) THEN one entry is removed and the rerun says applied', async () => {
    const { db } = getDb();
    const user = await newUser(db);
    const first = await insertMoodEntry(db, { userId: user.id, moodScore: 3 });
    const second = await insertMoodEntry(db, { userId: user.id, moodScore: 6 });
    const deliveryKey = `console:undo:${user.id}-${Date.now()}`;
    await acceptInboxEntries(
      db,
      [
        {
          deliveryKey,
          platform: 'slack',
          workspaceId: 'T1',
          externalUserId: `U${user.id}`,
          kind: 'command',
          command: 'undo',
          payload: 'sealed',
        },
      ],
      'this-instance',
      30_000,
    );
    const once = await undoMoodEntry(db, { userId: user.id, since: tenMinutesAgo(), deliveryKey });
    const again = await undoMoodEntry(db, { userId: user.id, since: tenMinutesAgo(), deliveryKey });
    expect(once.removed?.id).toBe(second.id);
    expect(again).toEqual({ removed: undefined, alreadyApplied: true });
    expect(await findMoodEntry(db, user.id, first.id)).toBeDefined();
  });
});
