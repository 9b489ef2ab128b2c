import type { IncomingFile } from './files.js';

/** The kinds of option a command can declare; each platform adapter maps them to its own types. */
export type OptionKind =
  | 'integer'
  | 'number'
  | 'text'
  | 'tags'
  | 'choice'
  | 'boolean'
  | 'timeZone'
  | 'url'
  | 'file';

/** What an option needs to know about its command to say that a required value is missing. */
export interface OptionContext {
  /** The option's key in the declaration's `options` object. */
  readonly name: string;
  /** A whole example invocation shown in the message, e.g. "/mood 6 tired". */
  readonly example: string;
}

/**
 * What every option carries. `V` is the type of a given value, `Out` what the command's handler sees
 * (`V` when required, `V | undefined` when optional, `string[]` always for tags).
 */
export interface OptionBase<K extends OptionKind, V, Out> {
  readonly kind: K;
  /** Shown by Discord next to the option and by the generated help; 1 to 100 characters. */
  readonly description: string;
  /** The noun messages use for the value ("score"); the option's name when not set. */
  readonly label: string | undefined;
  readonly required: boolean;
  /**
   * Turns one given value (text typed in chat, or the typed value a platform delivers) into `V`, or
   * throws a UserError that quotes the value and says what would be accepted. `name` is the option's key.
   */
  parse(raw: unknown, name: string): V;
  /**
   * Like `parse`, but also decides what an absent value (undefined, null, blank text, an empty list)
   * becomes: a UserError for a required option, `undefined` (or `[]` for tags) otherwise.
   */
  resolve(raw: unknown, context: OptionContext): Out;
}

/** Inclusive bounds of a numeric option. */
export interface NumericBounds {
  readonly min: number;
  readonly max: number;
}

export interface IntegerOption<Out = number | undefined> extends OptionBase<'integer', number, Out> {
  readonly bounds: NumericBounds;
}

export interface NumberOption<Out = number | undefined> extends OptionBase<'number', number, Out> {
  readonly bounds: NumericBounds;
}

export interface TextOption<Out = string | undefined> extends OptionBase<'text', string, Out> {
  /** `max`: most characters (code points) allowed. */
  readonly bounds: { readonly max: number };
  /** Takes the remainder of a typed command line (a note), instead of one word or quoted string. */
  readonly rest: boolean;
}

export interface TagsOption extends OptionBase<'tags', string[], string[]> {
  /** `max`: most tags; `maxLength`: most characters in one tag (after normalisation). */
  readonly bounds: { readonly max: number; readonly maxLength: number };
  /** Suggested tags for autocomplete; any other tag is accepted as well. */
  readonly vocabulary: readonly string[];
}

export interface ChoiceOption<C extends string = string, Out = C | undefined>
  extends OptionBase<'choice', C, Out> {
  readonly choices: readonly C[];
}

export type BooleanOption<Out = boolean | undefined> = OptionBase<'boolean', boolean, Out>;

export type TimeZoneOption<Out = string | undefined> = OptionBase<'timeZone', string, Out>;

export interface UrlOption<Out = string | undefined> extends OptionBase<'url', string, Out> {
  /** `max`: the longest link accepted, in characters. */
  readonly bounds: { readonly max: number };
}

/**
 * A file the user gives the command (see IncomingFile): attached on Discord, shared in the DM with the
 * bot before the command on Slack, a local path in the console.
 */
export type FileOption<Out = IncomingFile | undefined> = OptionBase<'file', IncomingFile, Out>;

/** Any declared option; switch on `kind` to reach its bounds. */
export type AnyOption =
  | IntegerOption<unknown>
  | NumberOption<unknown>
  | TextOption<unknown>
  | TagsOption
  | ChoiceOption<string, unknown>
  | BooleanOption<unknown>
  | TimeZoneOption<unknown>
  | UrlOption<unknown>
  | FileOption<unknown>;

/** A command's options, keyed by name, in declaration order (which is also positional order). */
export type OptionMap = Readonly<Record<string, AnyOption>>;

/** What the handler sees for one option. */
export type OptionOutput<O> = O extends { resolve(raw: unknown, context: OptionContext): infer Out }
  ? Out
  : never;

/** The typed values of a command's options, as its handler receives them. */
export type TypedOptions<O extends OptionMap> = { -readonly [K in keyof O]: OptionOutput<O[K]> };

/** What every builder takes. */
export interface CommonConfig<R extends boolean> {
  /** 1 to 100 characters. */
  description: string;
  /** The noun messages use ("score"); defaults to the option's name. */
  label?: string;
  required?: R;
}

export interface IntegerConfig<R extends boolean = boolean> extends CommonConfig<R> {
  min: number;
  max: number;
}

export interface NumberConfig<R extends boolean = boolean> extends CommonConfig<R> {
  min: number;
  max: number;
}

export interface TextConfig<R extends boolean = boolean> extends CommonConfig<R> {
  /** Most characters (code points); Discord allows up to 6000. */
  max: number;
  /** Takes the remainder of the input (a note). Only the last option may. */
  rest?: boolean;
}

export interface TagsConfig<R extends boolean = boolean> extends CommonConfig<R> {
  max: number;
  maxLength: number;
  vocabulary?: readonly string[];
}

export interface ChoiceConfig<T extends readonly [string, ...string[]], R extends boolean = boolean>
  extends CommonConfig<R> {
  choices: T;
}

export interface UrlConfig<R extends boolean = boolean> extends CommonConfig<R> {
  /** The longest link accepted; 2000 when not set. */
  max?: number;
}

/** `V` for a required option, `V | undefined` for an optional one. */
export type Presence<V, R extends boolean> = R extends true ? V : V | undefined;
