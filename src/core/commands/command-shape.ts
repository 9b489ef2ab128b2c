import type { OptionMap } from './options.js';

/** The part of a command the parsers and the help need (its own module: both are used by define-command). */
export interface CommandShape<O extends OptionMap = OptionMap> {
  readonly name: string;
  readonly options: O;
  readonly usageExample?: string | undefined;
}

/** Where a command was run. */
export type Platform = 'discord' | 'slack' | 'console';

/** Whether the command declares a file option (it reads a file the user gives it). */
export function hasFileOption(command: CommandShape): boolean {
  return Object.values(command.options).some((option) => option.kind === 'file');
}
