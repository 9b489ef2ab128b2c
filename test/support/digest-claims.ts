import type { Db } from '../../src/db/database.js';
import type { LeaseTerms } from '../../src/db/repositories/delivery-lease.js';
import { type BatchClaim, claimDigests } from '../../src/db/repositories/digest-deliveries.js';

/** One user's digest of one period, claimed on the given lease terms. */
export interface OneDigestClaim extends LeaseTerms {
  userId: number;
  period: string;
}

/**
 * Claims one user's digest through production's batch claim (claimDigests with a batch of one), for a
 * test's GIVEN or a single claimer; undefined when the claim is not won (sent, skipped, held by a live
 * lease, or out of attempts). The full row is read with findDigestDelivery.
 */
export async function claimOneDigest(db: Db, claim: OneDigestClaim): Promise<BatchClaim | undefined> {
  const { userId, period, ...terms } = claim;
  const [won] = await claimDigests(db, [userId], period, terms);
  return won;
}
