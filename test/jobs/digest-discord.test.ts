import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.js';
import { findDigestDelivery } from '../../src/db/repositories/digest-deliveries.js';
import { getUserSettings } from '../../src/db/repositories/user-settings.js';
import { createSendDirect, type SendDirect } from '../../src/platforms/direct-messages.js';
import {
  type DiscordHarness,
  messageOfRequest,
  startDiscord,
  textOfMessage,
} from '../platforms/discord/discord-harness.js';
import { claimOneDigest } from '../support/digest-claims.js';
import { queryRows } from '../support/query-rows.js';
import { describeEachDatabase } from '../support/test-database.js';
import { activeWeek, digestUser, inspectPng, MONDAY_0900, runnerFor } from './digest-support.js';

const PERIOD = '2026-W47';
let discordSerial = 0;
const discordId = () =>
  `${900_000_000_000_000_000n + BigInt(++discordSerial * 7919 + Math.floor(Math.random() * 1000) * 100_000)}`;

describeEachDatabase('the weekly digest on Discord', (getDb) => {
  let h: DiscordHarness;
  let sendDirect: SendDirect;

  beforeAll(async () => {
    const db = getDb().db;
    h = await startDiscord(db, {
      adapter: {
        dmIntervalMs: 0,
        // As the app wires it: a refusal is recorded on the user's settings.
        onDirectMessageBlocked: (id) =>
          h.app.services.settings.markDirectMessagesBlocked({
            platform: 'discord',
            workspaceId: '',
            externalUserId: id,
          }),
      },
    });
    sendDirect = createSendDirect({ discord: h.adapter }, () => Promise.resolve());
  });
  afterAll(async () => {
    await h?.stop();
  });

  /** DMs the fake accepted for a Discord user. */
  const delivered = (id: string) => h.fake.directMessagesTo(id).filter((r) => r.status === 200);

  it('GIVEN a user with a week of moods and music THEN one DM arrives with the text, the button and the chart PNG', async () => {
    const db = getDb().db;
    const id = discordId();
    const userId = await digestUser(db, { discord: id, ...activeWeek() });
    const { runner } = runnerFor(db, sendDirect);
    const summary = await runner.runWeek(PERIOD, { userIds: [userId] });
    expect(summary.sent).toBe(1);

    const [dm] = delivered(id);
    expect(delivered(id)).toHaveLength(1);
    const text = textOfMessage(messageOfRequest(dm!));
    expect(text).toContain('Average mood 6.5 over 4 entries');
    expect(text).toContain('Up 2.5 from last week');
    expect(text).toContain('tired (2)');
    expect(text).toContain('/settings digest off');
    expect(JSON.stringify(dm!.body)).toContain('/settings digest off');
    const png = dm!.files.find((f) => f.name === 'mood-week-2026-W47.png');
    expect(png).toBeDefined();
    expect(inspectPng(png!.data).width).toBe(640);

    expect((await findDigestDelivery(db, userId, PERIOD))?.status).toBe('sent');
    const insights = await queryRows<{ n: number }>(
      db,
      sql`SELECT count(*)::int AS n FROM personality_insights WHERE user_id = ${userId}`,
    );
    expect(insights[0]?.n).toBe(1);
  });

  it('GIVEN the catalogue has other tracks THEN three recommendations are stored with the week’s latest entry', async () => {
    const db = getDb().db;
    // Tracks shared by someone else make the catalogue the recommendations come from.
    await digestUser(db, {
      music: [
        ['2026-10-01T10:00:00Z', 0.7, 0.6],
        ['2026-10-01T10:00:00Z', 0.6, 0.5],
        ['2026-10-01T10:00:00Z', 0.2, 0.3],
        ['2026-10-01T10:00:00Z', 0.9, 0.8],
      ],
    });
    const id = discordId();
    const userId = await digestUser(db, { discord: id, ...activeWeek() });
    await runnerFor(db, sendDirect).runner.runWeek(PERIOD, { userIds: [userId] });
    const rows = await queryRows<{ mood_entry_id: number | null; reason: string; spotify_track_id: string }>(
      db,
      sql`SELECT mood_entry_id, reason, spotify_track_id FROM recommendations WHERE user_id = ${userId}`,
    );
    expect(rows).toHaveLength(3);
    const latest = await queryRows<{ id: number }>(
      db,
      sql`SELECT id FROM mood_entries WHERE user_id = ${userId} ORDER BY created_at DESC LIMIT 1`,
    );
    expect(rows.every((r) => r.mood_entry_id === latest[0]?.id)).toBe(true);
    // Never a track the user shared that week.
    const own = await queryRows<{ spotify_track_id: string }>(
      db,
      sql`SELECT spotify_track_id FROM music_analysis WHERE user_id = ${userId}`,
    );
    expect(rows.some((r) => own.some((o) => o.spotify_track_id === r.spotify_track_id))).toBe(false);
    expect(textOfMessage(messageOfRequest(delivered(id)[0]!))).toContain(rows[0]!.spotify_track_id);
  });

  it('GIVEN an opted-out user THEN nothing is sent and nothing is claimed', async () => {
    const db = getDb().db;
    const id = discordId();
    const userId = await digestUser(db, { discord: id, settings: { digestEnabled: false }, ...activeWeek() });
    const summary = await runnerFor(db, sendDirect).runner.runDue(new Date(MONDAY_0900));
    expect(h.fake.directMessagesTo(id)).toHaveLength(0);
    expect(await findDigestDelivery(db, userId, PERIOD)).toBeUndefined();
    expect(summary.users).toBeGreaterThan(0);
  });

  it('GIVEN a user whose DMs were refused before (dm_blocked_at) THEN no DM is attempted and the week is marked skipped', async () => {
    const db = getDb().db;
    const id = discordId();
    const userId = await digestUser(db, {
      discord: id,
      settings: { dmBlockedAt: new Date() },
      ...activeWeek(),
    });
    await runnerFor(db, sendDirect).runner.runWeek(PERIOD, { userIds: [userId] });
    expect(h.fake.directMessagesTo(id)).toHaveLength(0);
    expect(await findDigestDelivery(db, userId, PERIOD)).toMatchObject({ status: 'skipped' });
  });

  it('GIVEN Discord answers 50007 (DMs closed) THEN the week is marked skipped, the user is marked blocked, and a rerun sends nothing', async () => {
    const db = getDb().db;
    const id = discordId();
    h.fake.blockDirectMessages(id);
    const userId = await digestUser(db, { discord: id, ...activeWeek() });
    const { runner, outcomes } = runnerFor(db, sendDirect);
    await runner.runWeek(PERIOD, { userIds: [userId] });
    expect(outcomes).toEqual([
      { userId, period: PERIOD, result: 'skipped', reason: 'direct messages refused' },
    ]);
    expect(await findDigestDelivery(db, userId, PERIOD)).toMatchObject({ status: 'skipped' });
    expect((await getUserSettings(db, userId)).dmBlockedAt).not.toBeNull();
    const attempts = h.fake.directMessagesTo(id).length;
    await runner.runWeek(PERIOD, { userIds: [userId] });
    expect(h.fake.directMessagesTo(id)).toHaveLength(attempts);
  });

  it('GIVEN a quiet week after an active one THEN one short nudge; a second quiet week THEN nothing', async () => {
    const db = getDb().db;
    const id = discordId();
    const userId = await digestUser(db, { discord: id, moods: [['2026-11-10T12:00:00Z', 6, []]] });
    const { runner } = runnerFor(db, sendDirect);
    expect((await runner.runWeek(PERIOD, { userIds: [userId] })).nudged).toBe(1);
    const [nudge] = delivered(id);
    const text = textOfMessage(messageOfRequest(nudge!));
    expect(text).toContain('No moods logged last week');
    expect(nudge!.files).toHaveLength(0);
    const summary = await runner.runWeek('2026-W48', { userIds: [userId] });
    expect(summary.skipped).toBe(1);
    expect(delivered(id)).toHaveLength(1);
    expect(await findDigestDelivery(db, userId, '2026-W48')).toMatchObject({ status: 'skipped' });
  });

  it('GIVEN two scheduler instances on one database running at once THEN each digest is delivered exactly once', async () => {
    const db = getDb().db;
    const ids = Array.from({ length: 6 }, discordId);
    const userIds: number[] = [];
    for (const id of ids) userIds.push(await digestUser(db, { discord: id, ...activeWeek() }));
    const a = runnerFor(db, sendDirect, { instanceId: 'instance-a', batchSize: 2 });
    const b = runnerFor(db, sendDirect, { instanceId: 'instance-b', batchSize: 2 });
    const now = new Date(MONDAY_0900);
    await Promise.all([a.runner.runDue(now), b.runner.runDue(now), a.runner.runDue(now)]);
    for (const id of ids) expect(delivered(id)).toHaveLength(1);
    const mine = [...a.outcomes, ...b.outcomes].filter((o) => userIds.includes(o.userId));
    expect(mine.filter((o) => o.result === 'sent')).toHaveLength(ids.length);
    for (const userId of userIds) expect((await findDigestDelivery(db, userId, PERIOD))?.status).toBe('sent');
  });

  it('GIVEN a claim left by a dead instance WHEN its lease runs out THEN another instance sends it, once', async () => {
    const db = getDb().db;
    const id = discordId();
    const userId = await digestUser(db, { discord: id, ...activeWeek() });
    const claimedAt = new Date(MONDAY_0900);
    await claimOneDigest(db, { userId, period: PERIOD, claimedBy: 'dead', leaseMs: 60_000, now: claimedAt });

    const clock = fixedClock(claimedAt);
    const { runner } = runnerFor(db, sendDirect, { clock, instanceId: 'survivor' });
    await runner.runWeek(PERIOD, { userIds: [userId] });
    expect(delivered(id)).toHaveLength(0);

    clock.advance(61_000);
    await runner.runWeek(PERIOD, { userIds: [userId] });
    await runner.runWeek(PERIOD, { userIds: [userId] });
    expect(delivered(id)).toHaveLength(1);
    expect(await findDigestDelivery(db, userId, PERIOD)).toMatchObject({
      status: 'sent',
      claimedBy: 'survivor',
      attempts: 2,
    });
  });

  it('GIVEN the model enrichment fails (timeout, 429, malformed answer) THEN the local insight is used and the digest still goes out', async () => {
    const db = getDb().db;
    const failures = [
      () => new Promise<never>(() => {}),
      () => Promise.reject(Object.assign(new Error('429 Too Many Requests'), { status: 429 })),
      () => Promise.reject(new SyntaxError('Unexpected token } in JSON')),
    ];
    for (const fail of failures) {
      const id = discordId();
      const userId = await digestUser(db, { discord: id, ...activeWeek() });
      const { runner } = runnerFor(db, sendDirect, { enrich: { insight: fail }, enrichTimeoutMs: 50 });
      expect((await runner.runWeek(PERIOD, { userIds: [userId] })).sent).toBe(1);
      expect(textOfMessage(messageOfRequest(delivered(id)[0]!))).toContain('Your music DNA');
    }
  });

  it('GIVEN the model enrichment answers THEN its music DNA and suggestion are sent and stored', async () => {
    const db = getDb().db;
    const id = discordId();
    const userId = await digestUser(db, { discord: id, ...activeWeek() });
    const asked: string[] = [];
    const enrich = {
      insight: async (digest: { period: string }, context: { timeZone: string }) => {
        asked.push(`${digest.period} ${context.timeZone}`);
        return { musicDna: 'A night owl of melancholy synths.', suggestion: 'Try one new album.' };
      },
    };
    await runnerFor(db, sendDirect, { enrich }).runner.runWeek(PERIOD, { userIds: [userId] });
    expect(textOfMessage(messageOfRequest(delivered(id)[0]!))).toContain('A night owl of melancholy synths.');
    const rows = await queryRows<{ ai_suggestion: string }>(
      db,
      sql`SELECT ai_suggestion FROM personality_insights WHERE user_id = ${userId}`,
    );
    expect(rows.map((r) => r.ai_suggestion)).toEqual(['Try one new album.']);
    expect(asked).toEqual(['2026-W47 UTC']);
  });

  it('GIVEN a dry run (preview) THEN digests are computed but nothing is claimed, sent or stored', async () => {
    const db = getDb().db;
    const id = discordId();
    const userId = await digestUser(db, { discord: id, ...activeWeek() });
    const seen: string[] = [];
    const { runner } = runnerFor(db, sendDirect);
    const result = await runner.preview(PERIOD, { userIds: [userId], visit: (d) => void seen.push(d.kind) });
    expect(result).toEqual({ users: 1, digests: 1 });
    expect(seen).toEqual(['digest']);
    expect(h.fake.directMessagesTo(id)).toHaveLength(0);
    expect(await findDigestDelivery(db, userId, PERIOD)).toBeUndefined();
  });
});

describe('console only', () => {
  it('GIVEN no chat platform runs THEN a run sends nothing and claims nothing', async () => {
    const { createTestDatabase } = await import('../support/test-database.js');
    const database = await createTestDatabase('pglite');
    try {
      const userId = await digestUser(database.db, { ...activeWeek() });
      const { runner } = runnerFor(database.db, () => Promise.resolve('failed'), { platforms: [] });
      const summary = await runner.runDue(new Date(MONDAY_0900));
      expect(summary).toMatchObject({ users: 1, due: 0, sent: 0 });
      expect(await findDigestDelivery(database.db, userId, PERIOD)).toBeUndefined();
    } finally {
      await database.close();
    }
  });
});
