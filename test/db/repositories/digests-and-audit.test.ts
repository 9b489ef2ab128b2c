import { expect, it } from 'vitest';
import { listAudit, recordAudit, safeAuditDetails } from '../../../src/db/repositories/audit-log.js';
import { findDigestDelivery, finishDigests } from '../../../src/db/repositories/digest-deliveries.js';
import { deleteUser } from '../../../src/db/repositories/users.js';
import { claimOneDigest } from '../../support/digest-claims.js';
import { newUser } from '../../support/fixtures.js';
import { describeEachDatabase } from '../../support/test-database.js';

const PERIOD = '2026-W48';
const t0 = new Date('2026-11-23T09:00:00Z');
const later = (ms: number) => new Date(t0.getTime() + ms);

// Batches of users, the claim race between instances, renewal, release and every ending at once are in
// digest-batch-claims.test.ts; these are the terms of one user's claim.
describeEachDatabase('digest deliveries repository', (getDb) => {
  const claim = (userId: number, claimedBy: string, now = t0, period = PERIOD) =>
    claimOneDigest(getDb().db, { userId, period, claimedBy, leaseMs: 60_000, now });

  it('GIVEN an unclaimed digest THEN the first claim wins and a second claimer gets nothing', async () => {
    const { db } = getDb();
    const user = await newUser(db);
    const first = await claim(user.id, 'a');
    expect(first).toMatchObject({ userId: user.id, attempts: 1 });
    expect(await findDigestDelivery(db, user.id, PERIOD)).toMatchObject({
      id: first?.id,
      status: 'claimed',
      claimedBy: 'a',
      attempts: 1,
    });
    expect(await claim(user.id, 'b')).toBeUndefined();
  });

  it('GIVEN many claimers at once THEN exactly one gets the claim', async () => {
    const user = await newUser(getDb().db);
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => claim(user.id, `c${i}`)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('GIVEN a claim whose lease expired (its process died) THEN another claimer takes it over', async () => {
    const { db } = getDb();
    const user = await newUser(db);
    const stale = await claim(user.id, 'dead');
    const taken = await claim(user.id, 'alive', later(61_000));
    expect(taken).toMatchObject({ id: stale?.id, attempts: 2 });
    expect((await findDigestDelivery(db, user.id, PERIOD))?.claimedBy).toBe('alive');
    expect(await finishDigests(db, [{ ...stale!, status: 'sent' }], 'dead', later(62_000))).toEqual(
      new Set(),
    );
    expect(await finishDigests(db, [{ ...taken!, status: 'sent' }], 'alive', later(62_000))).toEqual(
      new Set([taken!.id]),
    );
  });

  it('GIVEN a failed digest THEN it is retried until the attempts run out', async () => {
    const { db } = getDb();
    const user = await newUser(db);
    const fail = (c: Awaited<ReturnType<typeof claim>>) =>
      finishDigests(db, [{ ...c!, status: 'failed', reason: 'network' }], 'a', t0);
    let c = await claim(user.id, 'a');
    await fail(c);
    c = await claim(user.id, 'a');
    expect(c?.attempts).toBe(2);
    await fail(c);
    c = await claim(user.id, 'a');
    expect(c?.attempts).toBe(3);
    await fail(c);
    expect(await claim(user.id, 'a')).toBeUndefined();
    expect(await findDigestDelivery(db, user.id, PERIOD)).toMatchObject({
      status: 'failed',
      attempts: 3,
      lastError: 'network',
    });
  });

  it('GIVEN two periods THEN each is claimed independently', async () => {
    const user = await newUser(getDb().db);
    expect(await claim(user.id, 'a', t0, '2026-W48')).toBeDefined();
    expect(await claim(user.id, 'a', t0, '2026-W49')).toBeDefined();
  });
});

describeEachDatabase('audit log repository', (getDb) => {
  it('GIVEN an action THEN it is recorded with who, what, where and the outcome', async () => {
    const { db } = getDb();
    const user = await newUser(db);
    await recordAudit(db, {
      userId: user.id,
      platform: 'console',
      action: 'mood',
      outcome: 'ok',
      details: { score: 6 },
    });
    const [entry] = await listAudit(db, { userId: user.id });
    expect(entry).toMatchObject({
      userId: user.id,
      platform: 'console',
      action: 'mood',
      outcome: 'ok',
      details: { score: 6 },
    });
    expect(entry?.createdAt).toBeInstanceOf(Date);
  });

  it('GIVEN details that could carry note text or secrets THEN those keys are never stored', async () => {
    const { db } = getDb();
    const user = await newUser(db);
    await recordAudit(db, {
      userId: user.id,
      platform: 'slack',
      action: 'mood',
      outcome: 'ok',
      details: { note: 'my secret diary', notes: 'x', text: 'y', accessToken: 'z', emotions: 2 },
    });
    const [entry] = await listAudit(db, { userId: user.id });
    expect(entry?.details).toEqual({ emotions: 2 });
    expect(JSON.stringify(entry)).not.toContain('diary');
  });

  it('GIVEN no user (an anonymous failure) THEN the entry is still recorded', async () => {
    const { db } = getDb();
    await recordAudit(db, {
      userId: null,
      platform: 'discord',
      action: 'unknown-command',
      outcome: 'user_error',
    });
    expect((await listAudit(db, { action: 'unknown-command' })).length).toBeGreaterThan(0);
  });

  it('GIVEN an entry of a user erased before it is written THEN it is kept without their id', async () => {
    const { db } = getDb();
    const user = await newUser(db, 'audit-erased');
    await deleteUser(db, user.id);
    await recordAudit(db, { userId: user.id, platform: 'slack', action: 'late-erased', outcome: 'ok' });
    const [entry] = await listAudit(db, { action: 'late-erased' });
    expect(entry?.userId).toBeNull();
  });

  it("GIVEN a user's audit rows WHEN the user is deleted THEN their rows go and others' stay", async () => {
    const { db } = getDb();
    const [doomed, bystander] = [await newUser(db, 'audit-doomed'), await newUser(db, 'audit-bystander')];
    for (const u of [doomed, bystander])
      await recordAudit(db, { userId: u.id, platform: 'console', action: 'mood', outcome: 'ok' });
    await deleteUser(db, doomed.id);
    expect(await listAudit(db, { userId: doomed.id })).toEqual([]);
    expect(await listAudit(db, { userId: bystander.id })).toHaveLength(1);
  });

  it('GIVEN long values THEN they are cut to 200 characters', () => {
    expect(safeAuditDetails({ reason: 'r'.repeat(500) })?.reason).toHaveLength(200);
  });
});
