import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { consumeLinkCode, insertLinkCode, pruneLinkCodes } from '../../../src/db/repositories/link-codes.js';
import { topEmotions } from '../../../src/db/repositories/mood-entries.js';
import { newUser } from '../../support/fixtures.js';
import { insertMoodEntry } from '../../support/mood-entries.js';
import { queryRows } from '../../support/query-rows.js';
import { describeEachDatabase } from '../../support/test-database.js';

const at = (iso: string) => new Date(iso);

describeEachDatabase('top emotions', (getDb) => {
  it('GIVEN tagged entries THEN emotions are counted since the date, most frequent first, ties by name', async () => {
    const { db } = getDb();
    const user = await newUser(db);
    await insertMoodEntry(db, {
      userId: user.id,
      moodScore: 5,
      emotions: ['tired', 'calm'],
      createdAt: at('2026-11-20T10:00:00Z'),
    });
    await insertMoodEntry(db, {
      userId: user.id,
      moodScore: 5,
      emotions: ['tired'],
      createdAt: at('2026-11-21T10:00:00Z'),
    });
    await insertMoodEntry(db, {
      userId: user.id,
      moodScore: 5,
      emotions: ['anxious'],
      createdAt: at('2026-11-21T11:00:00Z'),
    });
    await insertMoodEntry(db, {
      userId: user.id,
      moodScore: 5,
      emotions: ['old'],
      createdAt: at('2026-10-01T10:00:00Z'),
    });
    expect(await topEmotions(db, user.id, at('2026-11-01T00:00:00Z'))).toEqual([
      { emotion: 'tired', count: 2 },
      { emotion: 'anxious', count: 1 },
      { emotion: 'calm', count: 1 },
    ]);
    expect(await topEmotions(db, user.id, at('2026-11-01T00:00:00Z'), 1)).toEqual([
      { emotion: 'tired', count: 2 },
    ]);
  });
});

describeEachDatabase('link codes', (getDb) => {
  const now = at('2026-11-25T12:00:00Z');

  it('GIVEN a fresh code THEN it is consumed once and returns its owner', async () => {
    const { db } = getDb();
    const user = await newUser(db);
    await insertLinkCode(db, user.id, 'h-once', at('2026-11-25T12:10:00Z'));
    expect(await consumeLinkCode(db, 'h-once', now)).toBe(user.id);
    expect(await consumeLinkCode(db, 'h-once', now)).toBeUndefined();
  });

  it('GIVEN an expired or unknown code THEN nothing is consumed', async () => {
    const { db } = getDb();
    const user = await newUser(db);
    await insertLinkCode(db, user.id, 'h-old', at('2026-11-25T11:59:00Z'));
    expect(await consumeLinkCode(db, 'h-old', now)).toBeUndefined();
    expect(await consumeLinkCode(db, 'h-none', now)).toBeUndefined();
  });

  it('GIVEN used, expired and live codes WHEN pruned THEN only the live one remains', async () => {
    const { db } = getDb();
    const user = await newUser(db);
    await insertLinkCode(db, user.id, 'p-used', at('2026-11-25T12:10:00Z'));
    await consumeLinkCode(db, 'p-used', now);
    await insertLinkCode(db, user.id, 'p-expired', at('2026-11-25T11:00:00Z'));
    await insertLinkCode(db, user.id, 'p-live', at('2026-11-25T12:10:00Z'));
    await pruneLinkCodes(db, now);
    const rows = await queryRows<{ code_hash: string }>(
      db,
      sql`SELECT code_hash FROM link_codes WHERE user_id = ${user.id}`,
    );
    expect(rows.map((r) => r.code_hash)).toEqual(['p-live']);
  });
});
