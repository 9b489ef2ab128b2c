import {
  ApplicationCommandOptionType,
  type Attachment,
  type AutocompleteInteraction,
  type ChatInputCommandInteraction,
  type CommandInteractionOption,
  type MessageContextMenuCommandInteraction,
} from 'discord.js';
import { reply as replies, suggest } from '../../core/commands/index.js';
import { findSpotifyLinks } from '../../integrations/spotify/link-parser.js';
import type { Dispatcher } from '../dispatcher.js';
import { clip } from './command-json.js';
import type { StoredAttachment } from './discord-deliveries.js';
import { type AnswerDeps, answer, record, runAndAnswer } from './interaction-answers.js';
import { spotifyLinkUrl } from './message-links.js';
import { renderReply } from './render.js';

const NO_TRACK_LINK = replies.error(
  'There is no Spotify track link in that message. Use it on a message with an open.spotify.com/track/… link.',
);

/** What slash commands, the "Analyze track" menu and autocomplete need. */
export interface CommandDeps extends AnswerDeps {
  dispatcher: Dispatcher;
  /** How long a command that is not declared slow may run before its interaction is deferred. */
  ackAfterMs: number;
}

/**
 * The values Discord delivered, keyed by option name; the dispatcher validates them like typed text. An
 * attachment (a file option) is kept as its name, size and CDN url (see StoredAttachment), which the
 * invocation turns into an IncomingFile.
 */
export function optionValues(
  data: readonly CommandInteractionOption[],
): Record<string, string | number | boolean | StoredAttachment> {
  const values: Record<string, string | number | boolean | StoredAttachment> = {};
  for (const option of data) {
    if (option.type === ApplicationCommandOptionType.Attachment) {
      if (option.attachment) values[option.name] = storedAttachment(option.attachment);
      continue;
    }
    if (option.value !== undefined && option.value !== null) values[option.name] = option.value;
  }
  return values;
}

function storedAttachment(attachment: Attachment): StoredAttachment {
  return {
    kind: 'attachment',
    id: attachment.id,
    name: attachment.name,
    size: attachment.size,
    url: attachment.url,
    ...(attachment.contentType ? { contentType: attachment.contentType } : {}),
  };
}

/** A slash command: recorded, run, and answered directly or deferred (at once when declared slow). */
export async function onCommand(deps: CommandDeps, interaction: ChatInputCommandInteraction): Promise<void> {
  const command = deps.dispatcher.registry.get(interaction.commandName);
  const recorded = await record(deps, interaction, interaction.commandName, {
    values: optionValues(interaction.options.data),
  });
  if (!recorded) return;
  await runAndAnswer(deps, recorded, (pending) =>
    answer(deps, interaction, pending, command?.slow ? 0 : deps.ackAfterMs, command?.visibility === 'public'),
  );
}

/** "Analyze track" on a message: /share of its first Spotify link, answered publicly with the card. */
export async function onAnalyzeTrack(
  deps: AnswerDeps,
  interaction: MessageContextMenuCommandInteraction,
): Promise<void> {
  // Interactions carry the target message with its content, with or without the Message Content intent.
  const [link] = findSpotifyLinks(interaction.targetMessage.content, 1);
  if (!link) {
    await interaction.reply(renderReply(NO_TRACK_LINK, { now: deps.clock.now() }));
    return;
  }
  const recorded = await record(deps, interaction, 'share', { values: { url: spotifyLinkUrl(link) } });
  if (!recorded) return;
  // share is slow (outbound calls): defer publicly at once; a private answer replaces the placeholder.
  await runAndAnswer(deps, recorded, (pending) => answer(deps, interaction, pending, 0, true));
}

/** Suggestions for the option being typed, from the command's own option definition. */
export async function onAutocomplete(
  deps: Pick<CommandDeps, 'dispatcher'>,
  interaction: AutocompleteInteraction,
): Promise<void> {
  const focused = interaction.options.getFocused(true);
  const command = deps.dispatcher.registry.get(interaction.commandName);
  const option =
    command && Object.hasOwn(command.options, focused.name) ? command.options[focused.name] : undefined;
  const suggestions = option ? suggest(option, String(focused.value ?? ''), 25) : [];
  await interaction.respond(
    suggestions.slice(0, 25).map((s) => ({ name: clip(s.name, 100), value: clip(s.value, 100) })),
  );
}
