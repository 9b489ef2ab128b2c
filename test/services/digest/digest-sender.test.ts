import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../../src/core/clock.js';
import { silentLogger } from '../../../src/core/logger.js';
import type { Db } from '../../../src/db/database.js';
import type { DirectTarget } from '../../../src/db/repositories/digest-data.js';
import { buildDigest, type DigestData } from '../../../src/services/digest/build-digest.js';
import type { DigestClaims, HeldDigest } from '../../../src/services/digest/digest-claims.js';
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

/** Claims kept in memory: what was claimed and how each claim ended. */
function memoryClaims(taken: readonly number[] = []) {
  const ended: Array<[number, string, string?]> = [];
  const claimed: number[] = [];
  const end = (held: HeldDigest, how: string, why?: string): boolean => {
    ended.push(why === undefined ? [held.userId, how] : [held.userId, how, why]);
    return true;
  };
  const claims: DigestClaims = {
    open: async (users) => users.slice(),
    async claim(userId, period) {
      if (taken.includes(userId)) return undefined;
      claimed.push(userId);
      return { id: userId, userId, period };
    },
    sent: async (held: HeldDigest) => end(held, 'sent'),
    skipped: async (held, reason) => end(held, 'skipped', reason),
    failed: async (held, error) => end(held, 'failed', error),
  };
  return { claims, claimed, ended };
}

function senderWith(
  claims: DigestClaims,
  sendDirect: DigestSenderDeps['sendDirect'],
  onFailure?: (error: unknown) => void,
) {
  const log = silentLogger();
  return createDigestSender({
    db: {} as unknown as Db, // a nudge stores nothing: the database is never reached
    clock: fixedClock('2026-11-23T09:00:00Z'),
    log,
    claims,
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
  it('GIVEN the signal aborts during the first send THEN the next digest is neither claimed nor sent', async () => {
    const { claims, claimed, ended } = memoryClaims();
    const abort = new AbortController();
    const sentTo: string[] = [];
    const sender = senderWith(claims, async (to) => {
      sentTo.push(to.externalUserId);
      abort.abort();
      return 'sent';
    });
    const { tally, outcomes } = tallied();
    await sender.sendAll(
      [nudge(1), nudge(2)],
      () => ({ timeZone: 'UTC', targets: [discord] }),
      tally,
      abort.signal,
    );
    expect(claimed).toEqual([1]);
    expect(ended).toEqual([[1, 'sent']]);
    expect(outcomes).toEqual([{ userId: 1, period: PERIOD, result: 'nudged' }]);
    expect(tally.summary).toMatchObject({ nudged: 1, sent: 0, failed: 0 });
  });

  it('GIVEN a send that throws THEN onFailure hears it, the claim is marked failed, and the next user is still sent', async () => {
    const { claims, ended } = memoryClaims();
    const failures: unknown[] = [];
    const sender = senderWith(
      claims,
      async (to) => {
        if (to.externalUserId === 'broken') throw new Error('socket hang up');
        return 'sent';
      },
      (e) => failures.push(e),
    );
    const { tally, outcomes } = tallied();
    const targets = (userId: number) => [{ ...discord, externalUserId: userId === 1 ? 'broken' : 'fine' }];
    await sender.sendAll(
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
    const { claims, ended } = memoryClaims();
    const answers: Record<string, DirectMessageResult> = {
      d1: 'blocked',
      U1: 'blocked',
      d2: 'blocked',
      U2: 'failed',
    };
    const sender = senderWith(claims, async (to) => answers[to.externalUserId]!);
    const { tally, outcomes } = tallied();
    const targets = (n: number) => [
      { ...discord, externalUserId: `d${n}` },
      { ...slack, externalUserId: `U${n}` },
    ];
    await sender.sendAll(
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

  it('GIVEN a digest another instance holds THEN it is reported taken and nothing is sent', async () => {
    const { claims, ended } = memoryClaims([1]);
    const sentTo: string[] = [];
    const sender = senderWith(claims, async (to) => {
      sentTo.push(to.externalUserId);
      return 'sent';
    });
    const { tally, outcomes } = tallied();
    await sender.sendAll([nudge(1)], () => ({ timeZone: 'UTC', targets: [discord] }), tally, undefined);
    await sender.skip(1, PERIOD, 'direct messages refused earlier', tally);
    expect(sentTo).toEqual([]);
    expect(ended).toEqual([]);
    expect(outcomes.map((o) => o.result)).toEqual(['taken', 'taken']);
    expect(tally.summary.taken).toBe(2);
  });
});
