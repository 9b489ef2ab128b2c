import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.js';
import type { Db } from '../../src/db/database.js';
import type { DirectMessageResult, SendDirect } from '../../src/services/direct-messages.js';
import { queryRows } from '../support/query-rows.js';
import { describeEachDatabase } from '../support/test-database.js';
import { activeWeek, digestUser, MONDAY_0900, runnerFor } from './digest-support.js';

const PERIOD = '2026-W47';
const LEASE_MS = 60_000;
let serial = 0;

/** Users with a week to digest, each on Discord under an id of its own. */
async function digestUsers(db: Db, n: number): Promise<{ userIds: number[]; accounts: string[] }> {
  const userIds: number[] = [];
  const accounts: string[] = [];
  for (let i = 0; i < n; i++) {
    const account = `${800_000_000_000_000_000n + BigInt(++serial) * 7919n + BigInt(process.pid)}`;
    accounts.push(account);
    userIds.push(await digestUser(db, { discord: account, ...activeWeek() }));
  }
  return { userIds, accounts };
}

/** A platform stand-in that records which account each DM went to, after `pause`. */
function recorder(pause: (account: string) => Promise<DirectMessageResult | undefined> = async () => 'sent') {
  const to: string[] = [];
  const send: SendDirect = async (target) => {
    const result = (await pause(target.externalUserId)) ?? 'sent';
    if (result === 'sent') to.push(target.externalUserId);
    return result;
  };
  return { send, to };
}

async function rowsOf(db: Db, userIds: readonly number[]) {
  return queryRows<{ user_id: number; status: string; claimed_by: string; attempts: number }>(
    db,
    sql`SELECT user_id, status, claimed_by, attempts FROM digest_deliveries
         WHERE period = ${PERIOD} AND user_id = ANY(${`{${userIds.join(',')}}`}::int[]) ORDER BY user_id`,
  );
}

const countOf = (list: readonly string[], item: string) => list.filter((x) => x === item).length;

describeEachDatabase('the weekly digest across instances', (getDb) => {
  it('GIVEN two instances running one week at once THEN they split the users with no overlap and each digest is delivered once', async () => {
    const db = getDb().db;
    const { userIds, accounts } = await digestUsers(db, 12);
    const a = recorder(() => sleep(10).then(() => 'sent'));
    const b = recorder(() => sleep(10).then(() => 'sent'));
    const runA = runnerFor(db, a.send, { instanceId: 'instance-a', batchSize: 3 });
    const runB = runnerFor(db, b.send, { instanceId: 'instance-b', batchSize: 3 });
    const [sa, sb] = await Promise.all([
      runA.runner.runWeek(PERIOD, { userIds }),
      runB.runner.runWeek(PERIOD, { userIds }),
    ]);

    for (const account of accounts) expect(countOf([...a.to, ...b.to], account)).toBe(1);
    expect(a.to.length).toBeGreaterThan(0);
    expect(b.to.length).toBeGreaterThan(0);
    expect(sa.sent + sb.sent).toBe(12);
    // No user is sent by both; what one instance left as taken (neither computed nor sent), the other sent.
    const sentBy = (outcomes: typeof runA.outcomes) =>
      new Set(outcomes.filter((o) => o.result === 'sent').map((o) => o.userId));
    const takenBy = (outcomes: typeof runA.outcomes) =>
      outcomes.filter((o) => o.result === 'taken').map((o) => o.userId);
    const [sentA, sentB] = [sentBy(runA.outcomes), sentBy(runB.outcomes)];
    expect([...sentA].filter((id) => sentB.has(id))).toEqual([]);
    expect(takenBy(runA.outcomes).every((id) => sentB.has(id))).toBe(true);
    expect(takenBy(runB.outcomes).every((id) => sentA.has(id))).toBe(true);
    for (const row of await rowsOf(db, userIds)) {
      expect(row.status).toBe('sent');
      expect(row.claimed_by).toBe(sentA.has(row.user_id) ? 'instance-a' : 'instance-b');
    }
  });

  it('GIVEN an instance that claimed a batch and died mid-send WHEN its lease has run out THEN the other instance takes the batch over and delivers each digest once', async () => {
    const db = getDb().db;
    const { userIds, accounts } = await digestUsers(db, 4);
    const clock = fixedClock(MONDAY_0900);
    let unfreeze: (result: DirectMessageResult) => void = () => {};
    let calls = 0;
    // The first instance hangs in its first send, as a process that died there would: it never ends a claim.
    const dead = recorder(() => {
      calls++;
      return new Promise((resolve) => {
        unfreeze = resolve;
      });
    });
    const first = runnerFor(db, dead.send, { instanceId: 'dies', clock, leaseMs: LEASE_MS, batchSize: 4 });
    const hung = first.runner.runWeek(PERIOD, { userIds });
    while (calls === 0) await sleep(5);
    expect((await rowsOf(db, userIds)).map((r) => r.claimed_by)).toEqual(Array(4).fill('dies'));

    const survivor = recorder();
    const second = runnerFor(db, survivor.send, { instanceId: 'survives', clock, leaseMs: LEASE_MS });
    expect((await second.runner.runWeek(PERIOD, { userIds })).sent).toBe(0);
    clock.advance(LEASE_MS + 1000);
    expect((await second.runner.runWeek(PERIOD, { userIds })).sent).toBe(4);

    expect(survivor.to.sort()).toEqual([...accounts].sort());
    expect(await rowsOf(db, userIds)).toEqual(
      userIds.map((id) => ({ user_id: id, status: 'sent', claimed_by: 'survives', attempts: 2 })),
    );
    // Woken after all (a stalled process, not a dead one), the first instance sends nothing more and
    // changes no row: its claims were taken over.
    unfreeze('failed');
    await hung;
    expect(calls).toBe(1);
    expect((await rowsOf(db, userIds)).every((r) => r.status === 'sent' && r.claimed_by === 'survives')).toBe(
      true,
    );
  });

  it('GIVEN a batch whose sending outlasts the lease THEN renewals keep it, and another instance finds nothing to take over', async () => {
    const db = getDb().db;
    const { userIds, accounts } = await digestUsers(db, 5);
    const clock = fixedClock(MONDAY_0900);
    const other = recorder();
    const second = runnerFor(db, other.send, { instanceId: 'second', clock, leaseMs: LEASE_MS });
    let secondRun: Awaited<ReturnType<typeof second.runner.runWeek>> | undefined;
    let sends = 0;
    // Each DM takes 25 s: the five take 125 s, twice the lease. At the fourth, 75 s after the claim (the
    // first lease ended at 60 s), the other instance runs the same week.
    const slow = recorder(async () => {
      if (++sends === 4) secondRun = await second.runner.runWeek(PERIOD, { userIds });
      clock.advance(25_000);
      return 'sent';
    });
    const first = runnerFor(db, slow.send, { instanceId: 'first', clock, leaseMs: LEASE_MS, batchSize: 5 });
    expect((await first.runner.runWeek(PERIOD, { userIds })).sent).toBe(5);

    expect(secondRun?.sent).toBe(0);
    expect(other.to).toEqual([]);
    expect(slow.to).toEqual(accounts);
    expect(await rowsOf(db, userIds)).toEqual(
      userIds.map((id) => ({ user_id: id, status: 'sent', claimed_by: 'first', attempts: 1 })),
    );
  });

  it('GIVEN a run stopped mid-batch THEN its untried claims are given back, and another instance sends them at once on their first attempt', async () => {
    const db = getDb().db;
    const { userIds, accounts } = await digestUsers(db, 4);
    const clock = fixedClock(MONDAY_0900);
    const stop = new AbortController();
    const stopping = recorder(async () => {
      stop.abort();
      return 'sent';
    });
    const first = runnerFor(db, stopping.send, { instanceId: 'stops', clock, batchSize: 4 });
    await first.runner.runWeek(PERIOD, { userIds, signal: stop.signal });
    expect(stopping.to).toEqual([accounts[0]]);

    // The same instant: the lease of the given-back claims has ended already.
    const next = recorder();
    const second = runnerFor(db, next.send, { instanceId: 'next', clock });
    expect((await second.runner.runWeek(PERIOD, { userIds })).sent).toBe(3);
    expect(next.to).toEqual(accounts.slice(1));
    expect((await rowsOf(db, userIds)).map((r) => r.attempts)).toEqual([1, 1, 1, 1]);
  });
});
