import { UserError } from '../errors.js';
import { type IncomingFile, isIncomingFile } from './files.js';
import type {
  BooleanOption,
  ChoiceConfig,
  ChoiceOption,
  CommonConfig,
  FileOption,
  IntegerConfig,
  IntegerOption,
  NumberConfig,
  NumberOption,
  NumericBounds,
  OptionContext,
  OptionKind,
  Presence,
  TagsConfig,
  TagsOption,
  TextConfig,
  TextOption,
  TimeZoneOption,
  UrlConfig,
  UrlOption,
} from './option-types.js';
import { assertStorable, codePointLength, normaliseNewlines, quote, quoteBare } from './text.js';
import { canonicalTimeZone, closeTimeZones } from './time-zones.js';

export type * from './option-types.js';

const DISCORD_DESCRIPTION_MAX = 100;
const DISCORD_TEXT_MAX = 6000;
const DISCORD_CHOICES_MAX = 25;

/**
 * Normalises one tag: Unicode NFC, lower case, inner whitespace collapsed to one space, trimmed.
 * An empty result means "no tag".
 */
export function normaliseTag(tag: string): string {
  return tag.normalize('NFC').toLowerCase().replace(/\s+/g, ' ').trim();
}

/** "a score", "an emotion". */
function withArticle(noun: string): string {
  return /^[aeio]/i.test(noun) ? `an ${noun}` : `a ${noun}`;
}

function isAbsent(raw: unknown): boolean {
  return (
    raw === undefined ||
    raw === null ||
    (typeof raw === 'string' && raw.trim() === '') ||
    (Array.isArray(raw) && raw.length === 0)
  );
}

function checkCommon(config: CommonConfig<boolean>, kind: OptionKind): void {
  const length = config.description?.trim().length ?? 0;
  if (length < 1 || config.description.length > DISCORD_DESCRIPTION_MAX) {
    throw new Error(`A ${kind} option's description must be 1 to 100 characters: "${config.description}".`);
  }
  if (config.label !== undefined && config.label.trim() === '') {
    throw new Error(`A ${kind} option's label must not be blank.`);
  }
}

function checkPositiveInteger(value: number, what: string, max = Number.MAX_SAFE_INTEGER): void {
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new Error(`${what} must be a whole number from 1 to ${max}, not ${value}.`);
  }
}

/**
 * Builds `resolve` from `parse`: absent values become the missing-value UserError when required, else
 * `empty`. `wanted` completes "Tell me ..." (e.g. "a score from 1 to 10").
 */
function resolver<V, Out>(
  config: CommonConfig<boolean>,
  parse: (raw: unknown, name: string) => V,
  wanted: (subject: string) => string,
  empty: V | undefined,
): (raw: unknown, context: OptionContext) => Out {
  const missing = (context: OptionContext): UserError =>
    new UserError(
      `Tell me ${wanted(config.label ?? context.name)}, for example \`${context.example}\`.`,
      'MISSING_OPTION',
    );
  return (raw, context) => {
    if (isAbsent(raw)) {
      if (config.required === true) throw missing(context);
      // Each builder fixes Out to `V | undefined` (optional), `V` (required, never reaching here) or
      // `string[]` (tags, where `empty` is []); TypeScript cannot follow that through `R`, hence the casts.
      return empty as Out;
    }
    const value = parse(raw, context.name);
    if (Array.isArray(value) && value.length === 0 && config.required === true) throw missing(context);
    return value as unknown as Out;
  };
}

const NUMBER_SYNTAX = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;

function numericParser(
  config: NumericBounds & { label?: string },
  whole: boolean,
): (raw: unknown, name: string) => number {
  const { min, max } = config;
  const noun = whole ? 'a whole number' : 'a number';
  return (raw, name) => {
    const subject = config.label ?? name;
    let value: number;
    let shown: string;
    if (typeof raw === 'number') {
      value = raw;
      shown = String(raw);
    } else if (typeof raw === 'string' && NUMBER_SYNTAX.test(raw.trim())) {
      shown = quoteBare(raw.trim());
      value = Number(raw.trim());
    } else {
      const shownRaw = typeof raw === 'string' ? quote(raw.trim()) : quote(raw);
      throw new UserError(
        `The ${subject} must be a number ${rangeWords(min, max)} (you wrote ${shownRaw}).`,
        'NOT_A_NUMBER',
      );
    }
    if (!Number.isFinite(value)) {
      throw new UserError(
        `The ${subject} must be a number ${rangeWords(min, max)} (you wrote ${shown}).`,
        'NOT_A_NUMBER',
      );
    }
    if (whole && !Number.isInteger(value)) {
      throw new UserError(
        `The ${subject} is a whole number ${rangeWords(min, max)}, without decimals (you wrote ${shown}).`,
        'NOT_A_WHOLE_NUMBER',
      );
    }
    if (value < min || value > max) {
      throw new UserError(
        `The ${subject} is ${noun} ${rangeWords(min, max)} (you wrote ${shown}).`,
        'OUT_OF_RANGE',
      );
    }
    return value === 0 ? 0 : value; // no -0
  };
}

/** From here on a maximum is a technical bound (an id up to the database's largest integer), not a range to show. */
const ID_BOUND = 1_000_000_000;

/** A numeric option's range in words: "from 1 to 10", or "of 1 or more" for an id. */
export function rangeWords(min: number, max: number): string {
  return max >= ID_BOUND ? `of ${min} or more` : `from ${min} to ${max}`;
}

function checkBounds(config: NumericBounds, kind: OptionKind): void {
  const { min, max } = config;
  const whole = kind === 'integer';
  const valid = (n: number): boolean => (whole ? Number.isSafeInteger(n) : Number.isFinite(n));
  if (!valid(min) || !valid(max) || min > max) {
    throw new Error(
      `A ${kind} option needs ${whole ? 'whole-number ' : ''}bounds with min <= max (got ${min}..${max}).`,
    );
  }
}

/** The fields integer and number options share: bounds, and a message that names the range. */
function numericFields<R extends boolean>(
  config: IntegerConfig<R> | NumberConfig<R>,
  kind: 'integer' | 'number',
) {
  checkCommon(config, kind);
  checkBounds(config, kind);
  const parse = numericParser(config, kind === 'integer');
  return {
    description: config.description,
    label: config.label,
    required: config.required === true,
    bounds: { min: config.min, max: config.max },
    parse,
    resolve: resolver<number, Presence<number, R>>(
      config,
      parse,
      (s) => `${withArticle(s)} ${rangeWords(config.min, config.max)}`,
      undefined,
    ),
  };
}

function integer<const R extends boolean = false>(
  config: IntegerConfig<R>,
): IntegerOption<Presence<number, R>> {
  return { kind: 'integer', ...numericFields(config, 'integer') };
}

function number<const R extends boolean = false>(config: NumberConfig<R>): NumberOption<Presence<number, R>> {
  return { kind: 'number', ...numericFields(config, 'number') };
}

function textParser(config: { label?: string; max: number }): (raw: unknown, name: string) => string {
  return (raw, name) => {
    const subject = config.label ?? name;
    const given = typeof raw === 'number' || typeof raw === 'boolean' ? String(raw) : raw;
    if (typeof given !== 'string') {
      throw new UserError(`The ${subject} must be text (you gave ${quote(raw)}).`, 'INVALID_INPUT');
    }
    const value = normaliseNewlines(given).trim();
    assertStorable(value, `The ${subject}`);
    const length = codePointLength(value);
    if (length > config.max) {
      throw new UserError(
        `The ${subject} can be at most ${config.max} characters (yours has ${length}); shorten it and try again.`,
        'TOO_LONG',
      );
    }
    return value;
  };
}

function text<const R extends boolean = false>(config: TextConfig<R>): TextOption<Presence<string, R>> {
  checkCommon(config, 'text');
  checkPositiveInteger(config.max, 'A text option’s max', DISCORD_TEXT_MAX);
  const parse = textParser(config);
  return {
    kind: 'text',
    description: config.description,
    label: config.label,
    required: config.required === true,
    bounds: { max: config.max },
    rest: config.rest === true,
    parse,
    resolve: resolver(config, parse, (s) => withArticle(s), undefined),
  };
}

/**
 * A string is split on commas when it has any, otherwise on whitespace ("tired anxious" and
 * "tired, anxious" are both two tags); a list's items are each one tag as they are, so a parser can pass
 * a quoted "very tired" or "tired, sad" through as one tag.
 */
function tagsParser(config: TagsConfig): (raw: unknown, name: string) => string[] {
  return (raw, name) => {
    const subject = config.label ?? name;
    let pieces: string[];
    if (typeof raw === 'string') {
      pieces = raw.includes(',') ? raw.split(',') : raw.split(/\s+/);
    } else if (Array.isArray(raw) && raw.every((item): item is string => typeof item === 'string')) {
      pieces = raw;
    } else {
      throw new UserError(`The ${subject} must be words separated by commas (you gave ${quote(raw)}).`);
    }
    const tags: string[] = [];
    const seen = new Set<string>();
    for (const piece of pieces) {
      assertStorable(normaliseNewlines(piece), `The ${subject}`);
      const tag = normaliseTag(piece);
      if (tag === '' || seen.has(tag)) continue;
      seen.add(tag);
      tags.push(tag);
    }
    if (tags.length > config.max) {
      throw new UserError(
        `You can give at most ${config.max} ${subject} (you gave ${tags.length}); leave some out and try again.`,
        'TOO_MANY',
      );
    }
    for (const tag of tags) {
      const length = codePointLength(tag);
      if (length > config.maxLength) {
        throw new UserError(
          `Each of the ${subject} can be at most ${config.maxLength} characters (${quote(tag)} has ${length}); shorten it.`,
          'TOO_LONG',
        );
      }
    }
    return tags;
  };
}

function tags<const R extends boolean = false>(config: TagsConfig<R>): TagsOption {
  checkCommon(config, 'tags');
  checkPositiveInteger(config.max, 'A tags option’s max');
  checkPositiveInteger(config.maxLength, 'A tags option’s maxLength');
  const parse = tagsParser(config);
  const vocabulary = [...new Set((config.vocabulary ?? []).map(normaliseTag).filter((tag) => tag !== ''))];
  return {
    kind: 'tags',
    description: config.description,
    label: config.label,
    required: config.required === true,
    bounds: { max: config.max, maxLength: config.maxLength },
    vocabulary,
    parse,
    resolve: resolver(config, parse, (s) => `at least one of the ${s}`, []),
  };
}

function choice<const T extends readonly [string, ...string[]], const R extends boolean = false>(
  config: ChoiceConfig<T, R>,
): ChoiceOption<T[number], Presence<T[number], R>> {
  checkCommon(config, 'choice');
  const choices: readonly T[number][] = config.choices;
  const lower = choices.map((c) => c.toLowerCase());
  if (choices.length < 1 || choices.length > DISCORD_CHOICES_MAX || new Set(lower).size !== choices.length) {
    throw new Error(`A choice option needs 1 to 25 distinct choices (got ${choices.join(', ')}).`);
  }
  if (choices.some((c) => c.trim() === '' || c.length > DISCORD_DESCRIPTION_MAX || /\s/.test(c))) {
    throw new Error(`Each choice must be 1 to 100 characters without spaces (got ${choices.join(', ')}).`);
  }
  const list = choices.join(', ');
  const parse = (raw: unknown, name: string): T[number] => {
    const subject = config.label ?? name;
    const index = typeof raw === 'string' ? lower.indexOf(raw.trim().toLowerCase()) : -1;
    const found = choices[index];
    if (found === undefined) {
      throw new UserError(`The ${subject} is one of ${list} (you wrote ${quote(raw)}).`, 'INVALID_CHOICE');
    }
    return found;
  };
  return {
    kind: 'choice',
    description: config.description,
    label: config.label,
    required: config.required === true,
    choices,
    parse,
    resolve: resolver(config, parse, (s) => `the ${s} (one of ${list})`, undefined),
  };
}

const BOOLEAN_WORDS: ReadonlyMap<string, boolean> = new Map([
  ['on', true],
  ['yes', true],
  ['true', true],
  ['off', false],
  ['no', false],
  ['false', false],
]);

function boolean<const R extends boolean = false>(
  config: CommonConfig<R>,
): BooleanOption<Presence<boolean, R>> {
  checkCommon(config, 'boolean');
  const parse = (raw: unknown, name: string): boolean => {
    if (typeof raw === 'boolean') return raw;
    const value = typeof raw === 'string' ? BOOLEAN_WORDS.get(raw.trim().toLowerCase()) : undefined;
    if (value === undefined) {
      throw new UserError(
        `The ${config.label ?? name} is on or off; yes/no and true/false work too (you wrote ${quote(raw)}).`,
        'INVALID_BOOLEAN',
      );
    }
    return value;
  };
  return {
    kind: 'boolean',
    description: config.description,
    label: config.label,
    required: config.required === true,
    parse,
    resolve: resolver(config, parse, (s) => `the ${s}: on or off`, undefined),
  };
}

function timeZone<const R extends boolean = false>(
  config: CommonConfig<R>,
): TimeZoneOption<Presence<string, R>> {
  checkCommon(config, 'timeZone');
  const parse = (raw: unknown, name: string): string => {
    const subject = config.label ?? name;
    if (typeof raw !== 'string') {
      throw new UserError(`The ${subject} must be a name like Europe/Berlin (you gave ${quote(raw)}).`);
    }
    const value = raw.trim();
    assertStorable(value, `The ${subject}`);
    const canonical = canonicalTimeZone(value);
    if (canonical !== undefined) return canonical;
    const close = closeTimeZones(value, 3);
    const hint =
      close.length > 0
        ? `Did you mean ${close.join(' or ')}?`
        : 'Use a name like Europe/Berlin, America/New_York or UTC.';
    throw new UserError(`${quote(value)} is not a time zone I know. ${hint}`, 'UNKNOWN_TIME_ZONE');
  };
  return {
    kind: 'timeZone',
    description: config.description,
    label: config.label,
    required: config.required === true,
    parse,
    resolve: resolver(config, parse, (s) => `${withArticle(s)} such as Europe/Berlin`, undefined),
  };
}

/** Slack sends links as `<https://x>` or `<https://x|label>`; the link is what is meant. */
const SLACK_LINK = /^<([^|>]+)(?:\|[^>]*)?>$/;

function url<const R extends boolean = false>(config: UrlConfig<R>): UrlOption<Presence<string, R>> {
  checkCommon(config, 'url');
  const max = config.max ?? 2000;
  checkPositiveInteger(max, 'A url option’s max', DISCORD_TEXT_MAX);
  const parse = (raw: unknown, name: string): string => {
    const subject = config.label ?? name;
    const given = typeof raw === 'string' ? raw.trim() : '';
    const value = SLACK_LINK.exec(given)?.[1] ?? given;
    const invalid = new UserError(
      `The ${subject} must be a web address starting with https:// or http:// (you wrote ${quote(raw)}).`,
      'INVALID_URL',
    );
    // A web address has no spaces; "https://x/y and more" is a link with words after it, not a link.
    if (value === '' || /\s/.test(value)) throw invalid;
    assertStorable(value, `The ${subject}`);
    if (codePointLength(value) > max) {
      throw new UserError(
        `The ${subject} can be at most ${max} characters long; use a shorter link.`,
        'TOO_LONG',
      );
    }
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      throw invalid;
    }
    if ((parsed.protocol !== 'https:' && parsed.protocol !== 'http:') || parsed.hostname === '')
      throw invalid;
    return parsed.href;
  };
  return {
    kind: 'url',
    description: config.description,
    label: config.label,
    required: config.required === true,
    bounds: { max },
    parse,
    resolve: resolver(config, parse, (s) => `${withArticle(s)} starting with https://`, undefined),
  };
}

/**
 * A file the user gives the command; the handler reads it with `read(maxBytes)`. Only a platform adapter
 * makes the value (an IncomingFile); typed text never is one: the console and Slack turn what was typed
 * or shared into a file through their FileResolver (see parseCommandText).
 */
function file<const R extends boolean = false>(
  config: CommonConfig<R>,
): FileOption<Presence<IncomingFile, R>> {
  checkCommon(config, 'file');
  const parse = (raw: unknown, name: string): IncomingFile => {
    if (isIncomingFile(raw)) return raw;
    throw new UserError(
      `The ${config.label ?? name} must be a file you attach or share, not text (you gave ${quote(raw)}).`,
      'NOT_A_FILE',
    );
  };
  return {
    kind: 'file',
    description: config.description,
    label: config.label,
    required: config.required === true,
    parse,
    resolve(raw, context) {
      if (raw === undefined || raw === null) {
        if (config.required === true) {
          throw new UserError(
            `The ${config.label ?? context.name} is missing: attach the file to the command and send it again.`,
            'MISSING_FILE',
          );
        }
        // Out is `IncomingFile | undefined` for an optional file (see `resolver`'s note on the casts).
        return undefined as Presence<IncomingFile, R>;
      }
      return parse(raw, context.name) as Presence<IncomingFile, R>;
    },
  };
}

/**
 * Option builders. Each returns a declaration whose handler-side type follows from it: `required: true`
 * gives `number`, leaving it out gives `number | undefined`, tags always give `string[]`, a choice gives
 * the union of its literal choices, and a file an IncomingFile.
 */
export const opt = { integer, number, text, tags, choice, boolean, timeZone, url, file } as const;
