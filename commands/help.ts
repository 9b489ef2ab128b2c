import { opt, renderCommandHelp, renderHelp, reply } from '../src/core/commands/index.js';
import { UserError } from '../src/core/errors.js';
import { defineCommand } from './define.js';

export default defineCommand({
  name: 'help',
  readOnly: true,
  description: 'What MoodScale can do, and how to use each command',
  usageExample: '/help mood',
  options: {
    command: opt.text({ description: 'A command to explain, e.g. mood', max: 40 }),
  },
  run({ options }, { catalog }) {
    const commands = catalog.commands();
    if (options.command) {
      const name = options.command.replace(/^\//, '').toLowerCase();
      const found = commands.find((c) => c.name === name);
      if (!found) {
        throw new UserError(
          `There is no /${name} command. Commands: ${commands.map((c) => `/${c.name}`).join(', ')}.`,
          'UNKNOWN_COMMAND',
        );
      }
      return reply.private({ title: `/${found.name}`, text: renderCommandHelp(found) });
    }
    return reply.private({
      title: 'MoodScale',
      text: `${renderHelp(commands)}\n\nYour moods and notes are private: answers are only visible to you.`,
    });
  },
});
