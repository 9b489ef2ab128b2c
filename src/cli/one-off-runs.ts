import { type App, startApp } from '../app.js';
import type { Config } from '../config.js';
import { UserError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { Database } from '../db/database.js';
import { openDatabase } from '../db/open-database.js';

/**
 * Runs `use` with the bots connected, to send by hand (`npm run digest`, `npm run checkins`): the
 * schedules, the backup and the ports stay with the running bot, so a run by hand sends only what it
 * was asked to.
 */
export async function withSendingApp<T>(
  config: Config,
  logger: Logger,
  use: (app: App) => Promise<T>,
): Promise<T> {
  if (!config.discord && !config.slack) {
    throw new UserError(
      'Nothing can be sent: neither Discord (DISCORD_TOKEN) nor Slack (SLACK_BOT_TOKEN) is configured. ' +
        'Preview with --dry-run instead.',
      'NO_PLATFORM',
    );
  }
  const app = await startApp(
    {
      ...config,
      digest: { ...config.digest, enabled: false },
      checkins: { ...config.checkins, enabled: false },
      backup: { ...config.backup, enabled: false },
      http: { ...config.http, port: 0, ops: { ...config.http.ops, port: 0 } },
    },
    logger,
  );
  try {
    return await use(app);
  } finally {
    await app.stop();
  }
}

/** Runs `use` on the configured database, migrated, without the bots (a dry run). */
export async function withDatabase<T>(
  config: Config,
  logger: Logger,
  use: (database: Database) => Promise<T>,
): Promise<T> {
  const database = await openDatabase(config.database, logger);
  try {
    await database.migrate();
    return await use(database);
  } finally {
    await database.close();
  }
}
