import type { Reply } from '../../core/commands/index.js';

/** How a direct message went: delivered, refused by the user's privacy settings, or failed otherwise. */
import type { DirectMessageOptions, DirectMessageResult } from '../../services/direct-messages.js';

export type { DirectMessageResult };

/**
 * Sends a reply to one user privately, outside any command (the weekly digest). Implementations space
 * messages out to respect the platform's limits and never retry a user who does not accept them.
 */
export interface DirectMessenger {
  sendDirect(
    externalUserId: string,
    reply: Reply,
    options?: DirectMessageOptions,
  ): Promise<DirectMessageResult>;
}
