import { reply as replies } from '../../core/commands/index.js';
import { PLAIN_MESSAGE_HINT, readPlainMessage } from '../../core/commands/plain-mood.js';
import { fileCommandOf, sharedFileHint } from '../shared-file-hint.js';
import type { Arrival } from './arrivals.js';
import type { MessageContext } from './handler-context.js';
import { slackApiFailure } from './payloads.js';
import { decodeSlackEntities, type SlackMessage } from './render.js';
import { type SlackDelivery, slackDeliveryKey } from './slack-deliveries.js';
import { UnrecordedEvent } from './unrecorded-event.js';

/** A message someone wrote to the bot in its DM (the messages tab; `message.im` with `im:history`). */
export interface DirectMessage {
  teamId: string;
  userId: string;
  channelId: string;
  /** client_msg_id, or the message's ts: the same across Slack's retries of the event. */
  messageId: string;
  text: string;
  retryNum: number | undefined;
}

type DirectDelivery = SlackDelivery & { kind: 'direct' };

/**
 * A DM that reads as a mood ("6", "6 tired, anxious -- long day", "6/10") is recorded and run as
 * `/mood`, and answered in the DM; anything else gets a short hint of the form. Returns false for a
 * message that is not a mood but holds a Spotify link, which the caller shares instead.
 */
export async function onDirectMessage(
  ctx: MessageContext,
  message: DirectMessage,
  arrival: Arrival,
  hasLinks: boolean,
): Promise<boolean> {
  const read = readPlainMessage(decodeSlackEntities(message.text));
  if (read.kind === 'hint') {
    if (hasLinks) return false;
    ctx.enqueue(async () => {
      await post(ctx, message.channelId, { text: PLAIN_MESSAGE_HINT });
    });
    return true;
  }
  const delivery: DirectDelivery = {
    kind: 'direct',
    receivedAt: Date.now(),
    workspaceId: message.teamId,
    userId: message.userId,
    channelId: message.channelId,
    messageId: message.messageId,
    text: read.args,
  };
  const deliveryKey = slackDeliveryKey.direct(message.teamId, message.channelId, message.messageId);
  const recorded = await ctx.record(deliveryKey, delivery, arrival);
  if (recorded === 'duplicate') {
    ctx.log.info({ retryNum: message.retryNum }, 'Slack direct message redelivery ignored');
    return true;
  }
  if (recorded === 'unsaved') {
    ctx.log.warn('a mood sent as a direct message was not recorded; Slack will retry it');
    // Said once, on Slack's first delivery: its retries come without a word until one is saved.
    if (!message.retryNum) ctx.enqueue(async () => void (await post(ctx, message.channelId, NOT_SAVED_YET)));
    // Not acknowledged (events are answered after their listener, in both modes): Slack retries it later.
    throw new UnrecordedEvent('the inbox did not take a direct message');
  }
  ctx.enqueue(async () => {
    const lookupProfile = () => ctx.profiles.get(delivery.workspaceId, delivery.userId);
    const { reply } = await ctx.runCounted(() =>
      ctx.inbox.run({ ...ctx.invocationOf(delivery), deliveryKey, lookupProfile }),
    );
    await ctx.inbox.finish(deliveryKey, await post(ctx, delivery.channelId, ctx.render(reply)));
  });
  return true;
}

/**
 * A file shared in the DM with the bot, without a command (`message` subtype `file_share`): when a
 * command reads files (/import, which finds this file), one line says to run it; otherwise nothing.
 * Not recorded: like the hint to a message that is not a mood, it changes nothing.
 */
export function onSharedFile(
  ctx: Pick<MessageContext, 'api' | 'log' | 'render' | 'inbox' | 'enqueue'>,
  channelId: string,
  files: readonly { name?: string | undefined }[],
): void {
  const command = fileCommandOf(ctx.inbox.registry);
  if (command === undefined) return;
  const text = sharedFileHint(files[0]?.name ?? '', command, 'slack');
  ctx.enqueue(async () => {
    await post(ctx, channelId, ctx.render(replies.private(text)));
  });
}

/** A mood written in the DM that the database did not take: Slack delivers it again (not acknowledged). */
export const NOT_SAVED_YET = {
  text:
    ":warning: I could not save that yet: my database did not answer. Slack will send it to me again, and I'll " +
    'confirm here once it is saved. No confirmation within a few minutes? Please send it again.',
};

/** Posts in the DM; false (logged) when Slack refuses. */
async function post(
  ctx: Pick<MessageContext, 'api' | 'log'>,
  channel: string,
  message: { text: string; blocks?: SlackMessage['blocks'] },
): Promise<boolean> {
  try {
    await ctx.api.chat.postMessage({
      channel,
      text: message.text,
      ...(message.blocks ? { blocks: message.blocks } : {}),
      unfurl_links: false,
      unfurl_media: false,
    });
    return true;
  } catch (error) {
    ctx.log.warn(
      { err: error, error: slackApiFailure(error)?.error, channel },
      'could not answer a direct message',
    );
    return false;
  }
}
