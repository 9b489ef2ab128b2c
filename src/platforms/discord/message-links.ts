import type { Client, Message } from 'discord.js';
import type { Clock } from '../../core/clock.js';
import type { Reply } from '../../core/commands/index.js';
import type { Logger } from '../../core/logger.js';
import type { SpotifyLink } from '../../integrations/music-types.js';
import { findSpotifyLinks } from '../../integrations/spotify/link-parser.js';
import type { Outcome } from '../dispatcher.js';
import type { DeliveryRunner } from '../inbox/delivery-runner.js';
import { channelOf, invocationOf, userOf } from './delivery-invocation.js';
import { type DiscordDelivery, discordDeliveryKey } from './discord-deliveries.js';
import { RECORD_DEADLINE_MS } from './interaction-answers.js';
import { renderMessage } from './render.js';

/** At most this many links of one message are analysed (each is a /share, with its outbound calls). */
export const MAX_LINKS_PER_MESSAGE = 3;

/** The link as text /share reads: a canonical open.spotify.com URL, or the short link as found. */
export function spotifyLinkUrl(link: SpotifyLink): string {
  return link.kind === 'short' ? link.url : `https://open.spotify.com/${link.kind}/${link.id}`;
}

/** What posting a reply to a message in its channel needs. */
export interface MessageReplyDeps {
  client: Client;
  clock: Clock;
  log: Logger;
}

/** What answering links in ordinary messages needs. */
export interface MessageLinkDeps extends MessageReplyDeps {
  inbox: DeliveryRunner;
  /** False while starting up and once stopping: messages are then left alone. */
  state: { readonly accepting: boolean };
}

/**
 * A server message (DISCORD_MESSAGE_CONTENT=true): each Spotify track link in it, at most
 * MAX_LINKS_PER_MESSAGE, is shared for its author and answered with a reply card. Bots (MoodScale
 * included), webhooks and system messages are ignored; private answers (errors, albums) are not posted.
 */
export async function onMessage(deps: MessageLinkDeps, message: Message): Promise<void> {
  const { client, inbox, log, state } = deps;
  if (!state.accepting) return;
  if (message.author.bot || message.webhookId !== null || message.system) return;
  if (message.author.id === client.user?.id) return;
  const links = findSpotifyLinks(message.content, MAX_LINKS_PER_MESSAGE);
  let notSaved = false;
  for (const [index, link] of links.entries()) {
    const delivery: DiscordDelivery = {
      kind: 'message',
      receivedAt: Date.now(),
      messageId: message.id,
      user: userOf(message.author),
      channel: channelOf(message),
      url: spotifyLinkUrl(link),
    };
    const deliveryKey = discordDeliveryKey.message(message.id, index);
    const invocation = invocationOf(delivery);
    const recorded = await inbox.record(
      { deliveryKey, identity: invocation.identity, kind: 'message', command: 'share', payload: delivery },
      RECORD_DEADLINE_MS,
    );
    if (recorded !== 'new') {
      if (recorded === 'unsaved') {
        log.warn({ messageId: message.id }, 'a Spotify link in a message was not recorded');
        notSaved = true;
      }
      continue;
    }
    const { reply, outcome } = await inbox.run({ ...invocation, deliveryKey });
    const answered = await replyToMessage(deps, delivery, reply, outcome).then(
      () => true,
      (error: unknown) => {
        log.warn({ err: error, messageId: message.id }, 'could not answer a Spotify link in a message');
        return false;
      },
    );
    await inbox.finish(deliveryKey, answered);
  }
  // Discord never delivers a message again, so the author is told (once, whatever the links).
  if (notSaved) await tellLinkNotSaved(deps, message);
}

/** A Spotify link in a message that the database did not take: nothing will bring it back. */
export const LINK_NOT_SAVED =
  ':warning: MoodScale could not take this Spotify link: its database did not answer. Nothing was ' +
  'saved; please share it again in a minute, or use `/share`.';

async function tellLinkNotSaved(deps: MessageReplyDeps, message: Message): Promise<void> {
  try {
    await message.reply({ content: LINK_NOT_SAVED, allowedMentions: { parse: [], repliedUser: false } });
  } catch (error) {
    deps.log.warn(
      { err: error, messageId: message.id },
      'could not tell the author that a link was not saved',
    );
  }
}

/** A public answer to a link is a reply to its message; a private one (an error, an album) is not posted. */
export async function replyToMessage(
  deps: MessageReplyDeps,
  delivery: Extract<DiscordDelivery, { kind: 'message' }>,
  reply: Reply,
  outcome?: Outcome['outcome'],
): Promise<void> {
  const { client, clock, log } = deps;
  if (reply.visibility !== 'public') {
    log.debug(
      { messageId: delivery.messageId, channelId: delivery.channel.channelId, outcome },
      'a Spotify link in a message got a private answer; nothing posted in the channel',
    );
    return;
  }
  const channel = delivery.channel.channelId ? await client.channels.fetch(delivery.channel.channelId) : null;
  if (!channel?.isSendable()) throw new Error(`cannot post in channel ${delivery.channel.channelId}`);
  await channel.send({
    ...renderMessage(reply, { now: clock.now() }),
    reply: { messageReference: delivery.messageId, failIfNotExists: false },
    allowedMentions: { parse: [], repliedUser: false },
  });
}
