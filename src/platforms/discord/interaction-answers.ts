import {
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type MessageContextMenuCommandInteraction,
  MessageFlags,
  type ModalSubmitInteraction,
} from 'discord.js';
import type { Clock } from '../../core/clock.js';
import { reply as replies } from '../../core/commands/index.js';
import type { Logger } from '../../core/logger.js';
import { within } from '../../core/within.js';
import type { Invocation, Outcome } from '../dispatcher.js';
import type { DeliveryRunner } from '../inbox/delivery-runner.js';
import { DEFAULT_ATTACHMENT_SIZE_LIMIT } from './attachments.js';
import { channelOf, invocationOf, userOf } from './delivery-invocation.js';
import { type DiscordDelivery, discordDeliveryKey } from './discord-deliveries.js';
import { describeDiscordError } from './discord-errors.js';
import type { ArrivalClock } from './interaction-timing.js';
import { renderReply } from './render.js';
import { type ReplySender, uploadLimitOf, type WebhookOf } from './reply-sender.js';

export const NOT_SAVED = replies.error(
  'MoodScale could not save that: its database did not answer. Nothing was saved; please try again in a minute.',
);
/** From its arrival, how long an interaction may wait for the inbox before the user is told it was not saved. */
export const RECORD_DEADLINE_MS = 2000;

/** The interactions MoodScale answers with a message (autocomplete is answered with choices). */
export type Answerable =
  | ChatInputCommandInteraction
  | ButtonInteraction
  | MessageContextMenuCommandInteraction
  | ModalSubmitInteraction;

/** A recorded interaction, ready to run. */
export interface Recorded {
  deliveryKey: string;
  invocation: Invocation;
}

/** What recording, running and answering an interaction need. */
export interface AnswerDeps {
  inbox: DeliveryRunner;
  /** From its arrival, how long an interaction may wait for the inbox (RECORD_DEADLINE_MS by default). */
  recordDeadlineMs?: number;
  clock: Clock;
  log: Logger;
  timing: ArrivalClock;
  replies: ReplySender;
  webhookOf: WebhookOf;
}

/**
 * Records an interaction before anything acknowledges it. Undefined when it is not to be run: a
 * duplicate (left to the copy that was recorded), or one the inbox did not take (the user is told).
 */
export async function record(
  deps: Pick<AnswerDeps, 'inbox' | 'clock' | 'log' | 'timing' | 'recordDeadlineMs'>,
  interaction: Answerable,
  command: string,
  input: Extract<DiscordDelivery, { kind: 'interaction' }>['input'],
): Promise<Recorded | undefined> {
  const { inbox, clock, log, timing } = deps;
  const uploadLimit = uploadLimitOf(interaction);
  const delivery: DiscordDelivery = {
    kind: 'interaction',
    receivedAt: Date.now(),
    interactionId: interaction.id,
    applicationId: interaction.applicationId,
    token: interaction.token,
    user: userOf(interaction.user),
    channel: channelOf(interaction),
    ...(uploadLimit === undefined ? {} : { attachmentSizeLimit: uploadLimit }),
    command,
    input,
  };
  const deliveryKey = discordDeliveryKey.interaction(interaction.id);
  const invocation = invocationOf(delivery);
  const recorded = await inbox.record(
    {
      deliveryKey,
      identity: invocation.identity,
      kind: interaction.isButton() ? 'button' : interaction.isModalSubmit() ? 'modal' : 'command',
      command,
      payload: delivery,
    },
    (deps.recordDeadlineMs ?? RECORD_DEADLINE_MS) - timing.elapsed(interaction),
  );
  if (recorded === 'unsaved') {
    await interaction.reply(renderReply(NOT_SAVED, { now: clock.now() }));
    timing.acknowledged(interaction);
    return undefined;
  }
  if (recorded === 'duplicate') {
    log.info({ interactionId: interaction.id }, 'discord interaction delivered again; ignored');
    return undefined;
  }
  return { deliveryKey, invocation };
}

/**
 * Runs a recorded interaction and answers it; an answer that fails (Discord refused or was gone)
 * leaves the delivery to be resumed, so the user still hears what was done.
 */
export async function runAndAnswer(
  deps: Pick<AnswerDeps, 'inbox'>,
  recorded: Recorded,
  respond: (pending: Promise<Outcome>) => Promise<void>,
): Promise<void> {
  const { inbox } = deps;
  const pending = inbox.run({ ...recorded.invocation, deliveryKey: recorded.deliveryKey });
  let answered = false;
  try {
    await respond(pending);
    answered = true;
  } finally {
    await pending.catch(() => undefined);
    await inbox.finish(recorded.deliveryKey, answered);
  }
}

/**
 * Answers an interaction with the outcome of `pending`: directly when it settles in time, otherwise
 * deferred first (ephemeral unless `deferPublicly`) and completed with an edit.
 */
export async function answer(
  deps: Pick<AnswerDeps, 'clock' | 'log' | 'timing' | 'replies' | 'webhookOf'>,
  interaction: Answerable,
  pending: Promise<Outcome>,
  waitMs: number,
  deferPublicly: boolean,
): Promise<void> {
  const { clock, log, timing, replies: sender, webhookOf } = deps;
  const limit = uploadLimitOf(interaction) ?? DEFAULT_ATTACHMENT_SIZE_LIMIT;
  const early = await within(pending, waitMs - timing.elapsed(interaction));
  if (early) {
    await sender.sendFitted(early.value.reply, limit, (reply) =>
      interaction.reply(renderReply(reply, { now: clock.now() })),
    );
    timing.acknowledged(interaction);
    return;
  }
  // Discord takes the ephemeral flag only now, at defer time; an edit cannot add it later.
  await interaction.deferReply(deferPublicly ? {} : { flags: MessageFlags.Ephemeral });
  timing.acknowledged(interaction);
  const { reply } = await pending;
  if (deferPublicly && reply.visibility === 'private') {
    // The placeholder is public but the answer (an error, say) is private: remove the placeholder and
    // answer in an ephemeral follow-up instead of showing it to the channel.
    const webhook = webhookOf(interaction.applicationId, interaction.token);
    await webhook.deleteMessage('@original').catch((error: unknown) => {
      log.warn({ err: error }, `could not remove the public placeholder: ${describeDiscordError(error)}`);
    });
    await sender.sendFitted(reply, limit, (fitted) =>
      webhook.send(renderReply(fitted, { now: clock.now(), ephemeral: true })),
    );
    return;
  }
  await sender.editOriginal(interaction.applicationId, interaction.token, reply, limit);
}
