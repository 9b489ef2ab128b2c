import type { CommandShape } from './command-shape.js';
import { type AnyOption, rangeWords } from './options.js';

/** A command for the help: its shape plus the description. */
export type HelpCommand = CommandShape & { readonly description: string };

/**
 * The usage line, e.g. `/mood <score> [emotions...] [-- note]`: <required>, [optional], `...` for tags.
 * Tags take every word up to `--` or a named option, so what follows them is shown as `[-- note]` for a
 * rest text and as `[name:value]` otherwise.
 */
export function renderUsage(command: CommandShape): string {
  const parts = [`/${command.name}`];
  let afterTags = false;
  for (const [name, option] of Object.entries(command.options)) {
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

/** What an option accepts, in words: "a whole number from 1 to 10". */
export function describeOption(option: AnyOption): string {
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
  }
}

/**
 * Help for one command: usage line, description, each option with what it accepts, the example. Under a
 * title that already names the command (`titled`), a usage line that is only the name (a command without
 * options, such as /export) is left out: it would print the name twice.
 */
export function renderCommandHelp(command: HelpCommand, options: { titled?: boolean } = {}): string {
  const usage = renderUsage(command);
  const lines = options.titled && usage === `/${command.name}` ? [] : [usage];
  lines.push(command.description);
  const entries = Object.entries(command.options);
  if (entries.length > 0) {
    const width = Math.max(...entries.map(([name]) => name.length));
    lines.push('');
    for (const [name, option] of entries) {
      const presence = option.required ? 'required' : 'optional';
      lines.push(`  ${name.padEnd(width)}  ${option.description} (${presence}; ${describeOption(option)})`);
    }
  }
  if (command.usageExample !== undefined) lines.push('', `Example: ${command.usageExample}`);
  return lines.join('\n');
}

/** Help for every command: each usage line with its description, then how options can be named. */
export function renderHelp(commands: Iterable<HelpCommand>): string {
  const lines: string[] = [];
  for (const command of commands) lines.push(renderUsage(command), `  ${command.description}`);
  lines.push(
    '',
    'Options can also be given by name, as name:value; put text with spaces in quotes (note:"long day").',
  );
  return lines.join('\n');
}
