import { parseArgs } from 'node:util';
import { createRegistry } from '../../commands/index.js';
import { envSchema } from '../config.js';
import { UserError } from '../core/errors.js';
import { renderSlackManifest } from '../platforms/slack/manifest.js';
import { type CliIo, runCli } from './run-cli.js';

/**
 * `npm run slack:manifest`: prints the Slack app manifest for this configuration (SLACK_COMMAND_PREFIX;
 * Socket Mode, or HTTP mode with `--url https://your.host/slack/events`), generated from the declared
 * commands so it always matches them. Redirect it to a file and paste it into Slack's app settings.
 * src/cli/slack-manifest.ts runs it on the process.
 */
export function main(io: CliIo): Promise<number> {
  return runCli(io, 'slack:manifest', async () => {
    const { values } = parseArgs({
      args: [...io.argv],
      options: { url: { type: 'string' } },
      allowPositionals: false,
    });
    const url = values.url;
    if (url !== undefined && !/^https?:\/\/[^\s/]+(\/\S*)?$/.test(url)) {
      throw new UserError(
        `--url: expected the bot's public events URL, such as https://your.host/slack/events`,
      );
    }
    // Read from the environment itself: the manifest is made before the app has a token.
    const mode = envSchema.shape.SLACK_MODE.parse(io.env.SLACK_MODE);
    const prefix = envSchema.shape.SLACK_COMMAND_PREFIX.parse(io.env.SLACK_COMMAND_PREFIX) ?? '';
    const http = url !== undefined || mode === 'http';
    if (http && url === undefined) {
      throw new UserError(
        'SLACK_MODE=http: give the public URL Slack should call, e.g.\n' +
          '  npm run slack:manifest -- --url https://your.host/slack/events',
      );
    }
    const manifest = renderSlackManifest(createRegistry().all(), {
      prefix,
      mode: url !== undefined ? { kind: 'http', requestUrl: url } : { kind: 'socket' },
    });
    io.stdout.write(manifest);
    return 0;
  });
}
