import type { Platform, Reply } from '../core/commands/index.js';
import type { ChannelPostResult, SendToChannel } from '../services/channel-digest/run-channel-digests.js';

export type { ChannelPostResult, SendToChannel };

/** What can post in a channel on each platform (the adapters that are running). */
export interface ChannelPosters {
  discord?: { sendToChannel(channelId: string, reply: Reply): Promise<ChannelPostResult> };
  slack?: { sendToChannel(channelId: string, reply: Reply): Promise<ChannelPostResult> };
}

/**
 * One entry point for public posts in channels (the weekly channel post): routes by platform. Slack runs
 * one workspace per bot token, so the workspace id only identifies; a platform that is not running
 * (or the console, which has no channels) fails.
 */
export function createSendToChannel(posters: ChannelPosters): SendToChannel {
  return async (platform: Platform, _workspaceId: string, channelId: string, reply: Reply) => {
    if (platform === 'discord' && posters.discord) return posters.discord.sendToChannel(channelId, reply);
    if (platform === 'slack' && posters.slack) return posters.slack.sendToChannel(channelId, reply);
    return 'failed';
  };
}
