import type { CommandChannel, Platform } from '../../core/commands/index.js';
import type { Logger } from '../../core/logger.js';
import { LruCache } from '../../core/lru-cache.js';
import type { Db } from '../../db/database.js';
import {
  type ChannelKey,
  disableChannelDigest,
  enableChannelDigest,
  findChannelDigest,
} from '../../db/repositories/channel-digest-channels.js';
import { noteWorkspaceMember } from '../../db/repositories/channel-vibe.js';

/** What commands need of channel posts: the switch, and who belongs to which Discord server. */
export interface ChannelDigestService {
  /** Turns the weekly post on or off; true when that changed something. */
  setEnabled(channel: ChannelKey, userId: number, enabled: boolean): Promise<boolean>;
  isEnabled(channel: ChannelKey): Promise<boolean>;
  /**
   * Remembers that a user used MoodScale in this channel's server, so an opt-in to the channel vibe
   * counts there. Only Discord needs it (Slack identities carry their workspace); never fails a command.
   */
  noteMember(userId: number, platform: Platform, channel: Pick<CommandChannel, 'workspaceId'>): Promise<void>;
}

export function createChannelDigestService(deps: {
  db: Db;
  logger: Logger;
  now: () => Date;
}): ChannelDigestService {
  // One write per user and server per hour at most: this runs on every command in a server.
  const noted = new LruCache<string, true>(50_000, 3_600_000);
  const log = deps.logger.child({ component: 'channel-digest' });
  return {
    async setEnabled(channel, userId, enabled) {
      return enabled ? enableChannelDigest(deps.db, channel, userId) : disableChannelDigest(deps.db, channel);
    },
    async isEnabled(channel) {
      return (await findChannelDigest(deps.db, channel)) !== undefined;
    },
    async noteMember(userId, platform, channel) {
      if (platform !== 'discord' || channel.workspaceId === '') return;
      const key = `${userId}:${channel.workspaceId}`;
      if (noted.get(key)) return;
      // Marked before the write, so a burst of commands from one person writes once.
      noted.set(key, true);
      try {
        await noteWorkspaceMember(deps.db, userId, platform, channel.workspaceId, deps.now());
      } catch (error) {
        noted.delete(key);
        log.warn({ err: error, userId }, 'could not note the server a user is in');
      }
    },
  };
}
