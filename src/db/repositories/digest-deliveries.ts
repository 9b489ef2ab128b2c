import { and, eq, lt, or, sql } from 'drizzle-orm';
import type { Db } from '../database.js';
import { type DigestDelivery, digestDeliveries } from '../schema/index.js';

export interface DigestClaim {
  userId: number;
  period: string;
  /** Who claims: an instance id, so a lease can only be completed by its holder. */
  claimedBy: string;
  leaseMs: number;
  now: Date;
  /** A failed delivery is retried until it has been attempted this many times. */
  maxAttempts?: number;
}

/**
 * Claims the (user, period) digest for sending. Succeeds when nobody has claimed it, when an earlier
 * claim's lease ran out (its process died), or when it failed and may be retried; returns undefined
 * when it is sent, skipped, held by a live lease, or out of attempts. The unique key makes this safe
 * across processes without any lock.
 */
export async function claimDigest(db: Db, claim: DigestClaim): Promise<DigestDelivery | undefined> {
  const lease = new Date(claim.now.getTime() + claim.leaseMs);
  const maxAttempts = claim.maxAttempts ?? 3;
  const [row] = await db
    .insert(digestDeliveries)
    .values({
      userId: claim.userId,
      period: claim.period,
      status: 'claimed',
      claimedBy: claim.claimedBy,
      leaseExpiresAt: lease,
      attempts: 1,
    })
    .onConflictDoUpdate({
      target: [digestDeliveries.userId, digestDeliveries.period],
      set: {
        status: 'claimed',
        claimedBy: claim.claimedBy,
        leaseExpiresAt: lease,
        attempts: sql`${digestDeliveries.attempts} + 1`,
      },
      setWhere: and(
        lt(digestDeliveries.attempts, maxAttempts),
        or(
          and(eq(digestDeliveries.status, 'claimed'), lt(digestDeliveries.leaseExpiresAt, claim.now)),
          eq(digestDeliveries.status, 'failed'),
        ),
      ),
    })
    .returning();
  return row;
}

async function finish(
  db: Db,
  id: number,
  claimedBy: string,
  values: Partial<typeof digestDeliveries.$inferInsert>,
): Promise<boolean> {
  const updated = await db
    .update(digestDeliveries)
    .set({ ...values, leaseExpiresAt: null })
    .where(
      and(
        eq(digestDeliveries.id, id),
        eq(digestDeliveries.status, 'claimed'),
        eq(digestDeliveries.claimedBy, claimedBy),
      ),
    )
    .returning({ id: digestDeliveries.id });
  return updated.length > 0;
}

/** Marks a claimed digest sent; false when the claim was lost (lease expired and taken over). */
export function markDigestSent(db: Db, id: number, claimedBy: string, at: Date): Promise<boolean> {
  return finish(db, id, claimedBy, { status: 'sent', sentAt: at, lastError: null });
}

export function markDigestFailed(db: Db, id: number, claimedBy: string, error: string): Promise<boolean> {
  return finish(db, id, claimedBy, { status: 'failed', lastError: error.slice(0, 500) });
}

/** For users with nothing to send or who cannot receive DMs: done, never retried. */
export function markDigestSkipped(db: Db, id: number, claimedBy: string, reason: string): Promise<boolean> {
  return finish(db, id, claimedBy, { status: 'skipped', lastError: reason.slice(0, 500) });
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
