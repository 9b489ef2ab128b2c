import { z } from 'zod';
import type { Logger } from '../../core/logger.js';
import type { Invocation } from '../dispatcher.js';
import { slackApiFailure } from './payloads.js';
import { type WebClient, withRateLimit } from './slack-api.js';

/** conversations.info's answer, as far as membership goes. */
const conversationInfoSchema = z.object({
  ok: z.literal(true),
  channel: z.object({ id: z.string(), is_member: z.boolean().optional() }),
});

/** Scopes conversations.info needs of a bot token: public channels, private channels. */
const READ_SCOPES = 'channels:read and groups:read';

/**
 * Whether the bot is a member of a channel, which it must be to post there (chat.postMessage answers
 * `not_in_channel` otherwise): conversations.info's `is_member`. A private channel the bot is not in is
 * hidden from it (`channel_not_found`), so that is a no too. Undefined when Slack did not say: the app
 * lacks channels:read or groups:read (logged once, with what to add), or the call failed.
 */
export function createChannelMembership(deps: {
  client: WebClient;
  logger: Logger;
}): (channelId: string) => Promise<boolean | undefined> {
  const { client, logger } = deps;
  let warnedScope = false;
  return async (channelId) => {
    try {
      const answer = conversationInfoSchema.safeParse(
        await withRateLimit(() => client.conversations.info({ channel: channelId })),
      );
      return answer.success ? answer.data.channel.is_member : undefined;
    } catch (error) {
      const failure = slackApiFailure(error);
      if (failure?.error === 'channel_not_found') return false;
      if (failure?.error === 'missing_scope') {
        if (!warnedScope) {
          warnedScope = true;
          logger.warn(
            { needed: failure.needed },
            `Slack conversations.info needs the ${READ_SCOPES} scopes: /channel-digest on cannot check that ` +
              'MoodScale is in the channel. Add them under OAuth & Permissions > Bot Token Scopes (or update ' +
              'the app from slack-manifest.yaml) and reinstall the app.',
          );
        }
        return undefined;
      }
      logger.warn(
        { err: error, channelId, error: failure?.error },
        'Slack conversations.info failed; channel membership unknown',
      );
      return undefined;
    }
  };
}

/**
 * `invocationOf` whose channel can also tell whether the bot is a member of it (asked of Slack only when
 * a command wants to know: /channel-digest on).
 */
export function withChannelMembership<D>(
  invocationOf: (delivery: D) => Invocation,
  botIsMember: (channelId: string) => Promise<boolean | undefined>,
): (delivery: D) => Invocation {
  return (delivery) => {
    const invocation = invocationOf(delivery);
    const { channel } = invocation;
    if (!channel) return invocation;
    return { ...invocation, channel: { ...channel, botIsMember: () => botIsMember(channel.channelId) } };
  };
}
