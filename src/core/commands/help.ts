import type { CommandShape, Platform } from './command-shape.js';
import { type AnyOption, rangeWords } from './options.js';

/** A command for the help: its shape plus the description. */
export type HelpCommand = CommandShape & { readonly description: string };

/** How help is rendered: for one platform, or (without one) in words that fit every platform. */
export interface HelpOptions {
  /** Where the help is shown; its way of giving a file is the one described. */
  platform?: Platform | undefined;
}

/**
 * The usage line, e.g. `/mood <score> [emotions...] [-- note]`: <required>, [optional], `...` for tags.
 * Tags take every word up to `--` or a named option, so what follows them is shown as `[-- note]` for a
 * rest text and as `[name:value]` otherwise. `omitFiles` leaves file options out, where they are not
 * typed (Slack, whose files are shared in the DM before the command).
 */
export function renderUsage(command: CommandShape, options: { omitFiles?: boolean } = {}): string {
  const parts = [`/${command.name}`];
  let afterTags = false;
  for (const [name, option] of Object.entries(command.options)) {
    if (option.kind === 'file' && options.omitFiles) continue;
    const wrap = (inner: string): string => (option.required ? `<${inner}>` : `[${inner}]`);
    if (option.kind === 'tags') {
      parts.push(wrap(`${name}...`));
      afterTags = true;
    } else if (!afterTags) {
      parts.push(wrap(name));
    } else if (option.kind === 'text' && option.rest) {
      parts.push(wrap(`-- ${name}`));
    } else {
      parts.push(wrap(`${name}:value`));
    }
  }
  return parts.join(' ');
}

/** Whether `platform` types no file options (see renderUsage). */
const filesUntyped = (platform: Platform | undefined): boolean => platform === 'slack';

/** How a file is given on each platform, for the help. */
const FILE_WAYS: Readonly<Record<Platform, string>> = {
  discord: 'a file: attach the file to the command',
  slack: 'a file: share the file in your DM with MoodScale first, then run the command',
  console: 'a path to a file on this computer, such as ~/Downloads/export.csv',
};

/**
 * What an option accepts, in words: "a whole number from 1 to 10". A file is described for `platform`
 * (attach it, share it in the DM first, type its path), or for all three when none is given.
 */
export function describeOption(option: AnyOption, platform?: Platform): string {
  switch (option.kind) {
    case 'integer':
      return `a whole number ${rangeWords(option.bounds.min, option.bounds.max)}`;
    case 'number':
      return `a number ${rangeWords(option.bounds.min, option.bounds.max)}`;
    case 'text':
      return `text, up to ${option.bounds.max} characters${option.rest ? ', the rest of the line' : ''}`;
    case 'tags': {
      const examples = option.vocabulary.slice(0, 4);
      const like = examples.length > 0 ? `, such as ${examples.join(', ')}` : '';
      return `up to ${option.bounds.max} words or phrases, separated by spaces or commas, each up to ${option.bounds.maxLength} characters${like}`;
    }
    case 'choice':
      return `one of ${option.choices.join(', ')}`;
    case 'boolean':
      return 'on or off (also yes/no, true/false)';
    case 'timeZone':
      return 'a time zone name, such as Europe/Berlin or America/New_York';
    case 'url':
      return 'a link starting with https://';
    case 'file':
      return platform
        ? FILE_WAYS[platform]
        : 'a file: attach it to the command on Discord, share it in your DM with MoodScale first on Slack, ' +
            'or type its path in the console';
  }
}

/**
 * Help for one command: usage line, description, each option with what it accepts, the example. Under a
 * title that already names the command (`titled`), a usage line that is only the name (a command without
 * options, such as /export) is left out: it would print the name twice.
 */
export function renderCommandHelp(
  command: HelpCommand,
  options: { titled?: boolean } & HelpOptions = {},
): string {
  const usage = renderUsage(command, { omitFiles: filesUntyped(options.platform) });
  const lines = options.titled && usage === `/${command.name}` ? [] : [usage];
  lines.push(command.description);
  const entries = Object.entries(command.options);
  if (entries.length > 0) {
    const width = Math.max(...entries.map(([name]) => name.length));
    lines.push('');
    for (const [name, option] of entries) {
      const presence = option.required ? 'required' : 'optional';
      const accepts = describeOption(option, options.platform);
      lines.push(`  ${name.padEnd(width)}  ${option.description} (${presence}; ${accepts})`);
    }
  }
  if (command.usageExample !== undefined) lines.push('', `Example: ${command.usageExample}`);
  return lines.join('\n');
}

/** Help for every command: each usage line with its description, then how options can be named. */
export function renderHelp(commands: Iterable<HelpCommand>, options: HelpOptions = {}): string {
  const lines: string[] = [];
  const omitFiles = filesUntyped(options.platform);
  for (const command of commands) lines.push(renderUsage(command, { omitFiles }), `  ${command.description}`);
  lines.push(
    '',
    'Options can also be given by name, as name:value; put text with spaces in quotes (note:"long day").',
  );
  return lines.join('\n');
}
