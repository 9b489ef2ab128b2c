import { z } from 'zod';
import { canonicalTimeZone } from '../../core/commands/index.js';
import type { Logger } from '../../core/logger.js';
import { LruCache } from '../../core/lru-cache.js';
import { slackApiFailure, userInfoSchema } from './payloads.js';
import type { WebClient } from './slack-api.js';
import type { UsersInfoAnswer } from './users-info.js';
import { createLimiter } from './work-queue.js';

/** users.info's answer when Slack refused (HTTP 200 with `ok: false`). */
const platformError = z.object({ ok: z.literal(false), error: z.string() });

/** What a Slack profile tells MoodScale about a new user. */
export interface SlackProfile {
  /** The profile's IANA time zone, when Slack has one MoodScale knows. */
  timeZone?: string;
  displayName?: string;
}

/**
 * users.info, asked for a user a command has just created (once per user per process) and remembered.
 * A failure or a slow answer (past the call's own timeout) just means the user keeps UTC.
 */
export function createProfileLookup(deps: {
  client: WebClient;
  /** users.info for the profile (see users-info.ts); the admin check goes through `client`. */
  usersInfo: (userId: string) => Promise<UsersInfoAnswer>;
  logger: Logger;
  /** users.info calls at once (4). */
  concurrency?: number;
  /**
   * Resolves when a lookup asked at `askedAt` (Date.now()) may start. Nobody waits for a profile, so
   * during a burst of commands the adapter holds lookups back until its commands are done, or until a
   * bounded while after they were asked: each one is an HTTP call and a write that would otherwise
   * share the CPU and the database with the answers still owed.
   */
  startWhen?: (askedAt: number) => Promise<void>;
}) {
  const { client, logger } = deps;
  const cache = new LruCache<string, Promise<SlackProfile>>(50_000, 24 * 3_600_000);
  // Nobody waits for a profile, so a burst of new users is asked a few at a time: no connection storm
  // competing with the commands, and gentler on Slack's per-method rate limit.
  const asking = createLimiter(deps.concurrency ?? 4);
  let warnedScope = false;

  async function fetchProfile(userId: string): Promise<SlackProfile> {
    const answer = await deps.usersInfo(userId);
    const failure = answer.ok ? platformError.safeParse(answer.body) : undefined;
    const error = answer.ok ? (failure?.success ? failure.data.error : undefined) : answer.error;
    if (error !== undefined) {
      if (error === 'missing_scope' && !warnedScope) {
        warnedScope = true;
        logger.warn(
          'Slack users.info needs the users:read scope: new users get UTC instead of their profile time zone. ' +
            'Add users:read under OAuth & Permissions > Bot Token Scopes and reinstall the app.',
        );
      } else {
        logger.debug({ error, userId }, 'Slack users.info failed; no default time zone');
      }
      return {};
    }
    const parsed = userInfoSchema.safeParse(answer.ok ? answer.body : undefined);
    if (!parsed.success) return {};
    const { user } = parsed.data;
    const profile: SlackProfile = {};
    const zone = user.tz ? canonicalTimeZone(user.tz) : undefined;
    if (zone) profile.timeZone = zone;
    const name = user.profile?.display_name || user.profile?.real_name || user.real_name || user.name;
    if (name) profile.displayName = name;
    return profile;
  }

  /**
   * Whether the user is a workspace admin or owner, asked of users.info every time (not cached: a
   * demotion must count at once, and only admin commands ask). Any failure answers false.
   */
  async function isAdmin(userId: string): Promise<boolean> {
    try {
      const parsed = userInfoSchema.safeParse(await client.users.info({ user: userId }));
      if (!parsed.success) return false;
      const { user } = parsed.data;
      return user.is_admin === true || user.is_owner === true || user.is_primary_owner === true;
    } catch (error) {
      logger.warn(
        { err: error, userId, error: slackApiFailure(error)?.error },
        'Slack users.info failed; the user is treated as not an admin',
      );
      return false;
    }
  }

  return {
    isAdmin,
    get(workspaceId: string, userId: string): Promise<SlackProfile> {
      const key = `${workspaceId}:${userId}`;
      let found = cache.get(key);
      if (!found) {
        const askedAt = Date.now();
        found = asking.run(async () => {
          await deps.startWhen?.(askedAt);
          return fetchProfile(userId);
        });
        cache.set(key, found);
      }
      return found;
    },
  };
}
