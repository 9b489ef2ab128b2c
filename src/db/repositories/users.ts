import { and, eq, isNotNull, or, sql } from 'drizzle-orm';
import type { CipherContext, FieldCipher } from '../../crypto/field-cipher.js';
import type { Db } from '../database.js';
import { auditLog, type User, users } from '../schema/index.js';
import { commandCounterKey } from './rate-limits.js';
import { storableText } from './text-guard.js';

export async function createUser(db: Db, username: string): Promise<User> {
  const [user] = await db
    .insert(users)
    .values({ username: storableText(username, 'username') })
    .returning();
  return user!;
}

/** Creates the user unless the username is taken; returns the user with that name either way. */
export async function findOrCreateUserByUsername(
  db: Db,
  username: string,
): Promise<{ user: User; created: boolean }> {
  storableText(username, 'username');
  const [created] = await db.insert(users).values({ username }).onConflictDoNothing().returning();
  if (created) return { user: created, created: true };
  const existing = await findUserByUsername(db, username);
  if (!existing) throw new Error(`user ${username} vanished between insert and select`);
  return { user: existing, created: false };
}

export async function findUserById(db: Db, id: number): Promise<User | undefined> {
  const [user] = await db.select().from(users).where(eq(users.id, id));
  return user;
}

export async function findUserByUsername(db: Db, username: string): Promise<User | undefined> {
  const [user] = await db.select().from(users).where(eq(users.username, username));
  return user;
}

export async function countUsers(db: Db): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(users);
  return row?.n ?? 0;
}

/**
 * Deletes the user: every table referencing users cascades, and the audit log (which holds user ids
 * without a foreign key, see its schema), the shared rate-limit counter and the inbox (keyed by chat
 * account, not user) lose their rows in the same transaction. Deliveries still being worked on (the erasure's own among them) stay until
 * they end, when their payload goes; their keys keep a retried click from erasing a second time.
 */
export async function deleteUser(db: Db, id: number): Promise<boolean> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`DELETE FROM rate_limits WHERE key = ${commandCounterKey(id)}`);
    await tx.execute(sql`
      DELETE FROM inbox i USING chat_identities c
       WHERE c.user_id = ${id} AND i.platform = c.platform AND i.workspace_id = c.workspace_id
         AND i.external_user_id = c.external_user_id AND i.status <> 'claimed'`);
    const deleted = await tx.delete(users).where(eq(users.id, id)).returning({ id: users.id });
    await tx.delete(auditLog).where(eq(auditLog.userId, id));
    return deleted.length > 0;
  });
}

export interface SpotifyLink {
  spotifyId: string;
  accessToken: string;
  refreshToken: string | null;
}

const tokenContext = (
  userId: number,
  column: 'spotify_access_token' | 'spotify_refresh_token',
): CipherContext => ({
  table: 'users',
  column,
  userId,
});

/** Stores the Spotify account and its tokens; the tokens are written only as ciphertext. */
export async function saveSpotifyLink(
  db: Db,
  cipher: FieldCipher,
  userId: number,
  link: SpotifyLink,
): Promise<void> {
  await db
    .update(users)
    .set({
      spotifyId: storableText(link.spotifyId, 'Spotify id'),
      spotifyAccessToken: cipher.encrypt(link.accessToken, tokenContext(userId, 'spotify_access_token')),
      spotifyRefreshToken:
        link.refreshToken === null
          ? null
          : cipher.encrypt(link.refreshToken, tokenContext(userId, 'spotify_refresh_token')),
    })
    .where(eq(users.id, userId));
}

/** The decrypted Spotify link, or undefined when the user has none. */
export async function readSpotifyLink(
  db: Db,
  cipher: FieldCipher,
  userId: number,
): Promise<SpotifyLink | undefined> {
  const [row] = await db
    .select({
      spotifyId: users.spotifyId,
      access: users.spotifyAccessToken,
      refresh: users.spotifyRefreshToken,
    })
    .from(users)
    .where(eq(users.id, userId));
  if (!row?.spotifyId || !row.access) return undefined;
  return {
    spotifyId: row.spotifyId,
    accessToken: cipher.decrypt(row.access, tokenContext(userId, 'spotify_access_token')),
    refreshToken: row.refresh
      ? cipher.decrypt(row.refresh, tokenContext(userId, 'spotify_refresh_token'))
      : null,
  };
}

/**
 * Forgets the Spotify account and both tokens, without reading them (so also tokens that no configured
 * key decrypts). True when there was something to forget.
 */
export async function clearSpotifyLink(db: Db, userId: number): Promise<boolean> {
  const cleared = await db
    .update(users)
    .set({ spotifyId: null, spotifyAccessToken: null, spotifyRefreshToken: null })
    .where(
      and(
        eq(users.id, userId),
        or(
          isNotNull(users.spotifyId),
          isNotNull(users.spotifyAccessToken),
          isNotNull(users.spotifyRefreshToken),
        ),
      ),
    )
    .returning({ id: users.id });
  return cleared.length > 0;
}
