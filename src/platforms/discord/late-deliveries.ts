import type { Reply } from '../../core/commands/index.js';
import type { InboxSurface } from '../inbox/delivery-runner.js';
import { DEFAULT_ATTACHMENT_SIZE_LIMIT } from './attachments.js';
import { invocationOf } from './delivery-invocation.js';
import { discordDeliverySchema, INTERACTION_TOKEN_WINDOW_MS } from './discord-deliveries.js';
import { DiscordCode, describeDiscordError, discordCodeOf } from './discord-errors.js';
import type { DmQueue } from './dm-queue.js';
import { type MessageReplyDeps, replyToMessage } from './message-links.js';
import type { ReplySender, WebhookOf } from './reply-sender.js';

/** What finishing a delivery another instance left unanswered needs. */
export interface LateDeliveryDeps extends MessageReplyDeps {
  replies: ReplySender;
  webhookOf: WebhookOf;
  dms: Pick<DmQueue, 'enqueue'>;
  /** Nothing is answered while the gateway is not connected. */
  state: { readonly connected: boolean };
}

/** How the inbox finishes a Discord delivery that an instance left unanswered. */
export function createInboxSurface(deps: LateDeliveryDeps): InboxSurface {
  return {
    platform: 'discord',
    answerWindowMs: INTERACTION_TOKEN_WINDOW_MS,
    wasAcknowledged: (payload, receivedAt) => wasAcknowledged(deps, payload, receivedAt),
    invocationOf(payload) {
      const parsed = discordDeliverySchema.safeParse(payload);
      return parsed.success ? invocationOf(parsed.data) : undefined;
    },
    answerLate: (payload, reply, receivedAt) => answerLate(deps, payload, reply, receivedAt),
  };
}

/**
 * Answers a delivery another instance left: an interaction by editing its answer while its token
 * lasts (it fails when the interaction was never acknowledged), else by DM; a message link in place; a
 * mood sent as a direct message by DM.
 */
export async function answerLate(
  deps: LateDeliveryDeps,
  payload: unknown,
  reply: Reply,
  receivedAt: Date,
): Promise<'answered' | 'failed'> {
  const { clock, log, state, replies: sender, dms } = deps;
  const parsed = discordDeliverySchema.safeParse(payload);
  if (!parsed.success || !state.connected) return 'failed';
  const delivery = parsed.data;
  if (delivery.kind === 'message') {
    await replyToMessage(deps, delivery, reply);
    return 'answered';
  }
  // A mood sent as a direct message is answered where it was sent, the user's DM.
  if (delivery.kind === 'direct')
    return (await dms.enqueue(delivery.user.id, reply)) === 'sent' ? 'answered' : 'failed';
  if (clock.now().getTime() - receivedAt.getTime() < INTERACTION_TOKEN_WINDOW_MS - 60_000) {
    try {
      await sender.editOriginal(
        delivery.applicationId,
        delivery.token,
        reply,
        delivery.attachmentSizeLimit ?? DEFAULT_ATTACHMENT_SIZE_LIMIT,
      );
      return 'answered';
    } catch (error) {
      log.info(
        { interactionId: delivery.interactionId, err: error },
        `could not answer a resumed interaction in place (${describeDiscordError(error)}); sending a DM`,
      );
    }
  }
  return (await dms.enqueue(delivery.user.id, reply)) === 'sent' ? 'answered' : 'failed';
}

/** An acknowledged interaction has an original message (its answer or "thinking…"); an unanswered one none. */
export async function wasAcknowledged(
  deps: Pick<LateDeliveryDeps, 'clock' | 'webhookOf'>,
  payload: unknown,
  receivedAt: Date,
): Promise<boolean | undefined> {
  const parsed = discordDeliverySchema.safeParse(payload);
  if (!parsed.success || parsed.data.kind !== 'interaction') return undefined;
  if (deps.clock.now().getTime() - receivedAt.getTime() >= INTERACTION_TOKEN_WINDOW_MS - 60_000)
    return undefined;
  try {
    await deps.webhookOf(parsed.data.applicationId, parsed.data.token).fetchMessage('@original');
    return true;
  } catch (error) {
    return discordCodeOf(error) === DiscordCode.UnknownMessage ? false : undefined;
  }
}
