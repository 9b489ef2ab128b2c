import { and, eq, gt, isNotNull, isNull, lt, or } from 'drizzle-orm';
import type { Db } from '../database.js';
import { linkCodes } from '../schema/index.js';

export async function insertLinkCode(
  db: Db,
  userId: number,
  codeHash: string,
  expiresAt: Date,
): Promise<void> {
  await db.insert(linkCodes).values({ userId, codeHash, expiresAt });
}

/**
 * Marks the code used and returns its owner, or undefined when it is unknown, used or expired. One
 * UPDATE, so two redemptions of one code cannot both succeed.
 */
export async function consumeLinkCode(db: Db, codeHash: string, now: Date): Promise<number | undefined> {
  const [row] = await db
    .update(linkCodes)
    .set({ usedAt: now })
    .where(and(eq(linkCodes.codeHash, codeHash), isNull(linkCodes.usedAt), gt(linkCodes.expiresAt, now)))
    .returning({ userId: linkCodes.userId });
  return row?.userId;
}

/** Removes codes that can no longer be used: expired, or used. */
export async function pruneLinkCodes(db: Db, now: Date): Promise<void> {
  await db.delete(linkCodes).where(or(lt(linkCodes.expiresAt, now), isNotNull(linkCodes.usedAt)));
}
