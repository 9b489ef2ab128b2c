import type { Reply } from '../core/commands/index.js';
import type { IdentityKey } from '../core/identity.js';
import type { DirectMessageOptions, DirectMessageResult, SendDirect } from '../services/direct-messages.js';

export type { DirectMessageResult, SendDirect };

/** What can send a direct message on each platform (the adapters that are running). */
export interface DirectChannels {
  discord?: {
    sendDirect(
      externalUserId: string,
      reply: Reply,
      options?: DirectMessageOptions,
    ): Promise<DirectMessageResult>;
  };
  slack?: {
    sendDirect(
      externalUserId: string,
      workspaceId: string,
      reply: Reply,
      options?: DirectMessageOptions,
    ): Promise<DirectMessageResult>;
  };
}

/**
 * One entry point for direct messages (the weekly digest, check-in prompts): routes by platform and records a refusal so
 * the user hears about it on their next command. An account on a platform that is not running fails.
 */
export function createSendDirect(
  channels: DirectChannels,
  onBlocked: (to: IdentityKey) => Promise<void>,
): SendDirect {
  return async (to, reply, options) => {
    let result: DirectMessageResult = 'failed';
    if (to.platform === 'discord' && channels.discord)
      result = await channels.discord.sendDirect(to.externalUserId, reply, options);
    if (to.platform === 'slack' && channels.slack) {
      result = await channels.slack.sendDirect(to.externalUserId, to.workspaceId, reply, options);
    }
    if (result === 'blocked') await onBlocked(to);
    return result;
  };
}
