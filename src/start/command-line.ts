import { parseArgs } from 'node:util';
import { closest } from '../core/commands/edit-distance.js';
import { UserError } from '../core/errors.js';

/** `npm start -- --help`: what the flags of the bot's process are. */
export const startUsage = `Usage: npm start -- [options]

Starts MoodScale: on Discord and Slack when their tokens are set, otherwise the console chat.
Everything else is configured with environment variables (see README.md, Configuration).

Options:
  --user NAME   who you are in the console chat (default: CONSOLE_USER, else your login name)
  --help, -h    show this text and exit
`;

/** The flags `npm start` was given. */
export type StartFlags = { help: true } | { help: false; user: string | undefined };

const known = ['--user', '--help'];
const knownList = '--user NAME, --help';

/**
 * Reads the start flags. A flag it does not know, a flag without its value and a stray argument are
 * errors that say what is known, never silently ignored.
 */
export function parseStartFlags(args: readonly string[]): StartFlags {
  const { tokens } = parseArgs({
    args: [...args],
    options: { user: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  let user: string | undefined;
  let help = false;
  for (const token of tokens) {
    if (token.kind === 'option-terminator') continue;
    if (token.kind === 'positional') {
      throw new UserError(
        `Unexpected argument '${token.value}': npm start takes only options (${knownList}).\n` +
          `  For example: npm start -- --user ${token.value}`,
      );
    }
    if (token.name === 'help') {
      help = true;
    } else if (token.name === 'user' && token.rawName === '--user') {
      // parseArgs takes the next argument as the value even when it is another flag (--user --help).
      if (typeof token.value !== 'string' || token.value.trim() === '' || token.value.startsWith('-')) {
        throw new UserError('--user needs a name, for example: npm start -- --user alice');
      }
      user = token.value.trim();
    } else {
      const [near] = closest(token.rawName, known, 2);
      throw new UserError(
        `Unknown option ${token.rawName}${near ? ` (did you mean ${near}?)` : ''}. ` +
          `The options are ${knownList}; npm start -- --help explains them.`,
      );
    }
  }
  return help ? { help: true } : { help: false, user };
}
