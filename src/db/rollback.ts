import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from './database.js';
import { migrationsFolder } from './migrations-folder.js';
import { MIGRATION_LOCK_KEY } from './postgres.js';
import { queryRows } from './raw-query.js';

const journalSchema = z.object({
  entries: z.array(z.object({ idx: z.number(), when: z.number(), tag: z.string() })),
});

export interface MigrationInfo {
  tag: string;
  when: number;
  upPath: string;
  downPath: string;
}

/** The migrations drizzle-kit generated, in order, with the down script each one ships. */
export function listMigrations(folder = migrationsFolder()): MigrationInfo[] {
  const journal = journalSchema.parse(
    JSON.parse(readFileSync(join(folder, 'meta', '_journal.json'), 'utf8')),
  );
  return journal.entries
    .sort((a, b) => a.idx - b.idx)
    .map((e) => ({
      tag: e.tag,
      when: e.when,
      upPath: join(folder, `${e.tag}.sql`),
      downPath: join(folder, `${e.tag}.down.sql`),
    }));
}

/** Tags of the migrations applied to this database, oldest first. */
export async function appliedMigrations(db: Db, folder = migrationsFolder()): Promise<string[]> {
  const [exists] = await queryRows<{ present: boolean }>(
    db,
    sql`SELECT to_regclass('drizzle.__drizzle_migrations') IS NOT NULL AS present`,
  );
  if (!exists?.present) return [];
  const rows = await queryRows<{ created_at: string }>(
    db,
    sql`SELECT created_at FROM drizzle.__drizzle_migrations`,
  );
  const applied = new Set(rows.map((r) => Number(r.created_at)));
  return listMigrations(folder)
    .filter((m) => applied.has(m.when))
    .map((m) => m.tag);
}

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
