import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import type { Reply } from '../../core/commands/index.js';
import type { SpotifyLink } from '../../integrations/music-types.js';
import { findSpotifyLinks } from '../../integrations/spotify/link-parser.js';
import type { Outcome } from '../dispatcher.js';
import { arrivalOf } from './arrivals.js';
import { onDirectMessage, onSharedFile } from './direct-moods.js';
import type { MessageContext, ThreadContext } from './handler-context.js';
import { channelMessageEventSchema, slackApiFailure } from './payloads.js';
import { type SlackDelivery, slackDeliveryKey } from './slack-deliveries.js';
import { UnrecordedEvent } from './unrecorded-event.js';

export type MessageEventArgs = SlackEventMiddlewareArgs<'message'> & AllMiddlewareArgs;

/** A channel message's delivery: one Spotify link of it, answered in the message's thread. */
export type MessageDelivery = SlackDelivery & { kind: 'message' };

/** At most this many links of one message are analysed (each is a /share, with its outbound calls). */
export const MAX_LINKS_PER_MESSAGE = 3;

/** The link as text /share reads: a canonical open.spotify.com URL, or the short link as found. */
function spotifyLinkUrl(link: SpotifyLink): string {
  return link.kind === 'short' ? link.url : `https://open.spotify.com/${link.kind}/${link.id}`;
}

/** Shares one Spotify link of a channel message for its author and answers in its thread. */
async function answerLink(ctx: MessageContext, deliveryKey: string, delivery: MessageDelivery) {
  // As for commands: a user this share creates gets their profile after it, nobody waits for it.
  const lookupProfile = () => ctx.profiles.get(delivery.workspaceId, delivery.userId);
  const { reply, outcome } = await ctx.runCounted(() =>
    ctx.inbox.run({ ...ctx.invocationOf(delivery), deliveryKey, lookupProfile }),
  );
  await ctx.inbox.finish(deliveryKey, await answerInThread(ctx, delivery, reply, outcome));
}

/** A public answer to a link goes in the message's thread; a private one (an error, an album) nowhere. */
export async function answerInThread(
  ctx: ThreadContext,
  delivery: MessageDelivery,
  reply: Reply,
  outcome?: Outcome['outcome'],
): Promise<boolean> {
  if (reply.visibility !== 'public') {
    ctx.log.debug(
      { channel: delivery.channelId, ts: delivery.threadTs, outcome },
      'a Spotify link in a message got a private answer; nothing posted in the thread',
    );
    return true;
  }
  const rendered = ctx.render(reply);
  try {
    // No link_names: the card's text is escaped and mentions nobody.
    await ctx.api.chat.postMessage({
      channel: delivery.channelId,
      thread_ts: delivery.threadTs,
      text: rendered.text,
      blocks: rendered.blocks,
      unfurl_links: false,
      unfurl_media: false,
    });
    return true;
  } catch (error) {
    const failure = slackApiFailure(error);
    ctx.log.warn(
      { err: error, error: failure?.error, channel: delivery.channelId },
      'could not answer a Spotify link in the thread',
    );
    return false;
  }
}

/**
 * A message in a channel the bot is in: plain messages (and thread replies also sent to the channel)
 * by people, with Spotify links, are answered in their thread, each link (at most 3) a delivery of
 * its own. Bot posts, edits, deletions, joins and redeliveries are ignored; a message without a link
 * is not recorded at all. In the bot's DM a message may also be a mood, and a shared file is answered
 * with the command that reads it (see direct-moods.ts).
 */
export async function onMessage(ctx: MessageContext, { body, context }: MessageEventArgs): Promise<void> {
  const { log } = ctx;
  const arrival = arrivalOf(context);
  const parsed = channelMessageEventSchema.safeParse(body);
  if (!parsed.success) {
    log.debug({ issues: parsed.error.issues.map((i) => i.path.join('.')) }, 'Slack message event skipped');
    return;
  }
  const { event, team_id: teamId } = parsed.data;
  const shared = event.subtype === 'file_share';
  if (event.subtype !== undefined && event.subtype !== 'thread_broadcast' && !shared) return;
  if (event.bot_id !== undefined || event.user === undefined) return;
  if (context.botUserId !== undefined && event.user === context.botUserId) return;
  if (ctx.isStopping()) return;
  if (shared) {
    // A file shared in the DM is answered with the command that reads it; elsewhere it is no concern.
    if (event.channel_type === 'im') onSharedFile(ctx, event.channel, event.files ?? []);
    return;
  }
  const links = findSpotifyLinks(event.text, MAX_LINKS_PER_MESSAGE);
  const messageId = event.client_msg_id ?? event.ts;
  const user = event.user;
  if (event.channel_type === 'im') {
    const direct = { teamId, userId: user, channelId: event.channel, messageId, text: event.text };
    const handled = await onDirectMessage(
      ctx,
      { ...direct, retryNum: context.retryNum },
      arrival,
      links.length > 0,
    );
    if (handled) return;
  }
  const recorded = await Promise.all(
    links.map(async (link, index) => {
      const deliveryKey = slackDeliveryKey.message(teamId, event.channel, messageId, index);
      const delivery = {
        kind: 'message' as const,
        receivedAt: Date.now(),
        workspaceId: teamId,
        userId: user,
        channelId: event.channel,
        ...(event.channel_type ? { channelType: event.channel_type } : {}),
        // In the message's thread (the thread it is in, when it is a reply).
        threadTs: event.thread_ts ?? event.ts,
        url: spotifyLinkUrl(link),
      };
      return { deliveryKey, delivery, result: await ctx.record(deliveryKey, delivery, arrival) };
    }),
  );
  const fresh = recorded.filter((r) => r.result === 'new');
  if (recorded.some((r) => r.result === 'duplicate')) {
    log.info({ retryNum: context.retryNum, channel: event.channel }, 'Slack message redelivery ignored');
  }
  if (recorded.some((r) => r.result === 'unsaved')) {
    log.warn({ channel: event.channel }, 'a Spotify link in a message was not recorded; Slack will retry it');
    // Said once, to the author only, on Slack's first delivery: its retries come without a word.
    if (!context.retryNum) {
      const threadTs = event.thread_ts ?? event.ts;
      ctx.enqueue(() => tellLinkNotSaved(ctx, { channel: event.channel, user, threadTs }));
    }
    // Not acknowledged (events are answered after their listener, in both modes): Slack retries it later.
    throw new UnrecordedEvent('the inbox did not take a message event');
  }
  // Links of one message are answered in order, so the thread reads like the message.
  if (fresh.length > 0) {
    ctx.enqueue(async () => {
      for (const { deliveryKey, delivery } of fresh) await answerLink(ctx, deliveryKey, delivery);
    });
  }
}

/** A Spotify link in a channel that the database did not take: Slack delivers the message again. */
export const LINK_NOT_SAVED_YET =
  ':warning: I could not take your Spotify link yet: my database did not answer. Slack will send it to ' +
  'me again and I will answer in the thread once it is saved. No answer within a few minutes? Use ' +
  '`/share` with the link.';

/** Tells the author of the message, and no one else, that its link is not saved yet (logged if refused). */
async function tellLinkNotSaved(
  ctx: Pick<MessageContext, 'api' | 'log'>,
  to: { channel: string; user: string; threadTs: string },
): Promise<void> {
  try {
    await ctx.api.chat.postEphemeral({
      channel: to.channel,
      user: to.user,
      thread_ts: to.threadTs,
      text: LINK_NOT_SAVED_YET,
    });
  } catch (error) {
    ctx.log.warn(
      { err: error, error: slackApiFailure(error)?.error, channel: to.channel },
      'could not tell the author that a Spotify link is not saved yet',
    );
  }
}
