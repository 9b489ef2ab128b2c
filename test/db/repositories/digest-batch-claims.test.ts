import { expect, it } from 'vitest';
import {
  claimDigests,
  findDigestDelivery,
  finishDigests,
  releaseDigestClaims,
  renewDigestClaims,
} from '../../../src/db/repositories/digest-deliveries.js';
import { newUser } from '../../support/fixtures.js';
import { describeEachDatabase } from '../../support/test-database.js';

const PERIOD = '2026-W48';
const LEASE = 60_000;
const t0 = new Date('2026-11-30T09:00:00Z');
const later = (ms: number) => new Date(t0.getTime() + ms);

describeEachDatabase('digest claims by the batch', (getDb) => {
  const users = async (n: number) => {
    const ids: number[] = [];
    for (let i = 0; i < n; i++) ids.push((await newUser(getDb().db, 'batch-claim')).id);
    return ids;
  };
  const claimAll = (userIds: readonly number[], claimedBy: string, now = t0) =>
    claimDigests(getDb().db, userIds, PERIOD, { claimedBy, leaseMs: LEASE, now });

  it('GIVEN users nobody claimed THEN one statement claims them all, in user order, first attempt', async () => {
    const ids = await users(3);
    const won = await claimAll([...ids].reverse(), 'a');
    expect(won.map((c) => [c.userId, c.attempts])).toEqual(ids.map((id) => [id, 1]));
    const row = await findDigestDelivery(getDb().db, ids[0]!, PERIOD);
    expect(row).toMatchObject({ status: 'claimed', claimedBy: 'a', leaseExpiresAt: later(LEASE) });
  });

  it('GIVEN a batch mixing free, live-leased, expired, failed and sent digests THEN only the free, expired and failed ones are won', async () => {
    const { db } = getDb();
    const [free, live, expired, failed, sent] = await users(5);
    await claimAll([live!], 'other', later(30_000));
    await claimAll([expired!], 'dead', t0);
    const [toFail, toSend] = await claimAll([failed!, sent!], 'other', t0);
    expect([toFail?.userId, toSend?.userId]).toEqual([failed, sent]);
    await finishDigests(
      db,
      [
        { ...toFail!, status: 'failed', reason: 'platform down' },
        { ...toSend!, status: 'sent' },
      ],
      'other',
      t0,
    );

    const won = await claimAll([free!, live!, expired!, failed!, sent!], 'me', later(LEASE + 1));
    expect(won.map((c) => [c.userId, c.attempts])).toEqual([
      [free, 1],
      [expired, 2],
      [failed, 2],
    ]);
    expect((await findDigestDelivery(db, live!, PERIOD))?.claimedBy).toBe('other');
    expect((await findDigestDelivery(db, sent!, PERIOD))?.status).toBe('sent');
  });

  it('GIVEN two instances claiming the same batch at once THEN each user is won by exactly one of them', async () => {
    const ids = await users(40);
    const [a, b] = await Promise.all([claimAll(ids, 'a'), claimAll([...ids].reverse(), 'b')]);
    const winners = [...a, ...b].map((c) => c.userId).sort((x, y) => x - y);
    expect(winners).toEqual(ids);
  });

  it('GIVEN a renewal THEN the lease is extended and a claimer after the first lease’s end wins nothing', async () => {
    const { db } = getDb();
    const ids = await users(2);
    const won = await claimAll(ids, 'a');
    const still = await renewDigestClaims(db, won, 'a', later(LEASE + 40_000));
    expect(still).toEqual(new Set(won.map((c) => c.id)));
    expect(await claimAll(ids, 'b', later(LEASE + 1))).toEqual([]);
    expect((await claimAll(ids, 'b', later(LEASE + 40_001))).map((c) => c.userId)).toEqual(ids);
  });

  it('GIVEN a claim taken over, even by the same instance id, THEN the old claim can neither renew nor end it', async () => {
    const { db } = getDb();
    const [id] = await users(1);
    const [old] = await claimAll([id!], 'a');
    const [taken] = await claimAll([id!], 'a', later(LEASE + 1));
    expect(taken?.attempts).toBe(2);
    expect(await renewDigestClaims(db, [old!], 'a', later(10 * LEASE))).toEqual(new Set());
    expect(await finishDigests(db, [{ ...old!, status: 'sent' }], 'a', later(LEASE + 2))).toEqual(new Set());
    expect(await findDigestDelivery(db, id!, PERIOD)).toMatchObject({ status: 'claimed', attempts: 2 });
    expect(await finishDigests(db, [{ ...taken!, status: 'sent' }], 'a', later(LEASE + 3))).toEqual(
      new Set([taken!.id]),
    );
  });

  it('GIVEN endings of every kind in one statement THEN each row ends by its own kind', async () => {
    const { db } = getDb();
    const [s, k, f] = await users(3);
    const [cs, ck, cf] = await claimAll([s!, k!, f!], 'a');
    const written = await finishDigests(
      db,
      [
        { ...cs!, status: 'sent' },
        { ...ck!, status: 'skipped', reason: 'no entries' },
        { ...cf!, status: 'failed', reason: 'x'.repeat(600) },
      ],
      'a',
      later(5000),
    );
    expect(written).toEqual(new Set([cs!.id, ck!.id, cf!.id]));
    expect(await findDigestDelivery(db, s!, PERIOD)).toMatchObject({
      status: 'sent',
      sentAt: later(5000),
      lastError: null,
      leaseExpiresAt: null,
    });
    expect(await findDigestDelivery(db, k!, PERIOD)).toMatchObject({
      status: 'skipped',
      lastError: 'no entries',
    });
    const failedRow = await findDigestDelivery(db, f!, PERIOD);
    expect(failedRow).toMatchObject({ status: 'failed', sentAt: null, leaseExpiresAt: null });
    expect(failedRow?.lastError).toHaveLength(500);
    // The failure is retried by the next claim; the sent and skipped ones never are.
    expect((await claimAll([s!, k!, f!], 'b', later(6000))).map((c) => c.userId)).toEqual([f]);
  });

  it('GIVEN claims given back untried THEN the next claimer takes them at once, without spending an attempt', async () => {
    const { db } = getDb();
    const ids = await users(2);
    const won = await claimAll(ids, 'a');
    await releaseDigestClaims(db, won, 'a', later(1000));
    const again = await claimAll(ids, 'b', later(1000));
    expect(again.map((c) => [c.userId, c.attempts])).toEqual(ids.map((id) => [id, 1]));
  });
});
