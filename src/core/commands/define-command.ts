import type { CommandShape, Platform } from './command-shape.js';
import type { FileResolver } from './files.js';
import type { OptionMap, TypedOptions } from './options.js';
import { parseCommandText, splitCommandLine } from './parse-text.js';
import type { Reply, Visibility } from './reply.js';

export type { Platform } from './command-shape.js';

/** The MoodScale user behind an invocation, resolved by the adapter from the chat identity. */
export interface CommandUser {
  readonly id: number;
  readonly username: string;
  /** IANA name, e.g. 'Europe/Berlin'. */
  readonly timeZone: string;
  /** The chat account (identity) the command came from, when the adapter resolved one. */
  readonly identityId?: number;
  /**
   * The name of the chat account the command came from ('console:alice'; see accountName in
   * core/identity.ts). The username is another account's once /link has joined them.
   */
  readonly accountName?: string;
}

/** The channel a command was run in (never a direct message or the console). */
export interface CommandChannel {
  /** The Slack team id or the Discord server (guild) id. */
  readonly workspaceId: string;
  readonly channelId: string;
  /**
   * Whether the person may configure this channel for everyone: on Discord, Manage Server, Manage
   * Channels or Administrator in the interaction's permissions; on Slack, a workspace admin or owner
   * (asked of users.info when called, so a demotion counts at once).
   */
  isAdmin(): Promise<boolean>;
  /**
   * The permissions the bot lacks to post in this channel on its own (the weekly channel post), named as
   * the platform names them ("Send Messages"); empty when it can post. Absent where the platform does not
   * tell (Slack, where membership is what counts).
   */
  missingPostPermissions?(): Promise<readonly string[]>;
  /**
   * Whether the bot is a member of this channel, which on Slack it must be to post there (asked of
   * conversations.info when called); undefined when the platform did not say. Absent where membership is
   * not what counts (Discord, where the permissions above do).
   */
  botIsMember?(): Promise<boolean | undefined>;
}

/** What a handler receives besides the services. */
export interface CommandContext<O extends OptionMap = OptionMap> {
  readonly user: CommandUser;
  readonly options: TypedOptions<O>;
  readonly platform: Platform;
  /** The channel it was run in; undefined in a direct message and in the console. */
  readonly channel?: CommandChannel | undefined;
  readonly now: Date;
  /** Unique per invocation; goes into logs and error references. */
  readonly invocationId: string;
  /**
   * The inbox delivery being run, when it came from a chat platform. A command whose effect carries it
   * (see /mood) is applied at most once per delivery, even when a crash makes it run again.
   */
  readonly deliveryKey?: string | undefined;
}

/** No options: what a command without an `options` field declares. */
export type NoOptions = Readonly<Record<never, never>>;

export type { CommandShape } from './command-shape.js';

/** What a command file writes. */
export interface CommandSpec<S, O extends OptionMap> {
  /** Lower-case letters, digits and hyphens, 1 to 32 characters (Discord's rule). */
  name: string;
  /** 1 to 100 characters. */
  description: string;
  /** In declaration order, which is also the order of positional arguments; required ones first. */
  options?: O;
  /**
   * A whole invocation, e.g. '/mood 6 tired -- long day'; it must parse, and is checked when defined.
   * A file option is left out of it (it is attached or shared, not typed, on Discord and Slack).
   */
  usageExample?: string;
  /** Who sees the reply; 'private' when not set. */
  visibility?: Visibility;
  /** The handler may take longer than the platforms' 3-second acknowledgement window; adapters defer. */
  slow?: boolean;
  /**
   * The answer is all the user gets from the command (it may record what it showed, like /recommend,
   * but changes nothing they asked for). Resumed after a crash past the platform's answer window, it is
   * dropped instead of answered by DM. False when not set (the safe side).
   */
  readOnly?: boolean;
  /**
   * The command's effect marks its inbox delivery applied in the same statement (see /mood), so it is
   * applied at most once however often it runs; other commands are marked applied after they return.
   */
  appliesOncePerDelivery?: boolean;
  run(context: CommandContext<O>, services: S): Reply | Promise<Reply>;
}

/** A checked command declaration, as adapters, the registry and the help use it. */
export interface CommandDefinition<S = unknown, O extends OptionMap = OptionMap> extends CommandShape<O> {
  readonly name: string;
  readonly description: string;
  readonly options: O;
  readonly usageExample: string | undefined;
  readonly visibility: Visibility;
  readonly slow: boolean;
  readonly readOnly: boolean;
  readonly appliesOncePerDelivery: boolean;
  // A method (not a function property) on purpose: methods compare bivariantly, so every concrete
  // definition fits `AnyCommand<S>` and a registry can hold commands with different options.
  run(context: CommandContext<O>, services: S): Reply | Promise<Reply>;
}

/** Any command that runs with services `S`. */
export type AnyCommand<S = unknown> = CommandDefinition<S, OptionMap>;

const COMMAND_NAME = /^[a-z0-9-]{1,32}$/;
const OPTION_NAME = /^[a-z][a-z0-9-]{0,31}$/;
const DISCORD_OPTIONS_MAX = 25;

/**
 * Files as the usage example is checked with: not typed (as on Discord and Slack, 2 platforms of 3), so
 * an example leaves its file out ("/import", not "/import ~/export.csv"), and always there.
 */
const EXAMPLE_FILES: FileResolver = {
  typed: false,
  open: () => ({ name: 'example.csv', size: 0, read: () => Promise.resolve(new Uint8Array()) }),
  missing: () => '',
};

function checkSpec(spec: CommandSpec<unknown, OptionMap>): void {
  const where = `Command "${spec.name}"`;
  if (typeof spec.name !== 'string' || !COMMAND_NAME.test(spec.name)) {
    throw new Error(`${where}: a name is 1 to 32 lower-case letters, digits or hyphens.`);
  }
  if (
    typeof spec.description !== 'string' ||
    spec.description.trim() === '' ||
    spec.description.length > 100
  ) {
    throw new Error(`${where}: the description must be 1 to 100 characters.`);
  }
  const entries = Object.entries(spec.options ?? {});
  if (entries.length > DISCORD_OPTIONS_MAX) throw new Error(`${where}: at most 25 options.`);
  let seenOptional = false;
  entries.forEach(([name, option], index) => {
    if (!OPTION_NAME.test(name)) {
      throw new Error(
        `${where}: option "${name}" must be 1 to 32 lower-case letters, digits or hyphens, starting with a letter.`,
      );
    }
    if (option.required && seenOptional) {
      throw new Error(
        `${where}: required option "${name}" must come before the optional ones (Discord's rule).`,
      );
    }
    seenOptional ||= !option.required;
    if (option.kind === 'text' && option.rest && index !== entries.length - 1) {
      throw new Error(`${where}: "${name}" takes the rest of the input, so it must be the last option.`);
    }
  });
  if (spec.usageExample !== undefined) {
    const line = splitCommandLine(spec.usageExample);
    if (line?.name !== spec.name) {
      throw new Error(`${where}: the usage example must start with /${spec.name}.`);
    }
    try {
      parseCommandText({ name: spec.name, options: spec.options ?? {} }, line.args, EXAMPLE_FILES);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(`${where}: the usage example does not parse: ${reason}`);
    }
  }
}

/**
 * Declares a command; checks its name, description, option order and usage example at once (a plain
 * Error, as a mistake here is the programmer's). `O` is inferred from `options`, so `run` receives typed
 * options. `S` is inferred from `run`'s annotated `services` parameter; to fix it once for the whole app
 * (and destructure services without annotations) use `createCommandFactory<Services>()` instead.
 */
export function defineCommand<O extends OptionMap = NoOptions, S = unknown>(
  spec: CommandSpec<S, O>,
): CommandDefinition<S, O> {
  checkSpec(spec as CommandSpec<unknown, OptionMap>);
  return Object.freeze({
    name: spec.name,
    description: spec.description,
    options: spec.options ?? ({} as O),
    usageExample: spec.usageExample,
    visibility: spec.visibility ?? 'private',
    slow: spec.slow ?? false,
    readOnly: spec.readOnly ?? false,
    appliesOncePerDelivery: spec.appliesOncePerDelivery ?? false,
    run: spec.run,
  });
}

/**
 * `defineCommand` with the services type fixed, for the app to export once:
 * `export const defineCommand = createCommandFactory<Services>();` Type arguments cannot be given
 * partly, so `defineCommand<Services>({...})` would lose the inferred options; the factory keeps both.
 */
export function createCommandFactory<S>(): <O extends OptionMap = NoOptions>(
  spec: CommandSpec<S, O>,
) => CommandDefinition<S, O> {
  return (spec) => defineCommand(spec);
}

/** The commands of the app by name; built once from a list, where a repeated name is an Error. */
export class CommandRegistry<S = unknown> implements Iterable<AnyCommand<S>> {
  readonly #byName = new Map<string, AnyCommand<S>>();

  constructor(definitions: Iterable<AnyCommand<S>>) {
    for (const definition of definitions) {
      if (this.#byName.has(definition.name)) {
        throw new Error(`Two commands are named "${definition.name}"; command names must be unique.`);
      }
      this.#byName.set(definition.name, definition);
    }
  }

  /** The command called `name` (case-insensitive, with or without the leading '/'), or undefined. */
  get(name: string): AnyCommand<S> | undefined {
    return this.#byName.get(name.trim().replace(/^\//, '').toLowerCase());
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  /** Names in registration order. */
  names(): string[] {
    return [...this.#byName.keys()];
  }

  /** Definitions in registration order. */
  all(): AnyCommand<S>[] {
    return [...this.#byName.values()];
  }

  get size(): number {
    return this.#byName.size;
  }

  [Symbol.iterator](): Iterator<AnyCommand<S>> {
    return this.#byName.values();
  }
}
