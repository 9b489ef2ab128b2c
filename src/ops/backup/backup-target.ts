import type { PGlite } from '@electric-sql/pglite';
import type { Config } from '../../config.js';
import type { Database } from '../../db/database.js';

/** What to back up: a PostgreSQL server's database (by URL, for pg_dump) or the open embedded one. */
export type BackupTarget = { kind: 'postgres'; url: string } | { kind: 'pglite'; client: PGlite };

/** The target behind an open Database; PostgreSQL needs the URL, which the pool does not expose. */
export function backupTargetFor(database: Database, config: Config['database']): BackupTarget {
  if (database.kind === 'postgres') {
    if (!config.url) throw new Error('a PostgreSQL database without DATABASE_URL cannot be backed up');
    return { kind: 'postgres', url: config.url };
  }
  return { kind: 'pglite', client: (database.db as unknown as { $client: PGlite }).$client };
}
