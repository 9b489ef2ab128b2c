import { expect, it } from 'vitest';
import {
  findCheckinSchedule,
  markCheckinsOffered,
  saveCheckinSchedule,
} from '../../../src/db/repositories/checkins.js';
import { createUser, deleteUser } from '../../../src/db/repositories/users.js';
import { describeEachDatabase } from '../../support/test-database.js';

const at = new Date('2026-12-06T09:00:00Z');

describeEachDatabase('check-in offers, recorded in one statement', (getDb) => {
  it('GIVEN users without a schedule THEN each gets an off schedule marked offered', async () => {
    const { db } = getDb();
    const a = await createUser(db, 'offer_a');
    const b = await createUser(db, 'offer_b');

    await markCheckinsOffered(db, [a.id, b.id], at);

    for (const user of [a, b]) {
      const row = await findCheckinSchedule(db, user.id);
      expect(row?.enabled).toBe(false);
      expect(row?.offeredAt?.toISOString()).toBe(at.toISOString());
    }
  });

  it('GIVEN a user who set up check-ins THEN the offer leaves their schedule as it was', async () => {
    const { db } = getDb();
    const user = await createUser(db, 'offer_has_schedule');
    const saved = await saveCheckinSchedule(db, user.id, { enabled: true, times: [540] }, at);

    await markCheckinsOffered(db, [user.id], new Date(at.getTime() + 60_000));

    expect(await findCheckinSchedule(db, user.id)).toEqual(saved);
  });

  it('GIVEN a user erased before the write THEN the others are still recorded', async () => {
    const { db } = getDb();
    const gone = await createUser(db, 'offer_gone');
    const kept = await createUser(db, 'offer_kept');
    await deleteUser(db, gone.id);

    await markCheckinsOffered(db, [gone.id, kept.id], at);

    expect(await findCheckinSchedule(db, gone.id)).toBeUndefined();
    expect((await findCheckinSchedule(db, kept.id))?.offeredAt).not.toBeNull();
  });

  it('GIVEN the same user twice in one statement THEN it is recorded once without failing', async () => {
    const { db } = getDb();
    const user = await createUser(db, 'offer_twice');

    await markCheckinsOffered(db, [user.id, user.id], at);

    expect((await findCheckinSchedule(db, user.id))?.offeredAt?.toISOString()).toBe(at.toISOString());
  });
});
