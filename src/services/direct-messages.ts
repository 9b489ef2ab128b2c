import type { Reply } from '../core/commands/index.js';
import type { IdentityKey } from '../core/identity.js';

/** How a direct message went: 'blocked' when this account can never get one (a bot, gone, DMs closed). */
export type DirectMessageResult = 'sent' | 'blocked' | 'failed';

/**
 * Sends a reply to a chat account privately, on whichever platform it lives. Declared here, where the
 * weekly digest needs it; the platforms implement it (src/platforms/direct-messages.ts) and app.ts wires it.
 */
export type SendDirect = (
  to: IdentityKey,
  reply: Reply,
  options?: DirectMessageOptions,
) => Promise<DirectMessageResult>;

/**
 * 'digest' (the default): one at a time, spaced, as a weekly batch can afford. 'prompt': check-in
 * prompts due in the same minute go several at once, paced by the platform client to the platform's
 * limits (Discord's 50 requests a second, Slack's Retry-After), so a popular hour is not an hour late.
 */
export interface DirectMessageOptions {
  lane?: 'digest' | 'prompt';
}
