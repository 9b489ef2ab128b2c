import { type REST, type RESTPostAPIApplicationCommandsJSONBody, Routes } from 'discord.js';
import { z } from 'zod';
import type { Logger } from '../../core/logger.js';
import { describeDiscordError } from './discord-errors.js';

/** What registration found and did. */
export interface RegistrationResult {
  scope: 'global' | 'guild';
  /** 'unchanged' made no write; 'overwritten' replaced Discord's list with the declared one. */
  action: 'unchanged' | 'overwritten';
  /** Names of commands added, removed or changed (empty when unchanged). */
  added: string[];
  removed: string[];
  changed: string[];
}

export interface RegisterOptions {
  rest: REST;
  applicationId: string;
  /** Registers to this server only (instant updates while developing); global when undefined. */
  guildId: string | undefined;
  commands: readonly RESTPostAPIApplicationCommandsJSONBody[];
  logger: Logger;
}

// What Discord answers for a command; only the fields MoodScale declares are compared. Discord adds
// ids, versions, localizations and permission fields, and leaves out `required`/`autocomplete` when false.
const choiceSchema = z.object({ name: z.string(), value: z.union([z.string(), z.number()]) });
const optionSchema = z.object({
  type: z.number(),
  name: z.string(),
  description: z.string(),
  required: z.boolean().optional(),
  autocomplete: z.boolean().optional(),
  min_value: z.number().optional(),
  max_value: z.number().optional(),
  min_length: z.number().optional(),
  max_length: z.number().optional(),
  choices: z.array(choiceSchema).optional(),
  options: z.array(z.unknown()).optional(),
});
const commandSchema = z.object({
  type: z.number().optional(),
  name: z.string(),
  // Context-menu commands (type 3) have none: Discord answers with an empty string.
  description: z.string().default(''),
  options: z.array(optionSchema).optional(),
  integration_types: z.array(z.number()).nullish(),
  contexts: z.array(z.number()).nullish(),
});
const commandListSchema = z.array(commandSchema);

/** A command as declared or as Discord answers it (a context-menu command may have no description). */
type RemoteCommand = z.input<typeof commandSchema>;
type RemoteOption = z.infer<typeof optionSchema>;

/** The comparable form of a command: defaults made explicit, absent fields absent, keys in one order. */
function canonicalOption(option: RemoteOption): unknown {
  return {
    type: option.type,
    name: option.name,
    description: option.description,
    required: option.required ?? false,
    autocomplete: option.autocomplete ?? false,
    min_value: option.min_value ?? null,
    max_value: option.max_value ?? null,
    min_length: option.min_length ?? null,
    max_length: option.max_length ?? null,
    // Choices keep their order: Discord shows them as listed.
    choices: option.choices?.map((c) => ({ name: c.name, value: c.value })) ?? [],
    nested: option.options?.length ?? 0,
  };
}

/** Exported for tests: the string two equal commands share. */
export function canonicalCommand(command: RemoteCommand): string {
  return JSON.stringify({
    type: command.type ?? 1,
    name: command.name,
    description: command.description ?? '',
    // Options keep their order: it is the order Discord shows, and required ones must come first.
    options: (command.options ?? []).map(canonicalOption),
    // Where it may run: a command registered before these were declared differs, and is overwritten.
    integration_types: sortedOrNull(command.integration_types),
    contexts: sortedOrNull(command.contexts),
  });
}

const sortedOrNull = (values: readonly number[] | null | undefined): number[] | null =>
  values ? [...values].sort((a, b) => a - b) : null;

/** Discord takes `integration_types` and `contexts` on global commands only. */
function withoutPlaces(commands: readonly RESTPostAPIApplicationCommandsJSONBody[]) {
  return commands.map(({ integration_types: _types, contexts: _contexts, ...rest }) => rest);
}

/** Compares the declared commands with Discord's, ignoring the order of commands (Discord does). */
export function diffCommands(
  declared: readonly RemoteCommand[],
  remote: readonly RemoteCommand[],
): Pick<RegistrationResult, 'added' | 'removed' | 'changed'> {
  const remoteByName = new Map(remote.map((c) => [c.name, canonicalCommand(c)]));
  const declaredNames = new Set(declared.map((c) => c.name));
  const added: string[] = [];
  const changed: string[] = [];
  for (const command of declared) {
    const existing = remoteByName.get(command.name);
    if (existing === undefined) added.push(command.name);
    else if (existing !== canonicalCommand(command)) changed.push(command.name);
  }
  const removed = remote.map((c) => c.name).filter((name) => !declaredNames.has(name));
  return { added, removed, changed };
}

/**
 * Makes Discord's command list match the declared one: fetches it (global, or the guild's when
 * `guildId` is set), compares, and bulk-overwrites only when something differs, so a restart costs one
 * GET and never resets Discord's command cache for nothing.
 */
export async function registerCommands(options: RegisterOptions): Promise<RegistrationResult> {
  const { rest, applicationId, guildId, logger } = options;
  const scope = guildId ? 'guild' : 'global';
  const route = guildId
    ? Routes.applicationGuildCommands(applicationId, guildId)
    : Routes.applicationCommands(applicationId);
  const log = logger.child({ component: 'discord-commands', scope, ...(guildId ? { guildId } : {}) });
  let fetched: unknown;
  try {
    fetched = await rest.get(route);
  } catch (error) {
    log.error({ err: error }, `could not read the ${scope} commands: ${describeDiscordError(error)}`);
    throw error;
  }
  const body = guildId ? withoutPlaces(options.commands) : options.commands;
  const remote = commandListSchema.safeParse(fetched);
  const declared = commandListSchema.parse(body);
  const diff = remote.success
    ? diffCommands(declared, remote.data)
    : { added: declared.map((c) => c.name), removed: [], changed: [] };
  if (remote.success && diff.added.length + diff.removed.length + diff.changed.length === 0) {
    log.info({ commands: declared.length }, `discord ${scope} commands are up to date`);
    return { scope, action: 'unchanged', ...diff };
  }
  try {
    await rest.put(route, { body });
  } catch (error) {
    log.error({ err: error }, `could not register the ${scope} commands: ${describeDiscordError(error)}`);
    throw error;
  }
  log.info(
    { commands: declared.length, ...diff },
    `discord ${scope} commands registered${guildId ? '' : ' (global changes can take a few minutes to show)'}`,
  );
  return { scope, action: 'overwritten', ...diff };
}
