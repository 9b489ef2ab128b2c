import type { Clock } from '../../core/clock.js';
import type { Db } from '../../db/database.js';
import {
  claimDigest,
  markDigestFailed,
  markDigestSent,
  markDigestSkipped,
  settledDigests,
} from '../../db/repositories/digest-deliveries.js';

/** Who claims and on what terms. */
export interface DigestClaimTerms {
  db: Db;
  clock: Clock;
  /** Only this instance completes its own claims. */
  instanceId: string;
  /** How long a claim holds before another instance may take it over (the claimer died). */
  leaseMs: number;
  /** Attempts per digest before a failing one is given up. */
  maxAttempts: number;
}

/** A (user, week) digest this instance holds the lease of, until it records how it ended. */
export interface HeldDigest {
  id: number;
  userId: number;
  period: string;
}

/**
 * The digest's exactly-once step: each (user, week) is claimed in digest_deliveries with a lease before
 * anything is sent, and the claim ends sent, skipped or failed. A claim whose lease ran out (its process
 * died) or that failed within the attempts is taken over by the next claimer.
 */
export interface DigestClaims {
  /** The users whose `period` digest is still open: not sent, skipped, or failed `maxAttempts` times. */
  open<U extends { userId: number }>(users: readonly U[], period: string): Promise<U[]>;
  /** Claims the digest; undefined when another instance holds it or it is settled. */
  claim(userId: number, period: string): Promise<HeldDigest | undefined>;
  /** The endings of a claim: each is false when the lease was lost meanwhile (taken over). */
  sent(held: HeldDigest): Promise<boolean>;
  /** Done, never retried (nothing to send, DMs refused). */
  skipped(held: HeldDigest, reason: string): Promise<boolean>;
  /** Retried by a later run until the attempts run out. */
  failed(held: HeldDigest, error: string): Promise<boolean>;
}

export function createDigestClaims(terms: DigestClaimTerms): DigestClaims {
  const { db, clock, instanceId, maxAttempts } = terms;
  return {
    async open(users, period) {
      const ids = users.map((u) => u.userId);
      const settled = await settledDigests(db, ids, [period], maxAttempts);
      return users.filter((u) => !settled.has(`${u.userId}:${period}`));
    },
    async claim(userId, period) {
      const row = await claimDigest(db, {
        userId,
        period,
        claimedBy: instanceId,
        leaseMs: terms.leaseMs,
        now: clock.now(),
        maxAttempts,
      });
      return row && { id: row.id, userId, period };
    },
    sent: (held) => markDigestSent(db, held.id, instanceId, clock.now()),
    skipped: (held, reason) => markDigestSkipped(db, held.id, instanceId, reason),
    failed: (held, error) => markDigestFailed(db, held.id, instanceId, error),
  };
}
