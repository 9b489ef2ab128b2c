import type { PGlite } from '@electric-sql/pglite';
import { createFieldCipher } from '../../../src/crypto/create-field-cipher.js';
import type { Database } from '../../../src/db/database.js';
import { seedDatabase } from '../../../src/db/seed/insert.js';
import type { BackupTarget } from '../../../src/ops/backup/backup-target.js';
import { tempDir as makeTempDir } from '../../support/temp-dir.js';

export const cipher = createFieldCipher({ currentKey: 'b'.repeat(64) });

/** A temporary directory, removed after the test (or, made outside a test, after the file): see test/support/temp-dir.ts. */
export const tempDir = (prefix = 'moodscale-backup-') => makeTempDir(prefix);

/** The URL a test database was opened with (PostgreSQL) or its PGlite client. */
export function targetOf(database: Database): BackupTarget {
  const client = (database.db as unknown as { $client: unknown }).$client;
  if (database.kind === 'postgres') {
    return {
      kind: 'postgres',
      url: (client as { options: { connectionString: string } }).options.connectionString,
    };
  }
  return { kind: 'pglite', client: client as PGlite };
}

/** Rows in several tables: users, identities, settings, moods, tracks, recommendations, insights. */
export async function seed(database: Database, seedNumber = 5): Promise<void> {
  await seedDatabase(database.db, cipher, { users: 12, days: 10, tracks: 15, seed: seedNumber });
}
