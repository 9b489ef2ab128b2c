import { UserError } from '../errors.js';
import type { CommandShape } from './command-shape.js';
import { closest } from './edit-distance.js';
import type { FileResolver } from './files.js';
import { renderUsage } from './help.js';
import type { AnyOption, OptionContext, OptionMap, TypedOptions } from './options.js';
import { Scanner, type Token } from './scanner.js';
import { assertStorable, normaliseNewlines, quote } from './text.js';

/** Longer argument text is refused before parsing (Slack allows about 4000 characters). */
const MAX_INPUT_LENGTH = 10_000;

/**
 * Splits a typed line into the command's name and its argument text: '/mood 6 tired' gives
 * { name: 'mood', args: '6 tired' }. Undefined when the line does not start with '/' and a name.
 */
export function splitCommandLine(line: string): { name: string; args: string } | undefined {
  const match = /^\s*\/([A-Za-z0-9-]+)(?:\s+([\s\S]*))?$/.exec(line);
  const name = match?.[1];
  if (name === undefined) return undefined;
  return { name: name.toLowerCase(), args: (match?.[2] ?? '').trim() };
}

/**
 * Parses a command's argument text, as Slack and the console deliver it, into typed options.
 *
 * - Positional values fill options in declaration order, skipping those already given by name: an
 *   integer, number, choice, boolean, time zone, url or plain text takes one word or quoted string; tags
 *   take words until `--`, a named option or the end ("tired anxious", or "very tired, anxious" when
 *   commas are used; a quoted "tired, sad" is one tag); a rest text takes everything left, and so does
 *   the option of a command whose only option is a text or a link ("/share not a link").
 * - `name:value` sets an option by name; values may be quoted with "..." or '...' (\" and \' escape).
 * - Everything after a standalone `--` goes, word for word, to the rest text option (the note).
 * - A file option gets its file from `files`, the platform's FileResolver: from a typed word like any
 *   option when `files.typed` (the console's path), else from the platform alone, taking no words (Slack:
 *   the file shared in the DM). Without `files` a file option takes no words and gets no file.
 *
 * Throws a UserError for anything it cannot accept, and nothing else.
 */
export function parseCommandText<O extends OptionMap>(
  command: CommandShape<O>,
  text: string,
  files?: FileResolver,
): TypedOptions<O> {
  const input = normaliseNewlines(typeof text === 'string' ? text : '').trim();
  if (input.length > MAX_INPUT_LENGTH) {
    throw new UserError(
      `That is too long for one command (${input.length} characters; the limit is ${MAX_INPUT_LENGTH}).`,
      'TOO_LONG',
    );
  }
  assertStorable(input, 'Your message');

  const entries: [string, AnyOption][] = Object.entries(command.options);
  const context = (name: string): OptionContext => ({ name, example: exampleOf(command) });
  const result: Record<string, unknown> = {};
  const given = new Set<string>();
  const typedFiles = files?.typed === true;
  // Where files are not typed, the usage a message shows leaves them out (they are not typed).
  const usage = () => renderUsage(command, { omitFiles: files !== undefined && !typedFiles });
  /** Whether the option is given in the typed text (a file is not, unless this platform types paths). */
  const takesWords = (option: AnyOption): boolean => option.kind !== 'file' || typedFiles;
  /** A file option's value: the platform's file for what was typed (or for nothing), then resolved. */
  const fileValue = (name: string, option: AnyOption, raw: unknown): unknown => {
    const typed = typedFiles && typeof raw === 'string' && raw.trim() !== '' ? raw.trim() : undefined;
    const found = files?.open(typed);
    if (found === undefined && option.required && files) {
      throw new UserError(files.missing(command.name), 'MISSING_FILE');
    }
    return option.resolve(found, context(name));
  };
  const assign = (name: string, option: AnyOption, raw: unknown): void => {
    if (given.has(name)) {
      throw new UserError(`You gave the ${option.label ?? name} twice; give it once.`, 'DUPLICATE_OPTION');
    }
    given.add(name);
    result[name] = option.kind === 'file' ? fileValue(name, option, raw) : option.resolve(raw, context(name));
  };

  // A command whose one option is a string (a text, a link or a typed path) reads the whole line as that
  // string, so "/share not a link" is judged as a link (and refused as one), not as a link followed by
  // extra words, and a path may have spaces.
  const [only] = entries;
  const soleString =
    entries.length === 1 &&
    only !== undefined &&
    (only[1].kind === 'text' || only[1].kind === 'url' || (only[1].kind === 'file' && typedFiles));

  const scanner = new Scanner(input);
  // Made once per call, not once per word: this runs for every command, and under tsx each closure
  // made also costs a name definition (esbuild's keepNames).
  const free = ([name, option]: [string, AnyOption]): boolean => !given.has(name) && takesWords(option);
  const claims = ([, option]: [string, AnyOption]): boolean =>
    option.kind !== 'file' || option.required || files?.claims?.(scanner.peekToken().text) !== false;
  const freeAndClaiming = (entry: [string, AnyOption]): boolean => free(entry) && claims(entry);
  while (scanner.more()) {
    if (scanner.takeSeparator()) {
      const rest = scanner.rest();
      if (rest === '') break;
      const target = entries.find(([, option]) => option.kind === 'text' && option.rest);
      if (target === undefined) {
        throw new UserError(
          `/${command.name} takes no text after --. Usage: \`${usage()}\`.`,
          'UNEXPECTED_ARGUMENT',
        );
      }
      assign(target[0], target[1], rest);
      break;
    }

    const named = scanner.peekName();
    if (named !== undefined) {
      const name = named.toLowerCase();
      const option = Object.hasOwn(command.options, name) ? command.options[name] : undefined;
      if (option === undefined) throw unknownOption(command, named);
      if (!takesWords(option)) {
        throw new UserError(
          `The ${option.label ?? name} cannot be typed here: attach or share the file instead (see /help ${command.name}).`,
          'FILE_NOT_TYPED',
        );
      }
      scanner.takeName(named);
      assign(name, option, scanner.more() ? readValue(scanner, option, soleString, true) : undefined);
      continue;
    }

    // An optional file passes a word it does not claim to the next option; the last one left takes it.
    const next = entries.find(freeAndClaiming) ?? entries.find(free);
    if (next === undefined) {
      const extra = scanner.token().text;
      throw new UserError(
        `I don't know where ${quote(extra)} goes: every option of /${command.name} is already given. ` +
          `Usage: \`${usage()}\`.`,
        'UNEXPECTED_ARGUMENT',
      );
    }
    const [name, option] = next;
    const value = readValue(scanner, option, soleString);
    // A lone comma between positional values ("6 , tired") separates; it is not a value.
    if (value === '') continue;
    assign(name, option, value);
  }

  const ordered: Record<string, unknown> = {};
  for (const [name, option] of entries) {
    if (given.has(name)) ordered[name] = result[name];
    else if (option.kind === 'file') ordered[name] = fileValue(name, option, undefined);
    else ordered[name] = option.resolve(undefined, context(name));
  }
  // Each value came from its own option's `resolve`, whose return type is what TypedOptions names.
  return ordered as TypedOptions<O>;
}

/**
 * Validates options a platform delivers already typed (Discord) with the same option parsers as the
 * text, so every rule lives in one place. A key the command does not declare is a UserError. A file
 * option's value is the IncomingFile the adapter made of the attachment.
 */
export function parseStructuredOptions<O extends OptionMap>(
  command: CommandShape<O>,
  raw: Readonly<Record<string, unknown>>,
): TypedOptions<O> {
  for (const key of Object.keys(raw)) {
    if (!Object.hasOwn(command.options, key)) throw unknownOption(command, key);
  }
  const result: Record<string, unknown> = {};
  for (const [name, option] of Object.entries(command.options) as [string, AnyOption][]) {
    const value = Object.hasOwn(raw, name) ? raw[name] : undefined;
    result[name] = option.resolve(value, { name, example: exampleOf(command) });
  }
  return result as TypedOptions<O>;
}

/**
 * The value of `option` at the scanner's cursor (which is at a non-space character). `toTheEnd`: the
 * option is the command's only string option, which (like a rest text) takes the rest of the line.
 * `named`: the value follows `name:`.
 */
function readValue(scanner: Scanner, option: AnyOption, toTheEnd = false, named = false): string | string[] {
  if (option.kind === 'tags') return readTags(scanner, named);
  if ((option.kind === 'text' && option.rest) || toTheEnd)
    return scanner.atQuote() ? scanner.token().text : scanner.rest();
  const token = scanner.token();
  // Text and paths keep every character; elsewhere a trailing comma separates values ("6, tired").
  return token.quoted || option.kind === 'text' || option.kind === 'file'
    ? token.text
    : token.text.replace(/,+$/, '');
}

/**
 * Words until `--`, a named option or the end, as a list of tags (each item one tag, see opt.tags).
 * Without commas each word is a tag; with commas, words between commas form one tag ("very tired,
 * anxious"). A quoted string is one tag, commas and all ("tired, sad" stays together), except the one
 * quoted value of a `name:` (`emotions:"tired, anxious"`), which quotes the whole list as a note's
 * quotes do the whole note: it is split on its commas, like the emotions field on Discord.
 */
function readTags(scanner: Scanner, named: boolean): string[] {
  const tokens: Token[] = [];
  while (scanner.more() && scanner.peekName() === undefined && !scanner.atSeparator()) {
    tokens.push(scanner.token());
  }
  const [first] = tokens;
  if (named && tokens.length === 1 && first?.quoted) return first.text.split(',');
  if (!tokens.some((token) => !token.quoted && token.text.includes(',')))
    return tokens.map((token) => token.text);
  const items: string[] = [];
  let words: string[] = [];
  const endPhrase = () => {
    items.push(...words.join(' ').split(','));
    words = [];
  };
  for (const token of tokens) {
    if (token.quoted) {
      endPhrase();
      items.push(token.text);
    } else {
      words.push(token.text);
    }
  }
  endPhrase();
  return items;
}

function exampleOf(command: CommandShape): string {
  return command.usageExample ?? renderUsage(command);
}

function unknownOption(command: CommandShape, name: string): UserError {
  const names = Object.keys(command.options);
  const valid =
    names.length === 0
      ? `/${command.name} takes no options.`
      : `/${command.name} takes: ${names.join(', ')}.`;
  const guess = closest(name.toLowerCase(), names, 2)[0];
  const hint = guess === undefined ? '' : ` Did you mean ${guess}?`;
  return new UserError(
    `I don't know the option ${quote(name)}. ${valid}${hint} To use a colon in a word, put the word in quotes.`,
    'UNKNOWN_OPTION',
  );
}
