import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../../src/core/clock.js';
import { silentLogger } from '../../../src/core/logger.js';
import type { Db } from '../../../src/db/database.js';
import type { DirectTarget } from '../../../src/db/repositories/digest-data.js';
import { buildDigest, type DigestData } from '../../../src/services/digest/build-digest.js';
import type { HeldBatch, HeldDigest } from '../../../src/services/digest/digest-claims.js';
import { digestMessageComposer } from '../../../src/services/digest/digest-messages.js';
import { type DigestOutcome, startTally } from '../../../src/services/digest/digest-outcomes.js';
import { createDigestSender, type DigestSenderDeps } from '../../../src/services/digest/digest-sender.js';
import type { DirectMessageResult } from '../../../src/services/direct-messages.js';

const PERIOD = '2026-W47';
const discord: DirectTarget = { platform: 'discord', workspaceId: '', externalUserId: 'd1' };
const slack: DirectTarget = { platform: 'slack', workspaceId: 'T1', externalUserId: 'U1' };

/** A quiet week after an active one: a nudge, which stores nothing after it is sent. */
const nudge = (userId: number): DigestData =>
  buildDigest({
    userId,
    period: PERIOD,
    moods: [{ userId, id: userId, day: '2026-11-10', score: 6, emotions: [] }],
    music: [],
    catalogue: [],
  });

/** A batch held in memory: which claims were kept for sending and how each ended. */
function memoryBatch(userIds: readonly number[], taken: readonly number[] = []) {
  const ended: Array<[number, string, string?]> = [];
  const kept: number[] = [];
  const held: HeldDigest[] = userIds.map((userId) => ({ id: userId, userId, period: PERIOD, attempts: 1 }));
  const batch: HeldBatch = {
    held,
    async keep(userId) {
      if (taken.includes(userId)) return 'lost';
      kept.push(userId);
      return held.find((h) => h.userId === userId)!;
    },
    end(h, end) {
      ended.push(end.status === 'sent' ? [h.userId, end.status] : [h.userId, end.status, end.reason]);
    },
    close: async () => {},
  };
  return { batch, held, kept, ended };
}

function senderWith(sendDirect: DigestSenderDeps['sendDirect'], onFailure?: (error: unknown) => void) {
  const log = silentLogger();
  return createDigestSender({
    db: {} as unknown as Db, // a nudge stores nothing: the database is never reached
    clock: fixedClock('2026-11-23T09:00:00Z'),
    log,
    compose: digestMessageComposer({ log, enrichTimeoutMs: 1000 }),
    sendDirect,
    onFailure,
  });
}

function tallied() {
  const outcomes: DigestOutcome[] = [];
  return { tally: startTally((o) => outcomes.push(o)), outcomes };
}

describe('sending a batch of digests', () => {
  it('GIVEN the signal aborts during the first send THEN the next digest is neither kept nor sent', async () => {
    const { batch, kept, ended } = memoryBatch([1, 2]);
    const abort = new AbortController();
    const sender = senderWith(async () => {
      abort.abort();
      return 'sent';
    });
    const { tally, outcomes } = tallied();
    await sender.sendAll(
      batch,
      [nudge(1), nudge(2)],
      () => ({ timeZone: 'UTC', targets: [discord] }),
      tally,
      abort.signal,
    );
    expect(kept).toEqual([1]);
    expect(ended).toEqual([[1, 'sent']]);
    expect(outcomes).toEqual([{ userId: 1, period: PERIOD, result: 'nudged' }]);
    expect(tally.summary).toMatchObject({ nudged: 1, sent: 0, failed: 0 });
  });

  it('GIVEN a send that throws THEN onFailure hears it, the claim is ended failed, and the next user is still sent', async () => {
    const { batch, ended } = memoryBatch([1, 2]);
    const failures: unknown[] = [];
    const sender = senderWith(
      async (to) => {
        if (to.externalUserId === 'broken') throw new Error('socket hang up');
        return 'sent';
      },
      (e) => failures.push(e),
    );
    const { tally, outcomes } = tallied();
    const targets = (userId: number) => [{ ...discord, externalUserId: userId === 1 ? 'broken' : 'fine' }];
    await sender.sendAll(
      batch,
      [nudge(1), nudge(2)],
      (userId) => ({ timeZone: 'UTC', targets: targets(userId) }),
      tally,
      undefined,
    );
    expect(failures.map((e) => (e as Error).message)).toEqual(['socket hang up']);
    expect(ended).toEqual([
      [1, 'failed', 'socket hang up'],
      [2, 'sent'],
    ]);
    expect(outcomes.map((o) => [o.userId, o.result, o.reason])).toEqual([
      [1, 'failed', 'error'],
      [2, 'nudged', undefined],
    ]);
  });

  it('GIVEN every platform refuses THEN skipped; GIVEN one refuses and one fails THEN failed, naming both', async () => {
    const { batch, ended } = memoryBatch([1, 2]);
    const answers: Record<string, DirectMessageResult> = {
      d1: 'blocked',
      U1: 'blocked',
      d2: 'blocked',
      U2: 'failed',
    };
    const sender = senderWith(async (to) => answers[to.externalUserId]!);
    const { tally, outcomes } = tallied();
    const targets = (n: number) => [
      { ...discord, externalUserId: `d${n}` },
      { ...slack, externalUserId: `U${n}` },
    ];
    await sender.sendAll(
      batch,
      [nudge(1), nudge(2)],
      (userId) => ({ timeZone: 'UTC', targets: targets(userId) }),
      tally,
      undefined,
    );
    expect(ended).toEqual([
      [1, 'skipped', 'direct messages refused'],
      [2, 'failed', 'not delivered (discord: blocked, slack: failed)'],
    ]);
    expect(outcomes.map((o) => o.result)).toEqual(['skipped', 'failed']);
  });

  it('GIVEN a claim lost from the batch (taken over) THEN it is reported taken and nothing is sent or ended', async () => {
    const { batch, ended } = memoryBatch([1], [1]);
    const sentTo: string[] = [];
    const sender = senderWith(async (to) => {
      sentTo.push(to.externalUserId);
      return 'sent';
    });
    const { tally, outcomes } = tallied();
    await sender.sendAll(
      batch,
      [nudge(1)],
      () => ({ timeZone: 'UTC', targets: [discord] }),
      tally,
      undefined,
    );
    expect(sentTo).toEqual([]);
    expect(ended).toEqual([]);
    expect(outcomes.map((o) => o.result)).toEqual(['taken']);
  });

  it('GIVEN the batch lease could not be renewed THEN the batch stops before the next send', async () => {
    const { batch, ended } = memoryBatch([1, 2]);
    let keeps = 0;
    const expiring: HeldBatch = {
      ...batch,
      keep: async (userId) => (++keeps === 1 ? batch.keep(userId) : 'expiring'),
    };
    const sentTo: number[] = [];
    const sender = senderWith(async () => {
      sentTo.push(keeps);
      return 'sent';
    });
    const { tally, outcomes } = tallied();
    await sender.sendAll(
      expiring,
      [nudge(1), nudge(2)],
      () => ({ timeZone: 'UTC', targets: [discord] }),
      tally,
      undefined,
    );
    expect(sentTo).toEqual([1]);
    expect(ended).toEqual([[1, 'sent']]);
    expect(outcomes.map((o) => [o.userId, o.result])).toEqual([[1, 'nudged']]);
  });

  it('GIVEN a batch THEN its DMs go one at a time, through the spaced digest lane', async () => {
    const users = [1, 2, 3, 4];
    const { batch } = memoryBatch(users);
    let inFlight = 0;
    let most = 0;
    const lanes: Array<string | undefined> = [];
    const sender = senderWith(async (_to, _reply, options) => {
      most = Math.max(most, ++inFlight);
      lanes.push(options?.lane);
      await new Promise((resolve) => setTimeout(resolve, 2));
      inFlight--;
      return 'sent';
    });
    const { tally } = tallied();
    await sender.sendAll(
      batch,
      users.map(nudge),
      () => ({ timeZone: 'UTC', targets: [discord, slack] }),
      tally,
      undefined,
    );
    expect(most).toBe(1);
    expect(lanes).toHaveLength(8);
    // No lane named: each adapter's default, the single spaced queue (not the prompts' parallel lanes).
    expect(lanes.every((lane) => lane === undefined || lane === 'digest')).toBe(true);
  });
});
