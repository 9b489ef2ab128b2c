import { type Client, Routes } from 'discord.js';
import type { Clock } from '../../core/clock.js';
import type { Reply } from '../../core/commands/index.js';
import type { Logger } from '../../core/logger.js';
import { LruCache } from '../../core/lru-cache.js';
import { DEFAULT_ATTACHMENT_SIZE_LIMIT } from './attachments.js';
import { DiscordCode, discordCodeOf } from './discord-errors.js';
import { createDmQueue, type DmQueue } from './dm-queue.js';
import { renderMessage } from './render.js';
import type { ReplySender } from './reply-sender.js';

export interface DirectMessageOptions {
  /** Least time between two messages of one queue. */
  intervalMs: number;
  retryDelayMs: number;
  onBlocked?: ((externalUserId: string) => Promise<void>) | undefined;
}

export interface DirectMessageDeps {
  client: Client;
  clock: Clock;
  log: Logger;
  sender: ReplySender;
  /**
   * The DM channel of each user messaged before (user id -> channel id): a known channel takes one
   * request (the message) instead of two. Opening DM channels goes through one discord.js queue, one
   * request at a time, so it is what bounds a burst of prompts to users messaged before.
   */
  channels?: DmChannelIds | undefined;
}

/** User ids to DM channel ids: bounded, a few dozen bytes each instead of a cached discord.js channel. */
export type DmChannelIds = LruCache<string, string>;

export function createDmChannelIds(maxEntries = 200_000): DmChannelIds {
  return new LruCache<string, string>(maxEntries, 7 * 24 * 3_600_000);
}

/** Direct messages through a queue, with their files fitted to Discord's default upload limit. */
export function createDirectMessages(options: DirectMessageOptions, deps: DirectMessageDeps): DmQueue {
  const { client, clock, log, sender, channels } = deps;
  return createDmQueue({
    send: async (externalUserId, reply) => {
      const known = channels?.get(externalUserId);
      if (
        known &&
        (reply.files ?? []).length === 0 &&
        (await postToKnownChannel(client, known, reply, clock))
      )
        return;
      // Not cached by discord.js: a digest to thousands of users must not leave thousands of channels in memory.
      const channel = await client.users.createDM(externalUserId, { cache: false });
      channels?.set(externalUserId, channel.id);
      await sender.sendFitted(reply, DEFAULT_ATTACHMENT_SIZE_LIMIT, (fitted) =>
        channel.send(renderMessage(fitted, { now: clock.now() })),
      );
    },
    intervalMs: options.intervalMs,
    retryDelayMs: options.retryDelayMs,
    maxAttempts: 3,
    onBlocked: options.onBlocked,
    logger: log,
  });
}

/**
 * Posts a reply without files to a DM channel known from before; false when Discord no longer knows
 * the channel (10003), so it is opened afresh. Any other error is the send's (50007 and the rest).
 */
async function postToKnownChannel(
  client: Client,
  channelId: string,
  reply: Reply,
  clock: Clock,
): Promise<boolean> {
  const message = renderMessage(reply, { now: clock.now() });
  try {
    await client.rest.post(Routes.channelMessages(channelId), {
      body: {
        ...(message.content !== undefined ? { content: message.content } : {}),
        embeds: message.embeds,
        components: message.components,
        allowed_mentions: { parse: [] },
      },
    });
    return true;
  } catch (error) {
    if (discordCodeOf(error) === DiscordCode.UnknownChannel) return false;
    throw error;
  }
}
