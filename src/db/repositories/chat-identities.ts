import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../database.js';
import { type ChatIdentity, chatIdentities, type Platform, type User, users } from '../schema/index.js';
import { storableText } from './text-guard.js';

/** What identifies a chat account: the platform, its workspace (Slack team, '' elsewhere) and user id. */
export interface IdentityKey {
  platform: Platform;
  workspaceId: string;
  externalUserId: string;
}

export async function findIdentity(
  db: Db,
  key: IdentityKey,
): Promise<{ identity: ChatIdentity; user: User } | undefined> {
  const [row] = await db
    .select({ identity: chatIdentities, user: users })
    .from(chatIdentities)
    .innerJoin(users, eq(users.id, chatIdentities.userId))
    .where(
      and(
        eq(chatIdentities.platform, key.platform),
        eq(chatIdentities.workspaceId, key.workspaceId),
        eq(chatIdentities.externalUserId, key.externalUserId),
      ),
    );
  return row;
}

/**
 * Attaches the chat account to a user unless it is attached already. Returns the identity as stored,
 * which belongs to another user when a concurrent request attached it first.
 */
export async function attachIdentity(
  db: Db,
  key: IdentityKey,
  userId: number,
  displayName?: string | null,
): Promise<ChatIdentity> {
  const [created] = await db
    .insert(chatIdentities)
    .values({
      userId,
      platform: key.platform,
      workspaceId: storableText(key.workspaceId, 'workspace id'),
      externalUserId: storableText(key.externalUserId, 'user id'),
      displayName: storableText(displayName ?? null, 'display name'),
    })
    .onConflictDoNothing()
    .returning();
  if (created) return created;
  const existing = await findIdentity(db, key);
  if (!existing) throw new Error('identity vanished between insert and select');
  return existing.identity;
}

export async function listIdentitiesOfUser(db: Db, userId: number): Promise<ChatIdentity[]> {
  return db
    .select()
    .from(chatIdentities)
    .where(eq(chatIdentities.userId, userId))
    .orderBy(asc(chatIdentities.createdAt), asc(chatIdentities.id));
}

/** Records that the identity was just used (the digest goes to the platform used most recently). */
export async function touchIdentity(db: Db, identityId: number, at: Date = new Date()): Promise<void> {
  await db.update(chatIdentities).set({ lastSeenAt: at }).where(eq(chatIdentities.id, identityId));
}

/** Moves every identity of one user to another (account linking); returns how many moved. */
export async function reassignIdentities(db: Db, fromUserId: number, toUserId: number): Promise<number> {
  const moved = await db
    .update(chatIdentities)
    .set({ userId: toUserId })
    .where(eq(chatIdentities.userId, fromUserId))
    .returning({ id: chatIdentities.id });
  return moved.length;
}

export async function detachIdentity(db: Db, identityId: number): Promise<boolean> {
  const deleted = await db
    .delete(chatIdentities)
    .where(eq(chatIdentities.id, identityId))
    .returning({ id: chatIdentities.id });
  return deleted.length > 0;
}
