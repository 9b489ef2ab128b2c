import { and, eq } from 'drizzle-orm';
import type { Db } from '../database.js';
import { type ChannelDigestDelivery, channelDigestDeliveries } from '../schema/index.js';
import type { ChannelKey } from './channel-digest-channels.js';
import { heldBy, type LeaseTerms, leaseClaim, leaseEnd } from './delivery-lease.js';

export interface ChannelDigestClaim extends LeaseTerms {
  channel: ChannelKey;
  /** An ISO week such as 2026-W47. */
  period: string;
}

/**
 * Claims the (channel, week) post. Succeeds when nobody has claimed it, when an earlier claim's lease ran
 * out (its process died), or when it failed and may be retried; undefined when it is sent, skipped, held
 * by a live lease, or out of attempts.
 */
export async function claimChannelDigest(
  db: Db,
  claim: ChannelDigestClaim,
): Promise<ChannelDigestDelivery | undefined> {
  const t = channelDigestDeliveries;
  const { values, set, setWhere } = leaseClaim(t, claim);
  const [row] = await db
    .insert(t)
    .values({ ...claim.channel, period: claim.period, ...values })
    .onConflictDoUpdate({ target: [t.platform, t.workspaceId, t.channelId, t.period], set, setWhere })
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
    .set(values)
    .where(heldBy(t, id, claimedBy))
    .returning({ id: t.id });
  return updated.length > 0;
}

/** Marks a claimed post sent; false when the claim was lost (its lease ran out and another took it). */
export function markChannelDigestSent(db: Db, id: number, claimedBy: string, at: Date): Promise<boolean> {
  return finish(db, id, claimedBy, leaseEnd.sent(at));
}

export function markChannelDigestFailed(
  db: Db,
  id: number,
  claimedBy: string,
  error: string,
): Promise<boolean> {
  return finish(db, id, claimedBy, leaseEnd.failed(error));
}

/** A week with nothing to post: done, never retried. */
export function markChannelDigestSkipped(
  db: Db,
  id: number,
  claimedBy: string,
  reason: string,
): Promise<boolean> {
  return finish(db, id, claimedBy, leaseEnd.skipped(reason));
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
