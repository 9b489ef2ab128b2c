import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { mergeUsers } from '../../src/db/repositories/account-merge.js';
import {
  claimCheckinPrompt,
  findCheckinSchedule,
  saveCheckinSchedule,
} from '../../src/db/repositories/checkins.js';
import { newUser } from '../support/fixtures.js';
import { queryRows } from '../support/query-rows.js';
import { describeEachDatabase } from '../support/test-database.js';

const NINE_AM = 540;
const NINE_PM = 1260;

describeEachDatabase('merging accounts with check-ins', (getDb) => {
  const prompt = (userId: number, slotAt: string) =>
    claimCheckinPrompt(getDb().db, {
      userId,
      slotAt: new Date(slotAt),
      kind: 'prompt',
      claimedBy: 'test',
      leaseMs: 60_000,
      now: new Date(),
    });

  it('GIVEN both accounts with a check-in WHEN merged THEN the kept account keeps its own schedule', async () => {
    const { db } = getDb();
    const [from, into] = [await newUser(db, 'from'), await newUser(db, 'into')];
    await saveCheckinSchedule(db, from.id, { enabled: true, times: [NINE_AM] }, new Date());
    await saveCheckinSchedule(db, into.id, { enabled: true, times: [NINE_PM] }, new Date());

    await mergeUsers(db, from.id, into.id);

    expect((await findCheckinSchedule(db, into.id))?.times).toEqual([NINE_PM]);
    expect(await findCheckinSchedule(db, from.id)).toBeUndefined();
  });

  it('GIVEN only the merged-away account with a check-in THEN it moves to the kept account', async () => {
    const { db } = getDb();
    const [from, into] = [await newUser(db, 'from'), await newUser(db, 'into')];
    await saveCheckinSchedule(db, from.id, { enabled: true, times: [NINE_AM] }, new Date());

    await mergeUsers(db, from.id, into.id);

    expect((await findCheckinSchedule(db, into.id))?.times).toEqual([NINE_AM]);
  });

  it('GIVEN prompts of both accounts, one slot in common WHEN merged THEN the prompts move and the common slot is one prompt', async () => {
    const { db } = getDb();
    const [from, into] = [await newUser(db, 'from'), await newUser(db, 'into')];
    await prompt(from.id, '2026-12-01T09:00:00Z');
    await prompt(from.id, '2026-12-02T09:00:00Z');
    await prompt(into.id, '2026-12-02T09:00:00Z');

    await mergeUsers(db, from.id, into.id);

    const rows = await queryRows(
      db,
      sql`SELECT to_char(slot_at, 'YYYY-MM-DD') AS day FROM checkin_prompts WHERE user_id = ${into.id} ORDER BY slot_at`,
    );
    expect(rows).toEqual([{ day: '2026-12-01' }, { day: '2026-12-02' }]);
  });
});
