import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getTableName, is, sql } from 'drizzle-orm';
import { PgTable } from 'drizzle-orm/pg-core';
import { z } from 'zod';
import { UserError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { Db, MigrationRun } from './database.js';
import { migrationsFolder } from './migrations-folder.js';
import { selectRows } from './raw-query.js';
import * as schema from './schema/index.js';

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
  const [exists] = await selectRows(
    db,
    sql`SELECT to_regclass('drizzle.__drizzle_migrations') IS NOT NULL AS present`,
    z.object({ present: z.boolean() }),
  );
  if (!exists?.present) return [];
  const rows = await selectRows(
    db,
    sql`SELECT created_at FROM drizzle.__drizzle_migrations`,
    z.object({ created_at: z.union([z.string(), z.number()]) }),
  );
  const applied = new Set(rows.map((r) => Number(r.created_at)));
  return listMigrations(folder)
    .filter((m) => applied.has(m.when))
    .map((m) => m.tag);
}

/** The names of the tables src/db/schema declares. */
function schemaTableNames(): string[] {
  return Object.values(schema)
    .filter((value) => is(value, PgTable))
    .map((table) => getTableName(table as PgTable))
    .sort();
}

/** Where a database is and how to replace it with an empty one, for messages that say what to do. */
export interface DatabasePlace {
  /** "the PostgreSQL database in DATABASE_URL (host ..., database ...)", "the embedded database in DATA_DIR (...)". */
  description: string;
  /** Shell commands that replace it with an empty, migrated database. */
  startOver: string;
  /** How to keep the rows while starting over, when there is a way. */
  keepRows?: string;
}

/**
 * Refuses a database that holds MoodScale's tables without drizzle's record of the migrations that
 * made them (what `drizzle-kit push` leaves): the migrations would try to create those tables again
 * and fail half-way with "relation ... already exists".
 */
export async function checkMigrationRecord(db: Db, place: DatabasePlace): Promise<void> {
  if ((await appliedMigrations(db)).length > 0) return;
  const ours = schemaTableNames();
  const rows = await selectRows(
    db,
    sql`SELECT table_name AS name FROM information_schema.tables
        WHERE table_schema = 'public' AND table_name IN (${sql.join(
          ours.map((name) => sql`${name}`),
          sql`, `,
        )})
        ORDER BY 1`,
    z.object({ name: z.string() }),
  );
  if (rows.length === 0) return;
  const present = rows.map((r) => r.name);
  const shown =
    present.length > 4
      ? `${present.slice(0, 4).join(', ')} and ${present.length - 4} more`
      : present.join(', ');
  throw new UserError(
    [
      `${capitalized(place.description)} has MoodScale's tables (${shown}) but no record of the migrations ` +
        'that made them (drizzle.__drizzle_migrations is missing or empty), so migrating it would create them again and fail. ' +
        '`drizzle-kit push` (npm run db:push:raw) leaves a database like this; `npm run db:push` and `npm run db:migrate` ' +
        'record what they apply.',
      `To start over (its rows are lost): ${place.startOver}`,
      ...(place.keepRows ? [`To keep its rows: ${place.keepRows}`] : []),
    ].join('\n'),
    'MIGRATION_RECORD_MISSING',
  );
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * Runs `migrate` (drizzle's migrator) after checking the database can be migrated, and reports which
 * migrations it applied. The caller holds whatever lock serializes migrations.
 */
export async function runRecordedMigrations(
  db: Db,
  place: DatabasePlace,
  migrate: () => Promise<void>,
): Promise<MigrationRun> {
  await checkMigrationRecord(db, place);
  const before = await appliedMigrations(db);
  await migrate();
  const after = await appliedMigrations(db);
  const already = new Set(before);
  return { applied: after.filter((tag) => !already.has(tag)), previouslyApplied: before };
}

/** One log line that says what a migration run did. */
export function logMigrationRun(log: Logger, run: MigrationRun, durationMs: number): void {
  if (run.applied.length > 0) {
    log.info(
      { applied: run.applied, durationMs },
      `applied ${run.applied.length} database migration${run.applied.length === 1 ? '' : 's'}`,
    );
  } else {
    log.info(
      { latest: run.previouslyApplied.at(-1), durationMs },
      'database migrations are already up to date: none to apply',
    );
  }
}
