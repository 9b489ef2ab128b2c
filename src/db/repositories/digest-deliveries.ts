import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../database.js';
import { type PreparedStatement, runPrepared } from '../raw-query.js';
import { type DigestDelivery, digestDeliveries } from '../schema/index.js';
import type { LeaseTerms } from './delivery-lease.js';

export async function findDigestDelivery(
  db: Db,
  userId: number,
  period: string,
): Promise<DigestDelivery | undefined> {
  const [row] = await db
    .select()
    .from(digestDeliveries)
    .where(and(eq(digestDeliveries.userId, userId), eq(digestDeliveries.period, period)));
  return row;
}

const settledOf: PreparedStatement = {
  name: 'moodscale_digest_settled_v2',
  text: `SELECT user_id, period FROM digest_deliveries
          WHERE user_id = ANY($1::int[]) AND period = ANY($2::text[])
            AND (status IN ('sent', 'skipped') OR (status = 'failed' AND attempts >= $3))`,
};

const settledRow = z.object({ user_id: z.coerce.number().int(), period: z.string() });

/**
 * `user:period` keys of digests sent, skipped, or failed `maxAttempts` times: nothing to do for them.
 * One statement for a batch of users (the digest's hot path).
 */
export async function settledDigests(
  db: Db,
  userIds: readonly number[],
  periods: readonly string[],
  maxAttempts: number,
): Promise<Set<string>> {
  const rows = await runPrepared(db, settledOf, [userIds, periods, maxAttempts]);
  return new Set(
    rows.map((raw) => {
      const r = settledRow.parse(raw);
      return `${r.user_id}:${r.period}`;
    }),
  );
}

/** A digest claim this instance won in a batch: `attempts` fences it (a take-over raises it). */
export interface BatchClaim {
  id: number;
  userId: number;
  attempts: number;
}

const claimRow = z.object({
  id: z.coerce.number().int(),
  user_id: z.coerce.number().int(),
  attempts: z.coerce.number().int(),
});

const idRow = z.object({ id: z.coerce.number().int() });

const toClaim = (raw: unknown): BatchClaim => {
  const r = claimRow.parse(raw);
  return { id: r.id, userId: r.user_id, attempts: r.attempts };
};

// The same terms as leaseClaim (delivery-lease.ts), for many users at once. Timestamps are UTC wall
// times, as Drizzle writes them (a zone in a `timestamp` literal is ignored). Rows that exist and may
// not be taken (sent, skipped, out of attempts, or under a live lease) are filtered before the insert,
// so they are neither locked nor given a sequence number; one inserted meanwhile by another instance
// still meets ON CONFLICT, whose WHERE repeats the terms. Users go in id order, as every instance
// claims them, so two claims of overlapping batches wait on each other instead of deadlocking.
const claimBatchOf: PreparedStatement = {
  name: 'moodscale_digest_claim_batch_v1',
  text: `INSERT INTO digest_deliveries AS d (user_id, period, status, claimed_by, lease_expires_at, attempts)
         SELECT w.user_id, $2, 'claimed', $3, $4::timestamp, 1
           FROM unnest($1::int[]) AS w(user_id)
          WHERE NOT EXISTS (
                  SELECT 1 FROM digest_deliveries e
                   WHERE e.user_id = w.user_id AND e.period = $2
                     AND NOT (e.attempts < $6
                              AND ((e.status = 'claimed' AND e.lease_expires_at < $5::timestamp)
                                   OR e.status = 'failed')))
          ORDER BY w.user_id
         ON CONFLICT (user_id, period) DO UPDATE
            SET status = 'claimed', claimed_by = EXCLUDED.claimed_by,
                lease_expires_at = EXCLUDED.lease_expires_at, attempts = d.attempts + 1
          WHERE d.attempts < $6
            AND ((d.status = 'claimed' AND d.lease_expires_at < $5::timestamp) OR d.status = 'failed')
         RETURNING d.id, d.user_id, d.attempts`,
};

/**
 * Claims the `period` digests of `userIds` in one statement: a user nobody claimed, whose claim's
 * lease ran out (its process died) or whose digest failed within the attempts is won; the rest (sent,
 * skipped, held by a live lease, out of attempts) are not. Returns the claims won, in user order.
 */
export async function claimDigests(
  db: Db,
  userIds: readonly number[],
  period: string,
  terms: LeaseTerms,
): Promise<BatchClaim[]> {
  const ids = [...new Set(userIds)].sort((a, b) => a - b);
  if (ids.length === 0) return [];
  const now = terms.now.getTime();
  const rows = await runPrepared(db, claimBatchOf, [
    ids,
    period,
    terms.claimedBy,
    new Date(now + terms.leaseMs).toISOString(),
    terms.now.toISOString(),
    terms.maxAttempts ?? 3,
  ]);
  return rows.map(toClaim).sort((a, b) => a.userId - b.userId);
}

const renewOf: PreparedStatement = {
  name: 'moodscale_digest_renew_v1',
  text: `UPDATE digest_deliveries AS d SET lease_expires_at = $4::timestamp
           FROM unnest($1::int[], $2::int[]) AS h(id, attempts)
          WHERE d.id = h.id AND d.attempts = h.attempts AND d.status = 'claimed' AND d.claimed_by = $3
         RETURNING d.id`,
};

/**
 * Extends the lease of the claims `claimedBy` still holds to `until`, in one statement; returns their
 * ids. A claim missing from the answer was taken over (or ended) and must not be sent.
 */
export async function renewDigestClaims(
  db: Db,
  claims: ReadonlyArray<Pick<BatchClaim, 'id' | 'attempts'>>,
  claimedBy: string,
  until: Date,
): Promise<Set<number>> {
  if (claims.length === 0) return new Set();
  const rows = await runPrepared(db, renewOf, [
    claims.map((c) => c.id),
    claims.map((c) => c.attempts),
    claimedBy,
    until.toISOString(),
  ]);
  return new Set(rows.map((r) => idRow.parse(r).id));
}

/** How one claim ends: sent, skipped (never retried) or failed (retried within the attempts). */
export interface DigestEnding {
  id: number;
  attempts: number;
  status: 'sent' | 'skipped' | 'failed';
  /** Why it was skipped or failed; none when sent. */
  reason?: string | undefined;
}

const finishOf: PreparedStatement = {
  name: 'moodscale_digest_finish_v1',
  text: `UPDATE digest_deliveries AS d
            SET status = e.status, lease_expires_at = NULL, last_error = e.reason,
                sent_at = CASE WHEN e.status = 'sent' THEN $5::timestamp ELSE d.sent_at END
           FROM unnest($1::int[], $2::int[], $3::text[], $4::text[]) AS e(id, attempts, status, reason)
          WHERE d.id = e.id AND d.attempts = e.attempts AND d.status = 'claimed' AND d.claimed_by = $6
         RETURNING d.id`,
};

/**
 * Ends many claims in one statement, each as leaseEnd does one; only the holder's claims with the same
 * attempt are ended (a claim taken over meanwhile is left to its new holder). Returns the ids ended.
 */
export async function finishDigests(
  db: Db,
  endings: readonly DigestEnding[],
  claimedBy: string,
  at: Date,
): Promise<Set<number>> {
  if (endings.length === 0) return new Set();
  const rows = await runPrepared(db, finishOf, [
    endings.map((e) => e.id),
    endings.map((e) => e.attempts),
    endings.map((e) => e.status),
    endings.map((e) => (e.status === 'sent' ? null : (e.reason ?? '').slice(0, 500))),
    at.toISOString(),
    claimedBy,
  ]);
  return new Set(rows.map((r) => idRow.parse(r).id));
}

const releaseOf: PreparedStatement = {
  name: 'moodscale_digest_release_v1',
  text: `UPDATE digest_deliveries AS d SET lease_expires_at = $4::timestamp, attempts = d.attempts - 1
           FROM unnest($1::int[], $2::int[]) AS h(id, attempts)
          WHERE d.id = h.id AND d.attempts = h.attempts AND d.status = 'claimed' AND d.claimed_by = $3`,
};

/**
 * Gives back claims never tried (the run stopped before their turn): their lease ends at once and the
 * attempt is not counted, so the next claimer takes them as if this claim had not happened.
 */
export async function releaseDigestClaims(
  db: Db,
  claims: ReadonlyArray<Pick<BatchClaim, 'id' | 'attempts'>>,
  claimedBy: string,
  now: Date,
): Promise<void> {
  if (claims.length === 0) return;
  await runPrepared(db, releaseOf, [
    claims.map((c) => c.id),
    claims.map((c) => c.attempts),
    claimedBy,
    new Date(now.getTime() - 1).toISOString(),
  ]);
}
