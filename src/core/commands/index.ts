export { type Suggestion, suggest } from './autocomplete.js';
export { hasFileOption } from './command-shape.js';
export {
  type AnyCommand,
  type CommandChannel,
  type CommandContext,
  type CommandDefinition,
  CommandRegistry,
  type CommandShape,
  type CommandSpec,
  type CommandUser,
  createCommandFactory,
  defineCommand,
  type NoOptions,
  type Platform,
} from './define-command.js';
export {
  collectBytes,
  type FileResolver,
  fileTooLarge,
  formatBytes,
  type IncomingFile,
  isIncomingFile,
} from './files.js';
export {
  describeOption,
  type HelpCommand,
  type HelpOptions,
  renderCommandHelp,
  renderHelp,
  renderUsage,
} from './help.js';
export * from './options.js';
export { parseCommandText, parseStructuredOptions, splitCommandLine } from './parse-text.js';
export * from './reply.js';
export { canonicalTimeZone, closeTimeZones, timeZoneNames } from './time-zones.js';
