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
  // Each value came from its own option's `resolve`, whose return type is what TypedOptions names.
  return new TextParse(command, input, files).run() as TypedOptions<O>;
}

type Entry = [string, AnyOption];

const isRestText = ([, option]: Entry): boolean => option.kind === 'text' && option.rest === true;

/**
 * One parse of one command's text (see parseCommandText). A class rather than closures: this runs for
 * every command, and under tsx each closure made per call also costs a name definition (esbuild's
 * keepNames), a few hundred bytes of garbage each.
 */
class TextParse {
  private readonly entries: Entry[];
  private readonly result: Record<string, unknown> = {};
  private readonly given = new Set<string>();
  private readonly typedFiles: boolean;
  private readonly scanner: Scanner;
  /** The command's only option is a string that reads the whole line (see run). */
  private readonly soleString: boolean;

  constructor(
    private readonly command: CommandShape,
    input: string,
    private readonly files: FileResolver | undefined,
  ) {
    this.entries = Object.entries(command.options);
    this.typedFiles = files?.typed === true;
    this.scanner = new Scanner(input);
    // A command whose one option is a string (a text, a link or a typed path) reads the whole line as
    // that string, so "/share not a link" is judged as a link (and refused as one), not as a link
    // followed by extra words, and a path may have spaces.
    const [only] = this.entries;
    this.soleString =
      this.entries.length === 1 &&
      only !== undefined &&
      (only[1].kind === 'text' || only[1].kind === 'url' || (only[1].kind === 'file' && this.typedFiles));
  }

  run(): Record<string, unknown> {
    const { command, scanner, entries } = this;
    while (scanner.more()) {
      if (scanner.takeSeparator()) {
        const rest = scanner.rest();
        if (rest === '') break;
        const target = entries.find(isRestText);
        if (target === undefined) {
          throw new UserError(
            `/${command.name} takes no text after --. Usage: \`${this.usage()}\`.`,
            'UNEXPECTED_ARGUMENT',
          );
        }
        this.assign(target[0], target[1], rest);
        break;
      }

      const named = scanner.peekName();
      if (named !== undefined) {
        const name = named.toLowerCase();
        const option = Object.hasOwn(command.options, name) ? command.options[name] : undefined;
        if (option === undefined) throw unknownOption(command, named);
        if (!this.takesWords(option)) {
          throw new UserError(
            `The ${option.label ?? name} cannot be typed here: attach or share the file instead (see /help ${command.name}).`,
            'FILE_NOT_TYPED',
          );
        }
        scanner.takeName(named);
        this.assign(
          name,
          option,
          scanner.more() ? readValue(scanner, option, this.soleString, true) : undefined,
        );
        continue;
      }

      // An optional file passes a word it does not claim to the next option; the last one left takes it.
      const next = this.nextFree(true) ?? this.nextFree(false);
      if (next === undefined) {
        const extra = scanner.token().text;
        throw new UserError(
          `I don't know where ${quote(extra)} goes: every option of /${command.name} is already given. ` +
            `Usage: \`${this.usage()}\`.`,
          'UNEXPECTED_ARGUMENT',
        );
      }
      const [name, option] = next;
      const value = readValue(scanner, option, this.soleString);
      // A lone comma between positional values ("6 , tired") separates; it is not a value.
      if (value === '') continue;
      this.assign(name, option, value);
    }

    const ordered: Record<string, unknown> = {};
    for (const [name, option] of entries) {
      if (this.given.has(name)) ordered[name] = this.result[name];
      else if (option.kind === 'file') ordered[name] = this.fileValue(name, option, undefined);
      else ordered[name] = option.resolve(undefined, this.context(name));
    }
    return ordered;
  }

  /** The first option not given yet that takes words; `claiming`: whose file (if any) claims the next word. */
  private nextFree(claiming: boolean): Entry | undefined {
    for (const entry of this.entries) {
      const [name, option] = entry;
      if (this.given.has(name) || !this.takesWords(option)) continue;
      if (claiming && !this.claims(option)) continue;
      return entry;
    }
    return undefined;
  }

  private claims(option: AnyOption): boolean {
    return (
      option.kind !== 'file' ||
      option.required === true ||
      this.files?.claims?.(this.scanner.peekToken().text) !== false
    );
  }

  /** Whether the option is given in the typed text (a file is not, unless this platform types paths). */
  private takesWords(option: AnyOption): boolean {
    return option.kind !== 'file' || this.typedFiles;
  }

  private context(name: string): OptionContext {
    return { name, example: exampleOf(this.command) };
  }

  // Where files are not typed, the usage a message shows leaves them out (they are not typed).
  private usage(): string {
    return renderUsage(this.command, { omitFiles: this.files !== undefined && !this.typedFiles });
  }

  /** A file option's value: the platform's file for what was typed (or for nothing), then resolved. */
  private fileValue(name: string, option: AnyOption, raw: unknown): unknown {
    const { files } = this;
    const typed = this.typedFiles && typeof raw === 'string' && raw.trim() !== '' ? raw.trim() : undefined;
    const found = files?.open(typed);
    if (found === undefined && option.required && files) {
      throw new UserError(files.missing(this.command.name), 'MISSING_FILE');
    }
    return option.resolve(found, this.context(name));
  }

  private assign(name: string, option: AnyOption, raw: unknown): void {
    if (this.given.has(name)) {
      throw new UserError(`You gave the ${option.label ?? name} twice; give it once.`, 'DUPLICATE_OPTION');
    }
    this.given.add(name);
    this.result[name] =
      option.kind === 'file' ? this.fileValue(name, option, raw) : option.resolve(raw, this.context(name));
  }
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
  for (const token of tokens) {
    if (token.quoted) {
      endPhrase(items, words);
      words = [];
      items.push(token.text);
    } else {
      words.push(token.text);
    }
  }
  endPhrase(items, words);
  return items;
}

/** The words of a phrase between quoted tags, split on their commas into tags. */
function endPhrase(items: string[], words: string[]): void {
  items.push(...words.join(' ').split(','));
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
