import type { Config } from './config.js';
import type { Logger } from './core/logger.js';
import type { Database } from './db/database.js';
import { openDatabase } from './db/open-database.js';
import { cipherFromConfig } from './services/crypto/cipher-from-config.js';
import type { FieldCipher } from './services/crypto/field-cipher.js';

/** A running MoodScale: what start-up built, and how to stop it in order. */
export interface App {
  database: Database;
  cipher: FieldCipher;
  stop(): Promise<void>;
}

/** The composition root: config -> database -> services. Later stages (platforms, jobs, http) plug in here. */
export async function startApp(config: Config, logger: Logger): Promise<App> {
  const cipher = cipherFromConfig(config, logger);
  const database = await openDatabase(config.database, logger);
  try {
    await database.migrate();
    await database.ping();
  } catch (error) {
    await database.close().catch(() => undefined);
    throw error;
  }
  let stopped = false;
  return {
    database,
    cipher,
    async stop() {
      if (stopped) return;
      stopped = true;
      await database.close();
      logger.info('MoodScale stopped');
    },
  };
}
