import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../database.js';
import { type PreparedStatement, runPrepared } from '../raw-query.js';
import { type DigestDelivery, digestDeliveries } from '../schema/index.js';
import { heldBy, type LeaseTerms, leaseClaim, leaseEnd } from './delivery-lease.js';

export interface DigestClaim extends LeaseTerms {
  userId: number;
  period: string;
}

/**
 * Claims the (user, period) digest for sending. Succeeds when nobody has claimed it, when an earlier
 * claim's lease ran out (its process died), or when it failed and may be retried; returns undefined
 * when it is sent, skipped, held by a live lease, or out of attempts.
 */
export async function claimDigest(db: Db, claim: DigestClaim): Promise<DigestDelivery | undefined> {
  const t = digestDeliveries;
  const { values, set, setWhere } = leaseClaim(t, claim);
  const [row] = await db
    .insert(t)
    .values({ userId: claim.userId, period: claim.period, ...values })
    .onConflictDoUpdate({ target: [t.userId, t.period], set, setWhere })
    .returning();
  return row;
}

async function finish(
  db: Db,
  id: number,
  claimedBy: string,
  values: Partial<typeof digestDeliveries.$inferInsert>,
): Promise<boolean> {
  const t = digestDeliveries;
  const updated = await db
    .update(t)
    .set(values)
    .where(heldBy(t, id, claimedBy))
    .returning({ id: t.id });
  return updated.length > 0;
}

/** Marks a claimed digest sent; false when the claim was lost (lease expired and taken over). */
export function markDigestSent(db: Db, id: number, claimedBy: string, at: Date): Promise<boolean> {
  return finish(db, id, claimedBy, leaseEnd.sent(at));
}

export function markDigestFailed(db: Db, id: number, claimedBy: string, error: string): Promise<boolean> {
  return finish(db, id, claimedBy, leaseEnd.failed(error));
}

/** For users with nothing to send or who cannot receive DMs: done, never retried. */
export function markDigestSkipped(db: Db, id: number, claimedBy: string, reason: string): Promise<boolean> {
  return finish(db, id, claimedBy, leaseEnd.skipped(reason));
}

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
