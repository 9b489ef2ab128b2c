import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../core/logger.js';
import { createStatementGroup } from '../../core/statement-group.js';
import type { Db } from '../../db/database.js';
import {
  claimDigests,
  type DigestEnding,
  finishDigests,
  releaseDigestClaims,
  renewDigestClaims,
  settledDigests,
} from '../../db/repositories/digest-deliveries.js';

/** Who claims and on what terms. */
export interface DigestClaimTerms {
  db: Db;
  clock: Clock;
  log: Logger;
  /** Only this instance completes its own claims. */
  instanceId: string;
  /** How long a claim holds before another instance may take it over (the claimer died). */
  leaseMs: number;
  /** Attempts per digest before a failing one is given up. */
  maxAttempts: number;
  /** A write of outcomes that failed (alerts); its claims run out and are retried by a later run. */
  onFailure?: ((error: unknown) => void) | undefined;
}

/** A (user, week) digest this instance holds the lease of, until it records how it ended. */
export interface HeldDigest {
  id: number;
  userId: number;
  period: string;
  /** The claim's attempt: a take-over raises it, so an older holder can no longer end the claim. */
  attempts: number;
}

/** How a held digest ended: sent, skipped (never retried) or failed (a later run retries it). */
export type DigestEnd = { status: 'sent' } | { status: 'skipped' | 'failed'; reason: string };

/**
 * The claims one batch won, held while they are sent. The lease outlives the sending by renewal, not
 * by sizing batches to fit it: a DM goes out about once a second per platform (the adapters space
 * them), so 500 users take 500 to 1,100 s, more than the 600 s lease, and a slow platform or the
 * model's insight stretches any estimate. Each `keep` renews the batch's lease (one statement for all
 * its claims) once a third of it has passed since the last renewal, and refuses to send when less than
 * a third is left (renewals failed: the database is away), so nothing is sent under a lease another
 * instance may already have taken over. Endings are written in groups: one statement carries every
 * ending that arrived while the previous one was being written (group commit). With the platforms'
 * pacing each ending is written alone, at once, as before; only when sending outpaces the database
 * (a fake platform, a bench) do they group, so a crash can resend at most what one write was carrying.
 */
export interface HeldBatch {
  /** The claims won, in user order. */
  readonly held: readonly HeldDigest[];
  /**
   * Whether `userId`'s digest may be sent now: its claim when still held, 'lost' when it was taken
   * over (never send it), 'expiring' when the lease could not be renewed (stop the batch).
   */
  keep(userId: number): Promise<HeldDigest | 'lost' | 'expiring'>;
  /** Records how a held digest ended; written with the others in flight (see above). */
  end(held: HeldDigest, end: DigestEnd): void;
  /** Waits for every ending to be written and gives back the claims never tried (the run stopped). */
  close(): Promise<void>;
}

/**
 * The digest's exactly-once step: each (user, week) is claimed in digest_deliveries with a lease before
 * anything is computed or sent, a batch of users in one statement, and the claim ends sent, skipped or
 * failed. A claim whose lease ran out (its process died) or that failed within the attempts is taken
 * over by the next claimer; users another instance holds are left to it.
 */
export interface DigestClaims {
  /** The users whose `period` digest is still open: not sent, skipped, or failed `maxAttempts` times. */
  open<U extends { userId: number }>(users: readonly U[], period: string): Promise<U[]>;
  /** Claims the users' digests in one statement: the batch of those won (none held elsewhere or settled). */
  claim(userIds: readonly number[], period: string): Promise<HeldBatch>;
}

export function createDigestClaims(terms: DigestClaimTerms): DigestClaims {
  const { db, clock, instanceId, maxAttempts, leaseMs } = terms;
  return {
    async open(users, period) {
      const ids = users.map((u) => u.userId);
      const settled = await settledDigests(db, ids, [period], maxAttempts);
      return users.filter((u) => !settled.has(`${u.userId}:${period}`));
    },
    async claim(userIds, period) {
      const now = clock.now();
      const won = await claimDigests(db, userIds, period, {
        claimedBy: instanceId,
        leaseMs,
        now,
        maxAttempts,
      });
      const held = won.map((c) => ({ id: c.id, userId: c.userId, period, attempts: c.attempts }));
      return holdBatch(terms, held, now.getTime());
    },
  };
}

function holdBatch(terms: DigestClaimTerms, held: HeldDigest[], claimedAt: number): HeldBatch {
  const { db, clock, log, instanceId, leaseMs } = terms;
  /** Claims still ours as far as we know, until their ending is written: the ones a renewal extends. */
  const leased = new Map(held.map((h) => [h.id, h]));
  const byUser = new Map(held.map((h) => [h.userId, h]));
  const ended = new Set<number>();
  let heldUntil = claimedAt + leaseMs;
  let renewedAt = claimedAt;

  async function renew(at: number): Promise<void> {
    renewedAt = at;
    try {
      const still = await renewDigestClaims(db, [...leased.values()], instanceId, new Date(at + leaseMs));
      for (const id of [...leased.keys()]) if (!still.has(id)) leased.delete(id);
      heldUntil = at + leaseMs;
    } catch (error) {
      log.warn({ err: error }, 'renewing the digest batch’s lease failed; retried later');
    }
  }

  // One write at a time; endings that arrive meanwhile go in the next (never rejects: failures are logged).
  const writer = createStatementGroup<{ held: HeldDigest; end: DigestEnd }, void>(
    async (group) => {
      const endings: DigestEnding[] = group.map(({ held: h, end }) => ({
        id: h.id,
        attempts: h.attempts,
        ...end,
      }));
      try {
        const written = await finishDigests(db, endings, instanceId, clock.now());
        for (const { held: h, end } of group) {
          if (written.has(h.id)) continue;
          const { userId, period } = h;
          if (end.status === 'sent')
            log.warn({ userId, period }, 'digest sent after its lease was taken over');
          else log.warn({ userId, period, end }, 'digest outcome not recorded: its lease was taken over');
        }
      } catch (error) {
        // Left claimed: the lease runs out and a later run retries them.
        log.error({ err: error, users: group.length }, 'recording digest outcomes failed');
        terms.onFailure?.(error);
      } finally {
        for (const { held: h } of group) leased.delete(h.id);
      }
      return group.map(() => undefined);
    },
    { maxInFlight: 1, maxBatch: 1000 },
  );

  return {
    held,
    async keep(userId) {
      const h = byUser.get(userId);
      if (!h || ended.has(h.id) || !leased.has(h.id)) return 'lost';
      const now = clock.now().getTime();
      if (now - renewedAt >= leaseMs / 3) await renew(now);
      if (!leased.has(h.id)) return 'lost';
      if (heldUntil - clock.now().getTime() <= leaseMs / 3) return 'expiring';
      return h;
    },
    end(h, end) {
      if (ended.has(h.id)) return;
      ended.add(h.id);
      void writer.run({ held: h, end });
    },
    async close() {
      await writer.idle;
      const untried = [...leased.values()].filter((h) => !ended.has(h.id));
      leased.clear();
      if (untried.length === 0) return;
      await releaseDigestClaims(db, untried, instanceId, clock.now()).catch((error: unknown) =>
        log.warn({ err: error, users: untried.length }, 'giving back untried digest claims failed'),
      );
    },
  };
}
