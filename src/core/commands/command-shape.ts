import type { OptionMap } from './options.js';

/** The part of a command the parsers and the help need (its own module: both are used by define-command). */
export interface CommandShape<O extends OptionMap = OptionMap> {
  readonly name: string;
  readonly options: O;
  readonly usageExample?: string | undefined;
}
