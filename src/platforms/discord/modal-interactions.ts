import type { ModalSubmitInteraction } from 'discord.js';
import { formCommandLine, reply as replies, splitCommandLine } from '../../core/commands/index.js';
import type { CommandDeps } from './command-interactions.js';
import { answerInPlace, expiredReply, NOT_MINE } from './component-interactions.js';
import { answer, record, runAndAnswer } from './interaction-answers.js';
import { FORM_FIELD_ID, parseButtonCustomId, renderReply } from './render.js';

const EMPTY = replies.error(
  'Nothing was saved: the form was empty. Click the button again to write something.',
);

/**
 * A sent form (the modal of a form button): `${action} -- ${text}` is recorded and run like the command
 * typed, and its answer replaces the message the button is on. Its custom_id carries the action and
 * expiry (render.ts); a form sent after the button expired runs nothing.
 */
export async function onModalSubmit(deps: CommandDeps, interaction: ModalSubmitInteraction): Promise<void> {
  const { clock, dispatcher, ackAfterMs } = deps;
  const now = clock.now();
  const carried = parseButtonCustomId(interaction.customId);
  if (!carried) {
    await interaction.reply(renderReply(NOT_MINE, { now }));
    return;
  }
  if (carried.expiresAt !== undefined && carried.expiresAt <= now) {
    await interaction.reply(renderReply(expiredReply(carried.action), { now }));
    return;
  }
  const text = textOf(interaction);
  const line = splitCommandLine(formCommandLine(carried.action, text));
  if (!line) {
    await interaction.reply(renderReply(NOT_MINE, { now }));
    return;
  }
  if (text.trim() === '') {
    // Discord lets no empty required field through; whitespace alone it does.
    await interaction.reply(renderReply(EMPTY, { now }));
    return;
  }
  const command = dispatcher.registry.get(line.name);
  const recorded = await record(deps, interaction, line.name, { text: line.args });
  if (!recorded) return;
  const waitMs = command?.slow ? 0 : ackAfterMs;
  await runAndAnswer(deps, recorded, (pending) =>
    interaction.isFromMessage()
      ? answerInPlace(deps, interaction, pending, waitMs)
      : answer(deps, interaction, pending, waitMs, false),
  );
}

/** The text of the form's field; empty when it is missing (a form of another shape). */
function textOf(interaction: ModalSubmitInteraction): string {
  try {
    return interaction.fields.getTextInputValue(FORM_FIELD_ID);
  } catch {
    return '';
  }
}
