import type { Config } from '../config.js';
import type { Logger } from '../core/logger.js';
import type { Database } from './database.js';
import { openPostgresDatabase } from './postgres.js';

/** Operations hooks (metrics, alerts); PGlite has no pool to lose connections from. */
export interface DatabaseHooks {
  onSlowQuery?: (durationMs: number) => void;
  onConnectionError?: (error: Error) => void;
}

/** DATABASE_URL set: the PostgreSQL server; unset: the embedded PostgreSQL under DATA_DIR. */
export async function openDatabase(
  config: Config['database'],
  logger: Logger,
  hooks: DatabaseHooks = {},
): Promise<Database> {
  if (config.url) {
    logger.info({ host: safeHost(config.url) }, 'using PostgreSQL');
    return openPostgresDatabase({ ...config, ...hooks, url: config.url }, logger);
  }
  logger.info({ dataDir: config.dataDir }, 'DATABASE_URL is not set: using the embedded PostgreSQL (PGlite)');
  // Loaded only here: PGlite's code is several MB resident that a bot on a PostgreSQL server never uses.
  const { openPgliteDatabase } = await import('./pglite.js');
  return openPgliteDatabase(
    {
      dataDir: config.dataDir,
      slowQueryMs: config.slowQueryMs,
      ...(hooks.onSlowQuery ? { onSlowQuery: hooks.onSlowQuery } : {}),
    },
    logger,
  );
}

function safeHost(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname}`;
  } catch {
    return '(unparseable)';
  }
}
