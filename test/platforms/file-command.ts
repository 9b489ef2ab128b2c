import help from '../../commands/help.js';
import mood from '../../commands/mood.js';
import {
  type AnyCommand,
  CommandRegistry,
  createCommandFactory,
  opt,
  reply,
} from '../../src/core/commands/index.js';
import type { Services } from '../../src/services/services.js';

/** What the test command reads at most: small, so a file over the limit is easy to make. */
export const READ_LIMIT = 64;

const defineCommand = createCommandFactory<Services>();

/**
 * A test-only command with a required file option (no /import yet): it reads the file within READ_LIMIT
 * bytes and answers with its name, its size and its first line.
 */
export const readFileCommand = defineCommand({
  name: 'readfile',
  description: 'Read a file and say what it starts with (a test command)',
  usageExample: '/readfile',
  options: {
    file: opt.file({ description: 'The file to read', required: true }),
  },
  async run({ options }) {
    const bytes = await options.file.read(READ_LIMIT);
    const firstLine = new TextDecoder().decode(bytes).split('\n')[0] ?? '';
    return reply.private({
      title: 'File read',
      text: `${options.file.name}: ${bytes.byteLength} bytes (size ${options.file.size ?? 'unknown'}); first line: ${firstLine}`,
    });
  },
});

/** The test command, which reads a file, with the app's /mood (DM moods) and /help. */
export function fileTestRegistry(): CommandRegistry<Services> {
  return new CommandRegistry<Services>([readFileCommand as AnyCommand<Services>, mood, help]);
}

/** /help lists the declared commands (services.catalog); point it at the test registry. */
export function useRegistryForHelp(services: Services, registry: CommandRegistry<Services>): void {
  services.catalog = { commands: () => registry.all() };
}
