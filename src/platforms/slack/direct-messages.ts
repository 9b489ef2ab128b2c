import type { Reply } from '../../core/commands/index.js';
import type { Logger } from '../../core/logger.js';
import { slackApiFailure } from './payloads.js';
import { renderSlackMessage } from './render.js';
import { createDmChannels, sleep, uploadFiles, type WebClient, withRateLimit } from './slack-api.js';

export type DirectResult = 'sent' | 'blocked' | 'failed';

/**
 * Errors that mean this user cannot get a DM from the bot, now or on a retry: the account is a bot,
 * gone or deactivated, or the token may not open DMs. A caller (the weekly digest) stops trying.
 */
const BLOCKED = new Set([
  'cannot_dm_bot',
  'user_not_found',
  'user_not_visible',
  'user_disabled',
  'account_inactive',
  'not_allowed_token_type',
  'channel_not_found',
  'is_archived',
  'messages_tab_disabled',
  'restricted_action',
]);

export interface DirectMessenger {
  send(externalUserId: string, workspaceId: string, reply: Reply): Promise<DirectResult>;
}

/**
 * Direct messages: conversations.open, then chat.postMessage with the rendered reply, then its files
 * (files.uploadV2 into the DM). Sends are serialised and spaced `intervalMs` apart, since Slack allows
 * about one message a second per channel and a digest run sends many in a row.
 */
export function createDirectMessenger(deps: {
  client: WebClient;
  logger: Logger;
  intervalMs: number;
  now?: () => Date;
  /** Names commands as the workspace types them (SLACK_COMMAND_PREFIX). */
  renameCommands?: (text: string) => string;
}): DirectMessenger {
  const { client, logger, intervalMs } = deps;
  const now = deps.now ?? (() => new Date());
  const openDm = createDmChannels(client);
  let queue: Promise<unknown> = Promise.resolve();
  let lastSentAt = Number.NEGATIVE_INFINITY;

  async function deliver(userId: string, workspaceId: string, reply: Reply): Promise<DirectResult> {
    const wait = lastSentAt + intervalMs - Date.now();
    if (wait > 0) await sleep(wait);
    lastSentAt = Date.now();
    try {
      const channel = await openDm(userId);
      const message = renderSlackMessage(reply, {
        now: now(),
        ...(deps.renameCommands ? { renameCommands: deps.renameCommands } : {}),
      });
      await withRateLimit(() =>
        client.chat.postMessage({ channel, text: message.text, blocks: message.blocks, unfurl_links: false }),
      );
      await uploadFiles(client, channel, reply.files ?? []);
      return 'sent';
    } catch (error) {
      const failure = slackApiFailure(error);
      if (failure && BLOCKED.has(failure.error)) {
        logger.info({ workspaceId, userId, error: failure.error }, 'Slack DM not possible for this user');
        return 'blocked';
      }
      logger.warn({ err: error, workspaceId, userId, error: failure?.error }, 'Slack DM failed');
      return 'failed';
    } finally {
      lastSentAt = Date.now();
    }
  }

  return {
    send(userId, workspaceId, reply) {
      const result = queue.then(() => deliver(userId, workspaceId, reply));
      queue = result.catch(() => undefined);
      return result;
    },
  };
}
