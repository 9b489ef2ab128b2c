import { REST } from 'discord.js';
import { createRegistry } from '../../commands/index.js';
import { ConfigError } from '../core/errors.js';
import { buildCommandJson } from '../platforms/discord/command-json.js';
import { describeDiscordError } from '../platforms/discord/discord-errors.js';
import { registerCommands } from '../platforms/discord/register-commands.js';
import { type CliIo, runCli } from './run-cli.js';

/**
 * `npm run commands:register`: makes Discord's slash commands match the declared ones without starting
 * the bot (global, or to DISCORD_GUILD_ID's server when set). Writes only when something differs.
 * src/cli/commands-register.ts runs it on the process.
 */
export function main(io: CliIo): Promise<number> {
  return runCli(io, 'commands:register', async (config, logger) => {
    if (!config.discord) {
      throw new ConfigError(
        'commands:register needs Discord credentials: DISCORD_TOKEN is not set.\n' +
          '  DISCORD_TOKEN: expected the bot token (Developer Portal > your app > Bot > Reset Token)\n' +
          '  DISCORD_APPLICATION_ID: expected the numeric application id (Developer Portal > your app > General Information)',
      );
    }
    const { token, applicationId, guildId, apiUrl } = config.discord;
    const rest = new REST(apiUrl ? { api: apiUrl } : {}).setToken(token);
    const result = await registerCommands({
      rest,
      applicationId,
      guildId,
      commands: buildCommandJson(createRegistry().all()),
      logger,
    })
      .catch((error: unknown) => {
        throw new Error(describeDiscordError(error), { cause: error });
      })
      .finally(() => {
        // The client's sweeper timers: a process ends anyway; a test running this in process must not keep them.
        rest.clearHashSweeper();
        rest.clearHandlerSweeper();
      });
    const where = result.scope === 'guild' ? `server ${guildId}` : 'all servers (global)';
    const summary =
      result.action === 'unchanged'
        ? `Discord commands for ${where} are already up to date.`
        : `Registered the Discord commands for ${where}` +
          [
            result.added.length ? `; added ${result.added.join(', ')}` : '',
            result.changed.length ? `; changed ${result.changed.join(', ')}` : '',
            result.removed.length ? `; removed ${result.removed.join(', ')}` : '',
          ].join('') +
          '.';
    io.stdout.write(`${summary}\n`);
    return 0;
  });
}
