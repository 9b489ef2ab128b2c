import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import type { Db } from '../../src/db/database.js';
import { recordAudit } from '../../src/db/repositories/audit-log.js';
import { enableChannelDigest } from '../../src/db/repositories/channel-digest-channels.js';
import { recordChannelShare } from '../../src/db/repositories/channel-track-shares.js';
import { noteWorkspaceMember } from '../../src/db/repositories/channel-vibe.js';
import { attachIdentity } from '../../src/db/repositories/chat-identities.js';
import {
  claimCheckinPrompt,
  linkPromptAnswer,
  saveCheckinSchedule,
} from '../../src/db/repositories/checkins.js';
import { insertPendingImport } from '../../src/db/repositories/imports.js';
import { insertLinkCode } from '../../src/db/repositories/link-codes.js';
import { insertMusicAnalysis } from '../../src/db/repositories/music-analysis.js';
import { insertPersonalityInsight } from '../../src/db/repositories/personality-insights.js';
import { commandCounterKey } from '../../src/db/repositories/rate-limits.js';
import { insertRecommendations } from '../../src/db/repositories/recommendations.js';
import { updateUserSettings } from '../../src/db/repositories/user-settings.js';
import { deleteUser } from '../../src/db/repositories/users.js';
import { claimOneDigest } from '../support/digest-claims.js';
import { newUser } from '../support/fixtures.js';
import { insertMoodEntry } from '../support/mood-entries.js';
import { queryRows } from '../support/query-rows.js';
import { describeEachDatabase } from '../support/test-database.js';

/** Every table with a user_id column, read from the catalogue so a new table cannot be forgotten. */
async function userTables(db: Db): Promise<string[]> {
  const rows = await queryRows<{ table_name: string }>(
    db,
    sql`SELECT table_name FROM information_schema.columns
         WHERE table_schema = 'public' AND column_name = 'user_id' ORDER BY 1`,
  );
  return rows.map((r) => r.table_name);
}

async function rowsOf(db: Db, table: string, userId: number): Promise<number> {
  const [row] = await queryRows<{ n: number }>(
    db,
    sql`SELECT count(*)::int AS n FROM ${sql.identifier(table)} WHERE user_id = ${userId}`,
  );
  return row?.n ?? 0;
}

async function userWithDataEverywhere(db: Db, tag: string) {
  const user = await newUser(db, tag);
  const entry = await insertMoodEntry(db, { userId: user.id, moodScore: 5, notes: `${tag} note` });
  const shared = await insertMusicAnalysis(db, {
    userId: user.id,
    spotifyTrackId: `${tag}-t`,
    trackName: 't',
    artistName: 'a',
  });
  const channel = { platform: 'discord' as const, workspaceId: `g-${tag}`, channelId: `c-${tag}-${user.id}` };
  await recordChannelShare(db, shared.id, channel);
  await enableChannelDigest(db, channel, user.id);
  await noteWorkspaceMember(db, user.id, 'discord', `g-${tag}`, new Date());
  await insertRecommendations(db, [
    { userId: user.id, moodEntryId: entry.id, spotifyTrackId: `${tag}-r`, trackName: 'r', artistName: 'a' },
  ]);
  await insertPersonalityInsight(db, { userId: user.id, musicDna: 'dna' });
  await attachIdentity(
    db,
    { platform: 'console', workspaceId: '', externalUserId: `${tag}-${user.id}` },
    user.id,
  );
  await updateUserSettings(db, user.id, { timeZone: 'Asia/Tokyo' });
  await claimOneDigest(db, {
    userId: user.id,
    period: '2026-W48',
    claimedBy: 'x',
    leaseMs: 1000,
    now: new Date(),
  });
  await saveCheckinSchedule(db, user.id, { enabled: true, times: [540] }, new Date());
  const prompt = await claimCheckinPrompt(db, {
    userId: user.id,
    slotAt: new Date('2026-03-10T09:00:00Z'),
    kind: 'prompt',
    claimedBy: 'x',
    leaseMs: 1000,
    now: new Date(),
  });
  await linkPromptAnswer(db, {
    userId: user.id,
    promptId: prompt!.id,
    moodEntryId: entry.id,
    at: new Date(),
  });
  await recordAudit(db, { userId: user.id, platform: 'console', action: 'mood', outcome: 'ok' });
  await insertLinkCode(db, user.id, `hash-${tag}-${user.id}`, new Date(Date.now() + 60_000));
  await insertPendingImport(db, {
    userId: user.id,
    fileName: 'daylio.csv',
    format: 'daylio',
    payload: 'enc:sealed',
    expiresAt: new Date(Date.now() + 60_000),
  });
  return user;
}

describeEachDatabase('erasing a user', (getDb) => {
  it('GIVEN a user with rows in every user table WHEN the user is deleted THEN none of theirs remain and others are untouched', async () => {
    const { db } = getDb();
    const tables = await userTables(db);
    const doomed = await userWithDataEverywhere(db, 'doomed');
    const bystander = await userWithDataEverywhere(db, 'bystander');
    for (const table of tables) expect(await rowsOf(db, table, doomed.id), table).toBeGreaterThan(0);

    await deleteUser(db, doomed.id);

    for (const table of tables) {
      expect(await rowsOf(db, table, doomed.id), table).toBe(0);
      expect(await rowsOf(db, table, bystander.id), table).toBeGreaterThan(0);
    }
  });

  it('GIVEN a user with a shared rate-limit counter and inbox rows WHEN erased THEN both are gone, and others are kept', async () => {
    const { db } = getDb();
    const [doomed, bystander] = [await newUser(db, 'limited'), await newUser(db, 'limited')];
    for (const user of [doomed, bystander]) {
      await db.execute(
        sql`INSERT INTO rate_limits (key, points, expire) VALUES (${commandCounterKey(user.id)}, 1, NULL)`,
      );
      const account = { platform: 'slack' as const, workspaceId: 'T1', externalUserId: `U-${user.id}` };
      await attachIdentity(db, account, user.id);
      await db.execute(
        sql`INSERT INTO inbox (delivery_key, platform, workspace_id, external_user_id, kind, command, status)
            VALUES (${`test:erase:${user.id}`}, 'slack', 'T1', ${`U-${user.id}`}, 'command', 'mood', 'done')`,
      );
    }
    await deleteUser(db, doomed.id);
    const count = async (table: 'rate_limits' | 'inbox', user: { id: number }) => {
      const where =
        table === 'rate_limits'
          ? sql`key = ${commandCounterKey(user.id)}`
          : sql`delivery_key = ${`test:erase:${user.id}`}`;
      const [row] = await queryRows<{ n: number }>(
        db,
        sql`SELECT count(*)::int AS n FROM ${sql.identifier(table)} WHERE ${where}`,
      );
      return row?.n ?? 0;
    };
    expect([await count('rate_limits', doomed), await count('inbox', doomed)]).toEqual([0, 0]);
    expect([await count('rate_limits', bystander), await count('inbox', bystander)]).toEqual([1, 1]);
  });

  it('THEN every foreign key to users cascades on delete, except who turned a channel post on (set to NULL)', async () => {
    const rows = await queryRows<{ conname: string; confdeltype: string }>(
      getDb().db,
      sql`SELECT conname, confdeltype FROM pg_constraint
           WHERE contype = 'f' AND confrelid = 'users'::regclass`,
    );
    expect(rows.length).toBeGreaterThanOrEqual(8);
    // A channel's weekly post is the channel's setting: erasing the admin who turned it on forgets the admin
    // and keeps the channel's choice (test/db/channel-digests.test.ts).
    const setNull = new Set(['channel_digest_channels_enabled_by_users_id_fk']);
    for (const row of rows) expect(row.confdeltype, row.conname).toBe(setNull.has(row.conname) ? 'n' : 'c');
  });

  it('GIVEN a user erased THEN no row anywhere still points at them (channel posts keep their switch, anonymously)', async () => {
    const { db } = getDb();
    const doomed = await userWithDataEverywhere(db, 'pointer');
    await deleteUser(db, doomed.id);
    const [row] = await queryRows<{ n: number }>(
      db,
      sql`SELECT count(*)::int AS n FROM channel_digest_channels WHERE enabled_by = ${doomed.id}`,
    );
    expect(row?.n).toBe(0);
    const [kept] = await queryRows<{ n: number }>(
      db,
      sql`SELECT count(*)::int AS n FROM channel_digest_channels WHERE channel_id = ${`c-pointer-${doomed.id}`}`,
    );
    expect(kept?.n).toBe(1);
  });
});
