import { LruCache } from '../core/lru-cache.js';
import type { Db } from '../db/database.js';
import {
  attachIdentity,
  findIdentity,
  type IdentityKey,
  touchIdentity,
} from '../db/repositories/chat-identities.js';
import { getUserSettings, updateUserSettings } from '../db/repositories/user-settings.js';
import { deleteUser, findOrCreateUserByUsername } from '../db/repositories/users.js';

/** The MoodScale user behind a chat account, with what every command needs to know about them. */
export interface ResolvedUser {
  id: number;
  username: string;
  identityId: number;
  timeZone: string;
}

export interface ResolveOptions {
  displayName?: string | null;
  /** Time zone for a user created now (Slack passes the profile's zone). */
  defaultTimeZone?: string;
}

export interface IdentityService {
  /**
   * Finds the user of a chat account, creating user and identity on first contact. Concurrent first
   * commands of one account resolve to the same user (the username derived from the account is unique).
   */
  resolve(key: IdentityKey, options?: ResolveOptions): Promise<ResolvedUser>;
  /** Drops cached lookups of a user (after settings change, linking or erasure). */
  forget(userId: number): void;
}

/** A username that is unique per chat account and says where it came from. */
export function usernameFor(key: IdentityKey): string {
  return [key.platform, key.workspaceId, key.externalUserId].filter(Boolean).join(':');
}

const cacheKey = (key: IdentityKey) => `${key.platform}\u0001${key.workspaceId}\u0001${key.externalUserId}`;

export function createIdentityService(deps: { db: Db }): IdentityService {
  const { db } = deps;
  // Commands arrive in bursts per user; caching skips two queries on every command after the first.
  const cache = new LruCache<string, ResolvedUser>(10_000, 60_000);

  async function lookup(key: IdentityKey): Promise<ResolvedUser | undefined> {
    const found = await findIdentity(db, key);
    if (!found) return undefined;
    const settings = await getUserSettings(db, found.user.id);
    return {
      id: found.user.id,
      username: found.user.username,
      identityId: found.identity.id,
      timeZone: settings.timeZone,
    };
  }

  async function create(key: IdentityKey, options: ResolveOptions): Promise<ResolvedUser> {
    const { user, created } = await findOrCreateUserByUsername(db, usernameFor(key));
    const identity = await attachIdentity(db, key, user.id, options.displayName);
    if (identity.userId !== user.id && created) {
      // Another request attached this account to a different user first: ours is unused.
      await deleteUser(db, user.id);
    } else if (created && options.defaultTimeZone) {
      await updateUserSettings(db, user.id, { timeZone: options.defaultTimeZone });
    }
    const resolved = await lookup(key);
    if (!resolved) throw new Error('identity vanished while resolving');
    return resolved;
  }

  return {
    async resolve(key, options = {}) {
      const k = cacheKey(key);
      const cached = cache.get(k);
      if (cached) return cached;
      let user = await lookup(key);
      if (user) await touchIdentity(db, user.identityId);
      else user = await create(key, options);
      cache.set(k, user);
      return user;
    },
    forget(userId) {
      cache.deleteWhere((u) => u.id === userId);
    },
  };
}
