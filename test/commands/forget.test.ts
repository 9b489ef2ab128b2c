import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.js';
import type { Db } from '../../src/db/database.js';
import { listAudit } from '../../src/db/repositories/audit-log.js';
import { noteWorkspaceMember } from '../../src/db/repositories/channel-vibe.js';
import { claimCheckinPrompt } from '../../src/db/repositories/checkins.js';
import { listMoodEntries } from '../../src/db/repositories/mood-entries.js';
import { insertMusicAnalysis } from '../../src/db/repositories/music-analysis.js';
import { insertPersonalityInsight } from '../../src/db/repositories/personality-insights.js';
import { insertRecommendations } from '../../src/db/repositories/recommendations.js';
import type { Outcome } from '../../src/platforms/dispatcher.js';
import { type AppHarness, countEntries, newAccount, textOf, useApp, userOf } from '../support/app-harness.js';
import { claimOneDigest } from '../support/digest-claims.js';
import { queryRows } from '../support/query-rows.js';
import { describeEachDatabase } from '../support/test-database.js';

/** Every table with a user_id column, from the catalogue, so a new table cannot be forgotten. */
async function userTables(db: Db): Promise<string[]> {
  const rows = await queryRows<{ table_name: string }>(
    db,
    sql`SELECT DISTINCT table_name FROM information_schema.columns
         WHERE table_schema = 'public' AND column_name = 'user_id' ORDER BY 1`,
  );
  return rows.map((r) => r.table_name);
}

/** Rows of the user per table, `users` included. */
async function rowsOf(db: Db, userId: number): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of await userTables(db)) {
    const [row] = await queryRows<{ n: number }>(
      db,
      sql`SELECT count(*)::int AS n FROM ${sql.identifier(table)} WHERE user_id = ${userId}`,
    );
    counts[table] = row?.n ?? 0;
  }
  const [user] = await queryRows<{ n: number }>(
    db,
    sql`SELECT count(*)::int AS n FROM users WHERE id = ${userId}`,
  );
  counts.users = user?.n ?? 0;
  return counts;
}

/** A user with rows in every user table: through commands where there is one, repositories otherwise. */
async function userWithDataEverywhere(app: AppHarness, who: string): Promise<number> {
  const userId = userOf(await app.run(`/mood 5 tired -- note of ${who}`, who));
  await app.run('/settings timezone Asia/Tokyo', who);
  await app.run('/link new', who);
  await app.run('/checkin 9pm', who);
  // An /import waiting for its confirmation (through the service: the harness types no files).
  await app.services.imports.preview(
    { id: userId, timeZone: 'UTC', platform: 'console' },
    { name: 'moods.csv', bytes: new TextEncoder().encode('date,score\n2026-01-01,5\n') },
  );
  await claimCheckinPrompt(app.db, {
    userId,
    slotAt: new Date('2026-03-10T12:00:00Z'),
    kind: 'prompt',
    claimedBy: 'test',
    leaseMs: 60_000,
    now: new Date(),
  });
  const [entry] = await listMoodEntries(app.db, userId);
  await insertMusicAnalysis(app.db, { userId, spotifyTrackId: `${who}-t`, trackName: 't', artistName: 'a' });
  await insertRecommendations(app.db, [
    { userId, moodEntryId: entry?.id, spotifyTrackId: `${who}-r`, trackName: 'r', artistName: 'a' },
  ]);
  await insertPersonalityInsight(app.db, { userId, musicDna: 'dna' });
  await noteWorkspaceMember(app.db, userId, 'discord', `guild-of-${who}`, new Date());
  await claimOneDigest(app.db, {
    userId,
    period: '2026-W11',
    claimedBy: 'test',
    leaseMs: 60_000,
    now: new Date(),
  });
  await app.flushAudit();
  return userId;
}

/** The confirmation code in /forget's button. */
function codeOf(result: Outcome): string {
  const code = /^\/forget confirm:([A-Z0-9]+)$/.exec(result.reply.buttons?.[0]?.action ?? '')?.[1];
  if (!code) throw new Error(`no confirmation button: ${textOf(result)}`);
  return code;
}

describeEachDatabase('/forget', (getDb) => {
  const app = useApp(getDb);

  it('GIVEN a user WHEN they type /forget THEN a danger button stands for "/forget confirm:CODE" and nothing is erased', async () => {
    const who = newAccount();
    const userId = userOf(await app().run('/mood 5', who));

    const result = await app().run('/forget', who);

    expect(result.reply.buttons).toEqual([
      expect.objectContaining({
        style: 'danger',
        label: 'Erase everything',
        action: `/forget confirm:${codeOf(result)}`,
      }),
    ]);
    expect(result.reply.text).toContain(`/forget confirm:${codeOf(result)}`);
    expect(await countEntries(app().db, userId)).toBe(1);
  });

  it('GIVEN a wrong code THEN the answer says nothing was erased, and nothing was', async () => {
    const who = newAccount();
    const userId = userOf(await app().run('/mood 5', who));
    await app().run('/forget', who);

    const result = await app().run('/forget confirm:WRONG1', who);

    expect(result.outcome).toBe('user_error');
    expect(result.reply.text).toBe(
      'That confirmation code is wrong or has expired, so nothing was erased. Run `/forget` again for a new one.',
    );
    expect(await countEntries(app().db, userId)).toBe(1);
  });

  it("GIVEN another user's code THEN it erases neither user", async () => {
    const alice = newAccount('alice');
    const bob = newAccount('bob');
    const aliceId = userOf(await app().run('/mood 5', alice));
    const bobId = userOf(await app().run('/mood 6', bob));
    const aliceCode = codeOf(await app().run('/forget', alice));

    const result = await app().run(`/forget confirm:${aliceCode}`, bob);

    expect(result.outcome).toBe('user_error');
    expect(await countEntries(app().db, aliceId)).toBe(1);
    expect(await countEntries(app().db, bobId)).toBe(1);
  });

  it("GIVEN the right code THEN none of the user's rows remain in any table, and another user's are all kept", async () => {
    const who = newAccount('doomed');
    const doomed = await userWithDataEverywhere(app(), who);
    const bystander = await userWithDataEverywhere(app(), newAccount('bystander'));
    const before = await rowsOf(app().db, bystander);
    for (const [table, n] of Object.entries(await rowsOf(app().db, doomed)))
      expect(n, table).toBeGreaterThan(0);

    const result = await app().run(`/forget confirm:${codeOf(await app().run('/forget', who))}`, who);
    await app().flushAudit();

    expect(result.outcome, textOf(result)).toBe('ok');
    expect(result.reply.title).toBe('Erased');
    for (const [table, n] of Object.entries(await rowsOf(app().db, doomed))) expect(n, table).toBe(0);
    expect(await rowsOf(app().db, bystander)).toEqual(before);
  });

  it("GIVEN an erasure queued in the same audit batch as another user's command THEN both are audited, the erased one without a user", async () => {
    const who = newAccount('doomed');
    const bystander = newAccount('bystander');
    const bystanderId = userOf(await app().run('/mood 5', bystander));
    await app().run('/mood 5', who);
    const code = codeOf(await app().run('/forget', who));
    await app().flushAudit();
    const before = await rowsOf(app().db, bystanderId);

    await app().run('/help', newAccount('other'));
    await app().run(`/forget confirm:${code}`, who);
    await app().run('/history', bystander);
    await app().flushAudit();

    expect((await rowsOf(app().db, bystanderId)).audit_log).toBe((before.audit_log ?? 0) + 1);
    const [erasure] = await listAudit(app().db, { action: 'forget', limit: 1 });
    expect(erasure).toMatchObject({ userId: null, outcome: 'ok' });
  });

  it('GIVEN an erased user WHEN they use a command again THEN they start as a fresh, empty user', async () => {
    const who = newAccount();
    const erasedId = userOf(await app().run('/mood 5', who));
    await app().run(`/forget confirm:${codeOf(await app().run('/forget', who))}`, who);

    const result = await app().run('/history', who);

    expect(userOf(result)).not.toBe(erasedId);
    expect(result.reply.text).toBe('No moods logged in this period yet. Log one with `/mood 6 tired`.');
  });

  describe('on a fixed clock', () => {
    const clock = fixedClock('2026-03-15T12:00:00Z');
    const timed = useApp(getDb, { clock });

    it('GIVEN a code 11 minutes old THEN it is refused as expired and nothing is erased', async () => {
      const who = newAccount();
      const userId = userOf(await timed().run('/mood 5', who));
      const code = codeOf(await timed().run('/forget', who));
      clock.advance(11 * 60_000);

      const result = await timed().run(`/forget confirm:${code}`, who);

      expect(result.outcome).toBe('user_error');
      expect(result.reply.text).toContain('wrong or has expired');
      expect(await countEntries(timed().db, userId)).toBe(1);
    });

    it('GIVEN a code 4 minutes old THEN it still erases', async () => {
      const who = newAccount();
      const userId = userOf(await timed().run('/mood 5', who));
      const code = codeOf(await timed().run('/forget', who));
      clock.advance(4 * 60_000);

      const result = await timed().run(`/forget confirm:${code}`, who);

      expect(result.outcome).toBe('ok');
      expect(await countEntries(timed().db, userId)).toBe(0);
    });
  });
});
