import { and, eq, lt, or, type SQL, sql } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';

/** The columns by which a delivery table (channel_digest_deliveries, checkin_prompts) leases a row to one instance. */
export interface LeaseColumns {
  id: PgColumn;
  status: PgColumn;
  claimedBy: PgColumn;
  leaseExpiresAt: PgColumn;
  attempts: PgColumn;
}

export interface LeaseTerms {
  /** Who claims: an instance id, so only the lease holder can complete the claim. */
  claimedBy: string;
  leaseMs: number;
  now: Date;
  /** A failed delivery is retried until it has been attempted this many times. */
  maxAttempts?: number;
}

/**
 * What a claim writes: the lease of a fresh row and, when the row exists, how it is taken over and when
 * (its lease ran out because its process died, or it failed and may be retried, within the attempts).
 * With the table's unique key this is safe across processes without any lock.
 */
export function leaseClaim(t: LeaseColumns, terms: LeaseTerms) {
  const lease = {
    status: 'claimed' as const,
    claimedBy: terms.claimedBy,
    leaseExpiresAt: new Date(terms.now.getTime() + terms.leaseMs),
  };
  return {
    values: { ...lease, attempts: 1 },
    set: { ...lease, attempts: sql`${t.attempts} + 1` },
    setWhere: and(
      lt(t.attempts, terms.maxAttempts ?? 3),
      or(and(eq(t.status, 'claimed'), lt(t.leaseExpiresAt, terms.now)), eq(t.status, 'failed')),
    ),
  };
}

/** The row `id` while `claimedBy` still holds its lease: only the holder completes a claim. */
export function heldBy(t: LeaseColumns, id: number, claimedBy: string): SQL | undefined {
  return and(eq(t.id, id), eq(t.status, 'claimed'), eq(t.claimedBy, claimedBy));
}

/** How a claim ends; the lease is dropped with it. Failures are retried, skips never. */
export const leaseEnd = {
  sent: (at: Date) => ({ status: 'sent' as const, sentAt: at, lastError: null, leaseExpiresAt: null }),
  failed: (error: string) => ({
    status: 'failed' as const,
    lastError: error.slice(0, 500),
    leaseExpiresAt: null,
  }),
  skipped: (reason: string) => ({
    status: 'skipped' as const,
    lastError: reason.slice(0, 500),
    leaseExpiresAt: null,
  }),
};
