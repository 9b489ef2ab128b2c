import { canonicalTimeZone } from '../../core/commands/index.js';
import type { Logger } from '../../core/logger.js';
import { LruCache } from '../../core/lru-cache.js';
import { slackApiFailure, userInfoSchema } from './payloads.js';
import type { WebClient } from './slack-api.js';

/** What a Slack profile tells MoodScale about a new user. */
export interface SlackProfile {
  /** The profile's IANA time zone, when Slack has one MoodScale knows. */
  timeZone?: string;
  displayName?: string;
}

/**
 * users.info, asked once per user per process (the first command this process sees from them) and
 * remembered: the time zone only matters when the dispatcher creates the user, so later answers add
 * nothing. A failure or a slow answer (over `timeoutMs`) just means no default zone.
 */
export function createProfileLookup(deps: { client: WebClient; logger: Logger; timeoutMs?: number }) {
  const { client, logger } = deps;
  const timeoutMs = deps.timeoutMs ?? 2000;
  const cache = new LruCache<string, Promise<SlackProfile>>(50_000, 24 * 3_600_000);
  let warnedScope = false;

  async function fetchProfile(userId: string): Promise<SlackProfile> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), timeoutMs);
    });
    try {
      const answer = await Promise.race([client.users.info({ user: userId }), timeout]);
      if (answer === undefined) return {};
      const parsed = userInfoSchema.safeParse(answer);
      if (!parsed.success) return {};
      const { user } = parsed.data;
      const profile: SlackProfile = {};
      const zone = user.tz ? canonicalTimeZone(user.tz) : undefined;
      if (zone) profile.timeZone = zone;
      const name = user.profile?.display_name || user.profile?.real_name || user.real_name || user.name;
      if (name) profile.displayName = name;
      return profile;
    } catch (error) {
      const failure = slackApiFailure(error);
      if (failure?.error === 'missing_scope' && !warnedScope) {
        warnedScope = true;
        logger.warn(
          'Slack users.info needs the users:read scope: new users get UTC instead of their profile time zone. ' +
            'Add users:read under OAuth & Permissions > Bot Token Scopes and reinstall the app.',
        );
      } else {
        logger.debug({ err: error, userId }, 'Slack users.info failed; no default time zone');
      }
      return {};
    } finally {
      clearTimeout(timer);
    }
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
        found = fetchProfile(userId);
        cache.set(key, found);
      }
      return found;
    },
  };
}
