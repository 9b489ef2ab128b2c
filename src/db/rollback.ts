import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import type { Db } from './database.js';
import { appliedMigrations, listMigrations } from './migration-state.js';
import { migrationsFolder } from './migrations-folder.js';
import { MIGRATION_LOCK_KEY } from './postgres.js';

// Listing migrations lives in migration-state.ts (the drivers use it too); re-exported for the callers here.
export { appliedMigrations, listMigrations, type MigrationInfo } from './migration-state.js';

/**
 * Undoes the most recent `steps` migrations with their down scripts, newest first, each in a
 * transaction that also removes drizzle's record of it, so `migrate` applies it again afterwards.
 * Serialized with the same advisory lock as migrations.
 */
export async function rollbackMigrations(db: Db, steps = 1, folder = migrationsFolder()): Promise<string[]> {
  const applied = new Set(await appliedMigrations(db, folder));
  const toUndo = listMigrations(folder)
    .filter((m) => applied.has(m.tag))
    .reverse()
    .slice(0, steps);
  for (const migration of toUndo) {
    const down = readFileSync(migration.downPath, 'utf8');
    await db.transaction(async (tx) => {
      await tx.execute(sql`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`);
      await tx.execute(sql.raw(down));
      await tx.execute(sql`DELETE FROM drizzle.__drizzle_migrations WHERE created_at = ${migration.when}`);
    });
  }
  return toUndo.map((m) => m.tag);
}
