import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type * as schema from './schema/index.js';

export type Schema = typeof schema;

/**
 * The database handle every repository takes first. Both drivers (node-postgres and PGlite) and a
 * transaction opened on either satisfy it, so one code path serves both ways to store.
 */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

export type DatabaseKind = 'postgres' | 'pglite';

/** An open database: the Drizzle handle plus what the process needs to manage it. */
export interface Database {
  readonly kind: DatabaseKind;
  readonly db: Db;
  /**
   * Runs pending migrations (serialized across instances on PostgreSQL) and says which it applied.
   * Refuses, with a UserError that says what to do, a database holding MoodScale's tables without
   * the record of the migrations that made them.
   */
  migrate(): Promise<MigrationRun>;
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  /** Pool figures for monitoring; PGlite reports a single connection. */
  poolStats(): { total: number; idle: number; waiting: number };
  close(): Promise<void>;
}

/** What one call to migrate() did. */
export interface MigrationRun {
  /** Tags of the migrations this call applied, oldest first; empty when it was already up to date. */
  applied: string[];
  /** Tags of the migrations that were applied before this call. */
  previouslyApplied: string[];
}
