import {
  type HelpCommand,
  opt,
  type Platform,
  renderCommandHelp,
  renderHelp,
  reply,
} from '../src/core/commands/index.js';
import { UserError } from '../src/core/errors.js';
import { defineCommand } from './define.js';

/** A command a platform answers itself, with the other names it answers to. */
type OwnCommand = HelpCommand & { readonly aliases: readonly string[] };

/**
 * Commands a platform answers itself, before the dispatcher (src/platforms/console answers /quit and
 * /exit), so /help lists and explains them there and nowhere else.
 */
const OWN_COMMANDS: Readonly<Record<Platform, readonly OwnCommand[]>> = {
  console: [
    {
      name: 'quit',
      aliases: ['exit'],
      description: 'Leave the console chat (/exit and Ctrl+D do the same)',
      options: {},
    },
  ],
  discord: [],
  slack: [],
};

export default defineCommand({
  name: 'help',
  readOnly: true,
  description: 'What MoodScale can do, and how to use each command',
  usageExample: '/help mood',
  options: {
    command: opt.text({ description: 'A command to explain, e.g. mood', max: 40 }),
  },
  run({ options, platform }, { catalog }) {
    const own = OWN_COMMANDS[platform];
    const commands: HelpCommand[] = [...catalog.commands(), ...own];
    if (options.command) {
      const name = options.command.trim().replace(/^\//, '').toLowerCase();
      const found = commands.find((c) => c.name === name) ?? own.find((c) => c.aliases.includes(name));
      if (!found) {
        throw new UserError(
          `There is no /${name} command. Commands: ${commands.map((c) => `/${c.name}`).join(', ')}.`,
          'UNKNOWN_COMMAND',
        );
      }
      return reply.private({
        title: `/${found.name}`,
        text: renderCommandHelp(found, { titled: true, platform }),
      });
    }
    return reply.private({
      title: 'MoodScale',
      text: `${renderHelp(commands, { platform })}\n\nYour moods and notes are private: answers are only visible to you.`,
    });
  },
});
