import type { RespondArguments } from '@slack/bolt';
import type { Reply } from '../../core/commands/index.js';
import type { DirectMessenger } from './direct-messages.js';
import type { SlackHandlerContext, Target } from './handler-context.js';
import { answerInThread } from './message-links.js';
import { slackApiFailure } from './payloads.js';
import { uploadFiles, type WebClient, withRateLimit } from './slack-api.js';
import { RESPONSE_URL_WINDOW_MS, type SlackDelivery, slackDeliverySchema } from './slack-deliveries.js';

/** Bound on a post to response_url (ours, and Bolt's respond() through fetchWithTimeout in receiver.ts). */
export const RESPOND_TIMEOUT_MS = 15_000;

/** What delivering a reply needs: `openDm` opens (or recalls) the DM channel with a user. */
export type DeliverContext = Pick<SlackHandlerContext, 'log' | 'api' | 'render'> & {
  openDm: (userId: string) => Promise<string>;
};

/** What answering a resumed delivery needs: `direct` DMs the user once response_url has expired. */
export type LateAnswerContext = DeliverContext &
  Pick<SlackHandlerContext, 'now'> & {
    direct: Pick<DirectMessenger, 'send'>;
  };

/**
 * Uploads the files (DM, or the channel for a public reply), then answers with a note on where they
 * went; false when the answer itself was refused.
 */
export async function deliver(ctx: DeliverContext, reply: Reply, target: Target): Promise<boolean> {
  const { log } = ctx;
  let filesNote: string | undefined;
  const files = reply.files ?? [];
  if (files.length > 0) {
    const names = files.map((f) => f.name).join(', ');
    const inChannel = reply.visibility === 'public' && target.channelId !== undefined;
    try {
      const channel = inChannel && target.channelId ? target.channelId : await ctx.openDm(target.userId);
      await uploadFiles(ctx.api, channel, files);
      filesNote = inChannel
        ? `:paperclip: ${names} posted in this channel.`
        : `:paperclip: I sent ${names} to our direct messages: Slack cannot attach files to a private reply.`;
    } catch (error) {
      const failure = slackApiFailure(error);
      log.warn({ err: error, error: failure?.error }, 'Slack file upload failed');
      filesNote = `:warning: I could not send ${names} (${failure?.error ?? 'upload failed'}). Please try again later.`;
    }
  }
  const message = ctx.render(reply, filesNote);
  try {
    await target.respond({
      response_type: reply.visibility === 'public' ? 'in_channel' : 'ephemeral',
      // Said either way: left out, a click's answer may replace the message the button is on.
      replace_original: target.replaceOriginal,
      text: message.text,
      blocks: message.blocks,
    });
    return true;
  } catch (error) {
    log.warn({ err: error }, 'Slack response_url rejected the answer');
    return false;
  }
}

/** Answers a delivery another instance left: in place while response_url lasts, else (and a DM's mood) by DM. */
export async function answerLate(
  ctx: LateAnswerContext,
  payload: unknown,
  reply: Reply,
  receivedAt: Date,
): Promise<'answered' | 'failed'> {
  const parsed = slackDeliverySchema.safeParse(payload);
  if (!parsed.success) return 'failed';
  const delivery = parsed.data;
  if (delivery.kind === 'message')
    return (await answerInThread(ctx, delivery, reply)) ? 'answered' : 'failed';
  if (delivery.kind === 'form') {
    const inWindow = ctx.now().getTime() - receivedAt.getTime() < RESPONSE_URL_WINDOW_MS - 60_000;
    const target = formTarget(ctx.api, delivery);
    // chat.update works as long as the message is there; a response_url only within its window.
    if ((delivery.messageTs || inWindow) && (await deliver(ctx, reply, target))) return 'answered';
    return (await ctx.direct.send(delivery.userId, delivery.workspaceId, reply)) === 'sent'
      ? 'answered'
      : 'failed';
  }
  // A mood written in a DM is answered there: the user's DM with the bot.
  if (delivery.kind === 'direct')
    return (await ctx.direct.send(delivery.userId, delivery.workspaceId, reply)) === 'sent'
      ? 'answered'
      : 'failed';
  const [userId, workspaceId, responseUrl, channelId] =
    delivery.kind === 'command'
      ? [
          delivery.command.user_id,
          delivery.command.team_id,
          delivery.command.response_url,
          delivery.command.channel_id,
        ]
      : [delivery.userId, delivery.workspaceId, delivery.responseUrl, delivery.channelId];
  // A click whose answer replaces its message (a private one, or ReplyButton.updatesMessage) still does.
  const replaceOriginal = delivery.kind === 'button' && delivery.replaceOriginal === true;
  if (ctx.now().getTime() - receivedAt.getTime() < RESPONSE_URL_WINDOW_MS - 60_000) {
    const respond = (message: RespondArguments) => postToResponseUrl(responseUrl, message);
    if (await deliver(ctx, reply, { respond, userId, channelId, replaceOriginal })) return 'answered';
  }
  return (await ctx.direct.send(userId, workspaceId, reply)) === 'sent' ? 'answered' : 'failed';
}

/**
 * Where a sent form's answer goes: over the message its button is on (chat.update), or, for a private
 * message the API cannot update, through the click's response_url with replace_original.
 */
export function formTarget(api: WebClient, delivery: Extract<SlackDelivery, { kind: 'form' }>): Target {
  const { channelId, messageTs, responseUrl } = delivery;
  const respond =
    channelId && messageTs
      ? updateMessage(api, channelId, messageTs)
      : (message: RespondArguments) => {
          if (!responseUrl) throw new Error('a form with neither a message nor a response_url to answer');
          return postToResponseUrl(responseUrl, message);
        };
  return { respond, userId: delivery.userId, channelId, replaceOriginal: true };
}

/** An answer as chat.update of the message `ts` in `channel` (what response_url does for a click). */
function updateMessage(api: WebClient, channel: string, ts: string) {
  return async (message: RespondArguments): Promise<void> => {
    const text = typeof message === 'string' ? message : (message.text ?? ' ');
    const blocks = typeof message !== 'string' && 'blocks' in message ? (message.blocks ?? []) : [];
    await withRateLimit(() => api.chat.update({ channel, ts, text, blocks }));
  };
}

/** Posts an answer to a response_url (what Bolt's respond() does), failing on anything but 2xx. */
async function postToResponseUrl(url: string, message: RespondArguments): Promise<void> {
  const body = typeof message === 'string' ? { text: message } : message;
  const response = await globalThis.fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(RESPOND_TIMEOUT_MS),
  });
  await response.arrayBuffer();
  if (!response.ok) throw new Error(`response_url answered ${response.status}`);
}
