import type { RespondArguments } from '@slack/bolt';
import type { Reply } from '../../core/commands/index.js';
import type { DirectMessenger } from './direct-messages.js';
import type { SlackHandlerContext, Target } from './handler-context.js';
import { answerInThread } from './message-links.js';
import { slackApiFailure } from './payloads.js';
import { uploadFiles } from './slack-api.js';
import { RESPONSE_URL_WINDOW_MS, slackDeliverySchema } from './slack-deliveries.js';

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
  if (ctx.now().getTime() - receivedAt.getTime() < RESPONSE_URL_WINDOW_MS - 60_000) {
    const respond = (message: RespondArguments) => postToResponseUrl(responseUrl, message);
    if (await deliver(ctx, reply, { respond, userId, channelId, replaceOriginal: false })) return 'answered';
  }
  return (await ctx.direct.send(userId, workspaceId, reply)) === 'sent' ? 'answered' : 'failed';
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
