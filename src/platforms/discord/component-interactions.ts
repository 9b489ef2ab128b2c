import { type ButtonInteraction, MessageFlags, type ModalMessageModalSubmitInteraction } from 'discord.js';
import { reply as replies, splitCommandLine } from '../../core/commands/index.js';
import { within } from '../../core/within.js';
import type { Outcome } from '../dispatcher.js';
import { DEFAULT_ATTACHMENT_SIZE_LIMIT } from './attachments.js';
import type { CommandDeps } from './command-interactions.js';
import { type AnswerDeps, answer, record, runAndAnswer } from './interaction-answers.js';
import {
  type CarriedForm,
  commandOfAction,
  type ParsedCustomId,
  parseButtonCustomId,
  renderFormModal,
  renderMessage,
  renderReply,
} from './render.js';
import { uploadLimitOf } from './reply-sender.js';

export const NOT_MINE = replies.error('This button no longer works. Run the command again.');

/** The answer to a button (or a form) used after its expiry: nothing was done. */
export function expiredReply(action: string) {
  const again = commandOfAction(action);
  return replies.error(`This button has expired, so nothing was done. Run ${again} again.`);
}

/**
 * A button: the command line it carries is run (unless it expired) like the command typed. A form
 * button opens its form instead (modal-interactions.ts runs what is sent).
 */
export async function onButton(deps: CommandDeps, interaction: ButtonInteraction): Promise<void> {
  const { clock, dispatcher, ackAfterMs, timing } = deps;
  const button = parseButtonCustomId(interaction.customId);
  const line = button ? splitCommandLine(button.action) : undefined;
  if (!button || !line) {
    await interaction.reply(renderReply(NOT_MINE, { now: clock.now() }));
    return;
  }
  if (button.expiresAt !== undefined && button.expiresAt <= clock.now()) {
    await interaction.reply(renderReply(expiredReply(button.action), { now: clock.now() }));
    return;
  }
  if (button.form) {
    // Opening the form changes nothing, so nothing is recorded: a modal must be the first answer, and
    // cannot follow a deferral.
    await openForm(deps, interaction, { ...button, form: button.form });
    timing.acknowledged(interaction);
    return;
  }
  const command = dispatcher.registry.get(line.name);
  const recorded = await record(deps, interaction, line.name, { text: line.args });
  if (!recorded) return;
  await runAndAnswer(deps, recorded, (pending) =>
    answerButton(deps, interaction, pending, command?.slow ? 0 : ackAfterMs, button.updatesMessage === true),
  );
}

async function openForm(
  deps: CommandDeps,
  interaction: ButtonInteraction,
  button: ParsedCustomId & { form: CarriedForm },
): Promise<void> {
  // The button as Discord has it on the message; its label titles a form whose own title did not fit.
  const component: unknown = interaction.component;
  const label =
    typeof component === 'object' && component !== null && 'label' in component ? component.label : undefined;
  const modal = renderFormModal(button, typeof label === 'string' ? label : '');
  if (!modal) {
    await interaction.reply(renderReply(NOT_MINE, { now: deps.clock.now() }));
    return;
  }
  await interaction.showModal(modal);
}

async function answerButton(
  deps: AnswerDeps,
  interaction: ButtonInteraction,
  pending: Promise<Outcome>,
  waitMs: number,
  updatesMessage: boolean,
) {
  if (!updatesMessage && !interaction.message.flags.has(MessageFlags.Ephemeral)) {
    // A button on a message that stays: the clicker's answer goes to them alone, beside it.
    await answer(deps, interaction, pending, waitMs, false);
    return;
  }
  await answerInPlace(deps, interaction, pending, waitMs);
}

/**
 * Answers by replacing the message the button (or the form's button) is on with the outcome: at once
 * when it is ready within `waitMs`, else acknowledged with a deferred update and edited when it is.
 */
export async function answerInPlace(
  deps: AnswerDeps,
  interaction: ButtonInteraction | ModalMessageModalSubmitInteraction,
  pending: Promise<Outcome>,
  waitMs: number,
): Promise<void> {
  const { clock, timing, replies: sender } = deps;
  const limit = uploadLimitOf(interaction) ?? DEFAULT_ATTACHMENT_SIZE_LIMIT;
  const early = await within(pending, waitMs - timing.elapsed(interaction));
  if (early) {
    await sender.sendFitted(early.value.reply, limit, (reply) =>
      interaction.update(renderMessage(reply, { now: clock.now() })),
    );
    timing.acknowledged(interaction);
    return;
  }
  await interaction.deferUpdate();
  timing.acknowledged(interaction);
  const { reply } = await pending;
  await sender.editOriginal(interaction.applicationId, interaction.token, reply, limit);
}
