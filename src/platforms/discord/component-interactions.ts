import { type ButtonInteraction, MessageFlags } from 'discord.js';
import { reply as replies, splitCommandLine } from '../../core/commands/index.js';
import { within } from '../../core/within.js';
import type { Outcome } from '../dispatcher.js';
import { DEFAULT_ATTACHMENT_SIZE_LIMIT } from './attachments.js';
import type { CommandDeps } from './command-interactions.js';
import { type AnswerDeps, answer, record, runAndAnswer } from './interaction-answers.js';
import { commandOfAction, parseButtonCustomId, renderMessage, renderReply } from './render.js';
import { uploadLimitOf } from './reply-sender.js';

const NOT_MINE = replies.error('This button no longer works. Run the command again.');

/** A button: the command line it carries is run (unless it expired) like the command typed. */
export async function onButton(deps: CommandDeps, interaction: ButtonInteraction): Promise<void> {
  const { clock, dispatcher, ackAfterMs } = deps;
  const button = parseButtonCustomId(interaction.customId);
  const line = button ? splitCommandLine(button.action) : undefined;
  if (!button || !line) {
    await interaction.reply(renderReply(NOT_MINE, { now: clock.now() }));
    return;
  }
  if (button.expiresAt !== undefined && button.expiresAt <= clock.now()) {
    const again = commandOfAction(button.action);
    const expired = replies.error(`This button has expired, so nothing was done. Run ${again} again.`);
    await interaction.reply(renderReply(expired, { now: clock.now() }));
    return;
  }
  const command = dispatcher.registry.get(line.name);
  const recorded = await record(deps, interaction, line.name, { text: line.args });
  if (!recorded) return;
  await runAndAnswer(deps, recorded, (pending) =>
    answerButton(deps, interaction, pending, command?.slow ? 0 : ackAfterMs),
  );
}

async function answerButton(
  deps: AnswerDeps,
  interaction: ButtonInteraction,
  pending: Promise<Outcome>,
  waitMs: number,
) {
  const { clock, timing, replies: sender } = deps;
  if (!interaction.message.flags.has(MessageFlags.Ephemeral)) {
    // A button on a message others can see: the clicker's answer goes to them alone.
    await answer(deps, interaction, pending, waitMs, false);
    return;
  }
  // A button on a private message: the message becomes the result, and its buttons go away.
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
