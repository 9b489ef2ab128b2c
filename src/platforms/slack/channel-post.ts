import type { Reply } from '../../core/commands/index.js';
import type { Logger } from '../../core/logger.js';
import type { ChannelPostResult } from '../channel-messages.js';
import { slackApiFailure } from './payloads.js';
import { renderSlackMessage } from './render.js';
import { type WebClient, withRateLimit } from './slack-api.js';

/** Errors that mean the bot cannot post in the channel until someone changes something. */
const REFUSED = new Set([
  'not_in_channel',
  'channel_not_found',
  'is_archived',
  'restricted_action',
  'missing_scope',
  'not_allowed_token_type',
  'team_access_not_granted',
]);

/**
 * Posts a reply in a channel with chat.postMessage, waiting out `ratelimited` answers as Slack's
 * retry-after asks. The bot must be a member of the channel (chat:write); links are not unfurled.
 */
export async function postSlackChannelMessage(
  client: WebClient,
  channelId: string,
  reply: Reply,
  logger: Logger,
  now: Date,
  renameCommands?: (text: string) => string,
): Promise<ChannelPostResult> {
  const message = renderSlackMessage(reply, { now, ...(renameCommands ? { renameCommands } : {}) });
  try {
    await withRateLimit(() =>
      client.chat.postMessage({
        channel: channelId,
        text: message.text,
        blocks: message.blocks,
        unfurl_links: false,
        unfurl_media: false,
      }),
    );
    return 'sent';
  } catch (error) {
    const failure = slackApiFailure(error);
    const refused = failure !== undefined && REFUSED.has(failure.error);
    logger[refused ? 'info' : 'warn'](
      { err: error, channelId, error: failure?.error },
      refused ? 'Slack refused the channel post (is the bot in the channel?)' : 'Slack channel post failed',
    );
    return refused ? 'refused' : 'failed';
  }
}
