import { randomBytes } from 'node:crypto';
import { UserError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { LruCache } from '../core/lru-cache.js';
import { createStatementGroup } from '../core/statement-group.js';
import type { Db } from '../db/database.js';
import {
  type AccountProfileUpdate,
  applyAccountProfiles,
  findIdentityUser,
  type IdentityKey,
  type IdentityToResolve,
  type IdentityUser,
  type ResolvedIdentity,
  resolveIdentityUsers,
  usernameFor,
} from '../db/repositories/chat-identities.js';
import { storableText } from '../db/repositories/text-guard.js';
import { updateUserSettings } from '../db/repositories/user-settings.js';
import { chatIdentities, type User, users } from '../db/schema/index.js';

/** The MoodScale user behind a chat account, with what every command needs to know about them. */
export interface ResolvedUser {
  id: number;
  username: string;
  identityId: number;
  timeZone: string;
  /** A platform refused a direct message to this user since they last used a command. */
  dmBlocked: boolean;
}

/** What a platform's profile says about an account (Slack's users.info). */
export interface AccountProfile {
  timeZone?: string | undefined;
  displayName?: string | undefined;
}

export interface ResolveOptions {
  displayName?: string | null;
  /** Time zone for a user created now (Slack passes the profile's zone). */
  defaultTimeZone?: string;
  /**
   * Asks the platform for the account's profile. Called only when this resolve creates the user, after
   * creating it: the user gets the profile's time zone (unless they chose one meanwhile) and display
   * name once it arrives, and no command waits for it.
   */
  lookupProfile?: () => Promise<AccountProfile>;
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

class LostRace extends Error {}

/** The account's name, or the name with a short suffix when it is taken (an unlinked account's old user). */
async function createUserWithFreeName(db: Db, base: string): Promise<User> {
  const [user] = await db.insert(users).values({ username: base }).onConflictDoNothing().returning();
  if (user) return user;
  const [suffixed] = await db
    .insert(users)
    .values({ username: `${base}#${randomBytes(3).toString('hex')}` })
    .returning();
  return suffixed!;
}

/** Resolve statements at once; the rest wait and leave together. */
const RESOLVES_IN_FLIGHT = 4;
/** How long a late profile waits for others to share its statement. */
const PROFILE_WRITE_LINGER_MS = 20;

const cacheKey = (key: IdentityKey) => `${key.platform}\u0001${key.workspaceId}\u0001${key.externalUserId}`;

export function createIdentityService(deps: { db: Db; logger: Logger }): IdentityService {
  const { db } = deps;
  const log = deps.logger.child({ component: 'identities' });
  // Commands arrive in bursts per user; caching skips two queries on every command after the first.
  const cache = new LruCache<string, ResolvedUser>(10_000, 60_000);

  const resolvedOf = (found: IdentityUser): ResolvedUser => ({
    id: found.userId,
    username: found.username,
    identityId: found.identityId,
    timeZone: found.timeZone,
    dmBlocked: found.dmBlocked,
  });

  async function lookup(key: IdentityKey): Promise<ResolvedUser | undefined> {
    const found = await findIdentityUser(db, key);
    return found ? resolvedOf(found) : undefined;
  }

  /**
   * User and identity are created in one transaction; when another request attached the account
   * first, the identity insert does nothing and the transaction is rolled back, so no orphan user is
   * left and both requests resolve to the winner's user.
   */
  async function create(key: IdentityKey, options: ResolveOptions): Promise<ResolvedUser> {
    await db
      .transaction(async (tx) => {
        const user = await createUserWithFreeName(tx, usernameFor(key));
        const [identity] = await tx
          .insert(chatIdentities)
          .values({
            userId: user.id,
            platform: key.platform,
            workspaceId: storableText(key.workspaceId, 'workspace id'),
            externalUserId: storableText(key.externalUserId, 'user id'),
            displayName: storableText(options.displayName ?? null, 'display name'),
          })
          .onConflictDoNothing()
          .returning({ id: chatIdentities.id });
        if (!identity) throw new LostRace();
        if (options.defaultTimeZone)
          await updateUserSettings(tx, user.id, { timeZone: options.defaultTimeZone });
      })
      .catch((error: unknown) => {
        if (!(error instanceof LostRace)) throw error;
      });
    const resolved = await lookup(key);
    if (!resolved) throw new Error('identity vanished while resolving');
    return resolved;
  }

  // New users' profiles arrive a few at a time after their commands; nobody waits on them, so those
  // arriving close together are written in one statement.
  const profileWrites = createStatementGroup<AccountProfileUpdate, string | undefined>(
    (accounts) => applyAccountProfiles(db, accounts),
    { maxInFlight: 1, lingerMs: PROFILE_WRITE_LINGER_MS },
  );

  // Accounts resolved while earlier ones are in flight share one statement: during a burst of new users
  // that is one round trip and one commit for many commands instead of one each. A lone one leaves at once.
  const resolves = createStatementGroup<IdentityToResolve, ResolvedIdentity | UserError>(
    (accounts) => resolveIdentityUsers(db, accounts),
    { maxInFlight: RESOLVES_IN_FLIGHT },
  );

  // A burst from one account before its first answer (a flood) shares one lookup instead of racing
  // hundreds of lookups and creations; entries leave as soon as they settle, so this stays small.
  const pending = new Map<string, Promise<ResolvedUser>>();

  async function load(key: IdentityKey, k: string, options: ResolveOptions): Promise<ResolvedUser> {
    // Found or created in one round trip; a taken username or a lost race takes the careful path.
    const found = await resolves.run({
      key,
      displayName: options.displayName ?? null,
      timeZone: options.defaultTimeZone,
    });
    if (found instanceof UserError) throw found;
    const user =
      typeof found === 'object' ? resolvedOf(found) : ((await lookup(key)) ?? (await create(key, options)));
    cache.set(k, user);
    if (typeof found === 'object' && found.created && options.lookupProfile) {
      void applyProfileLater(k, user, options.lookupProfile);
    }
    return user;
  }

  /** A new user's profile, once it arrives; the cached copy follows the stored zone. Never throws. */
  async function applyProfileLater(k: string, user: ResolvedUser, lookup: () => Promise<AccountProfile>) {
    try {
      const profile = await lookup();
      if (profile.timeZone === undefined && profile.displayName === undefined) return;
      const zone = await profileWrites.run({
        userId: user.id,
        identityId: user.identityId,
        timeZone: profile.timeZone,
        displayName: profile.displayName,
      });
      const cached = cache.get(k);
      if (zone !== undefined && cached?.id === user.id) cache.set(k, { ...cached, timeZone: zone });
    } catch (error) {
      log.warn({ err: error, userId: user.id }, "a new user's profile could not be stored; they keep UTC");
    }
  }

  return {
    resolve(key, options = {}) {
      const k = cacheKey(key);
      const cached = cache.get(k);
      if (cached) return Promise.resolve(cached);
      const inFlight = pending.get(k);
      if (inFlight) return inFlight;
      const loading = load(key, k, options).finally(() => pending.delete(k));
      pending.set(k, loading);
      return loading;
    },
    forget(userId) {
      cache.deleteWhere((u) => u.id === userId);
    },
  };
}
