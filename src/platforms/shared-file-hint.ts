import { type CommandShape, hasFileOption } from '../core/commands/index.js';

/** The first declared command that reads a file the user gives it (/import), if there is one. */
export function fileCommandOf(commands: Iterable<CommandShape> | undefined): string | undefined {
  for (const command of commands ?? []) if (hasFileOption(command)) return command.name;
  return undefined;
}

/**
 * The one line that answers a file sent to the bot in a DM without a command, naming the command that
 * reads it. On Slack that command finds the file shared in the DM; on Discord the file is attached to
 * the command itself, since a slash command cannot pick a file from the conversation.
 */
export function sharedFileHint(fileName: string, command: string, platform: 'slack' | 'discord'): string {
  const name = fileName.trim() === '' ? 'your file' : fileName.trim();
  return platform === 'slack'
    ? `Got ${name}. Type \`/${command}\` to preview it before anything is saved.`
    : `Got ${name}. Type \`/${command}\` and attach the file there to preview it before anything is saved.`;
}
