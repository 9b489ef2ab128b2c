import { and, eq, lt, or, sql } from 'drizzle-orm';
import type { Db } from '../database.js';
import { type ChannelDigestDelivery, channelDigestDeliveries } from '../schema/index.js';
import type { ChannelKey } from './channel-digest-channels.js';

export interface ChannelDigestClaim {
  channel: ChannelKey;
  /** An ISO week such as 2026-W47. */
  period: string;
  /** Who claims: an instance id, so only the lease holder can complete the claim. */
  claimedBy: string;
  leaseMs: number;
  now: Date;
  /** A failed post is retried until it has been attempted this many times. */
  maxAttempts?: number;
}

/**
 * Claims the (channel, week) post. Succeeds when nobody has claimed it, when an earlier claim's lease ran
 * out (its process died), or when it failed and may be retried; undefined when it is sent, skipped, held
 * by a live lease, or out of attempts. The unique key makes this safe across processes without a lock.
 */
export async function claimChannelDigest(
  db: Db,
  claim: ChannelDigestClaim,
): Promise<ChannelDigestDelivery | undefined> {
  const lease = new Date(claim.now.getTime() + claim.leaseMs);
  const maxAttempts = claim.maxAttempts ?? 3;
  const t = channelDigestDeliveries;
  const [row] = await db
    .insert(t)
    .values({
      ...claim.channel,
      period: claim.period,
      status: 'claimed',
      claimedBy: claim.claimedBy,
      leaseExpiresAt: lease,
      attempts: 1,
    })
    .onConflictDoUpdate({
      target: [t.platform, t.workspaceId, t.channelId, t.period],
      set: {
        status: 'claimed',
        claimedBy: claim.claimedBy,
        leaseExpiresAt: lease,
        attempts: sql`${t.attempts} + 1`,
      },
      setWhere: and(
        lt(t.attempts, maxAttempts),
        or(and(eq(t.status, 'claimed'), lt(t.leaseExpiresAt, claim.now)), eq(t.status, 'failed')),
      ),
    })
    .returning();
  return row;
}

async function finish(
  db: Db,
  id: number,
  claimedBy: string,
  values: Partial<typeof channelDigestDeliveries.$inferInsert>,
): Promise<boolean> {
  const t = channelDigestDeliveries;
  const updated = await db
    .update(t)
    .set({ ...values, leaseExpiresAt: null })
    .where(and(eq(t.id, id), eq(t.status, 'claimed'), eq(t.claimedBy, claimedBy)))
    .returning({ id: t.id });
  return updated.length > 0;
}

/** Marks a claimed post sent; false when the claim was lost (its lease ran out and another took it). */
export function markChannelDigestSent(db: Db, id: number, claimedBy: string, at: Date): Promise<boolean> {
  return finish(db, id, claimedBy, { status: 'sent', sentAt: at, lastError: null });
}

export function markChannelDigestFailed(
  db: Db,
  id: number,
  claimedBy: string,
  error: string,
): Promise<boolean> {
  return finish(db, id, claimedBy, { status: 'failed', lastError: error.slice(0, 500) });
}

/** A week with nothing to post: done, never retried. */
export function markChannelDigestSkipped(
  db: Db,
  id: number,
  claimedBy: string,
  reason: string,
): Promise<boolean> {
  return finish(db, id, claimedBy, { status: 'skipped', lastError: reason.slice(0, 500) });
}

export async function findChannelDigestDelivery(
  db: Db,
  channel: ChannelKey,
  period: string,
): Promise<ChannelDigestDelivery | undefined> {
  const t = channelDigestDeliveries;
  const [row] = await db
    .select()
    .from(t)
    .where(
      and(
        eq(t.platform, channel.platform),
        eq(t.workspaceId, channel.workspaceId),
        eq(t.channelId, channel.channelId),
        eq(t.period, period),
      ),
    );
  return row;
}
