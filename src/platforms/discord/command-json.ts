import {
  type APIApplicationCommandBasicOption,
  type APIApplicationCommandOptionChoice,
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ApplicationIntegrationType,
  InteractionContextType,
  type RESTPostAPIApplicationCommandsJSONBody,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
  type RESTPostAPIContextMenuApplicationCommandsJSONBody,
} from 'discord.js';
import type { AnyCommand, AnyOption } from '../../core/commands/index.js';

/** Discord's limits on application commands (https://discord.com/developers/docs/interactions). */
export const DISCORD_LIMITS = {
  commands: 100,
  options: 25,
  choices: 25,
  name: 32,
  description: 100,
  choiceName: 100,
  stringLength: 6000,
} as const;

/** Cuts `text` to at most `max` UTF-16 units without splitting a surrogate pair, ending with '…' when cut. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 0) return '';
  let end = max - 1;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}…`;
}

/** The longest text Discord lets a user type into a string option, or undefined for no limit of ours. */
function maxLength(option: AnyOption): number | undefined {
  switch (option.kind) {
    case 'text':
    case 'url':
      return Math.min(option.bounds.max, DISCORD_LIMITS.stringLength);
    case 'tags':
      // Typed as "tired, anxious": each tag plus a comma and a space.
      return Math.min(option.bounds.max * (option.bounds.maxLength + 2), DISCORD_LIMITS.stringLength);
    case 'timeZone':
      return 64;
    default:
      return undefined;
  }
}

/** One declared option as Discord's option JSON. Exported for tests. */
export function toDiscordOption(name: string, option: AnyOption): APIApplicationCommandBasicOption {
  const base = {
    name,
    description: clip(option.description, DISCORD_LIMITS.description),
    required: option.required,
  };
  switch (option.kind) {
    case 'integer':
      return {
        ...base,
        type: ApplicationCommandOptionType.Integer,
        min_value: option.bounds.min,
        max_value: option.bounds.max,
      };
    case 'number':
      return {
        ...base,
        type: ApplicationCommandOptionType.Number,
        min_value: option.bounds.min,
        max_value: option.bounds.max,
      };
    case 'boolean':
      return { ...base, type: ApplicationCommandOptionType.Boolean };
    case 'choice': {
      // The declaration allows at most 25 choices, as Discord does.
      const choices: APIApplicationCommandOptionChoice<string>[] = option.choices
        .slice(0, DISCORD_LIMITS.choices)
        .map((choice) => ({ name: clip(choice, DISCORD_LIMITS.choiceName), value: choice }));
      return { ...base, type: ApplicationCommandOptionType.String, choices };
    }
    case 'tags':
      return {
        ...base,
        type: ApplicationCommandOptionType.String,
        max_length: maxLength(option),
        autocomplete: option.vocabulary.length > 0,
      };
    case 'timeZone':
      return {
        ...base,
        type: ApplicationCommandOptionType.String,
        max_length: maxLength(option),
        autocomplete: true,
      };
    case 'text':
    case 'url':
      return { ...base, type: ApplicationCommandOptionType.String, max_length: maxLength(option) };
    case 'file':
      // Discord's client shows a file picker; the interaction carries the upload in data.resolved.
      return { ...base, type: ApplicationCommandOptionType.Attachment };
  }
}

/**
 * Where every command may run: installed to a server only (never to a user's account, which would let
 * someone use it in a server the bot is not in), in that server's channels and in the bot's DMs.
 */
export const COMMAND_PLACES = {
  integration_types: [ApplicationIntegrationType.GuildInstall],
  contexts: [InteractionContextType.Guild, InteractionContextType.BotDM],
};

/** A command declaration as Discord's slash command JSON (CHAT_INPUT). */
export function toDiscordCommand(command: AnyCommand): RESTPostAPIChatInputApplicationCommandsJSONBody {
  const options = Object.entries(command.options)
    .slice(0, DISCORD_LIMITS.options)
    .map(([name, option]) => toDiscordOption(name, option));
  return {
    type: ApplicationCommandType.ChatInput,
    name: command.name,
    description: clip(command.description, DISCORD_LIMITS.description),
    ...(options.length > 0 ? { options } : {}),
    ...COMMAND_PLACES,
  };
}

/** The message context-menu command (right-click a message > Apps) that runs /share on its first link. */
export const ANALYZE_TRACK_MENU = 'Analyze track';

/**
 * "Analyze track" as Discord's MESSAGE command JSON (type 3). Such commands have a name with spaces and
 * an empty description; Discord hands the target message, content included, to the interaction, so it
 * works without the Message Content intent.
 */
export function analyzeTrackMenuJson(): RESTPostAPIContextMenuApplicationCommandsJSONBody {
  return { type: ApplicationCommandType.Message, name: ANALYZE_TRACK_MENU, ...COMMAND_PLACES };
}

/**
 * Every command as Discord JSON, in registration order, then the "Analyze track" menu when `share` is
 * among them; more than Discord allows is a programming error.
 */
export function buildCommandJson(commands: Iterable<AnyCommand>): RESTPostAPIApplicationCommandsJSONBody[] {
  const list = [...commands];
  const json: RESTPostAPIApplicationCommandsJSONBody[] = list.map(toDiscordCommand);
  if (list.some((c) => c.name === 'share')) json.push(analyzeTrackMenuJson());
  if (json.length > DISCORD_LIMITS.commands) {
    throw new Error(`Discord allows ${DISCORD_LIMITS.commands} commands; ${json.length} are declared.`);
  }
  return json;
}
