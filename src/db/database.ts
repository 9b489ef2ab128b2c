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
  /** Runs pending migrations (serialized across instances on PostgreSQL). */
  migrate(): Promise<void>;
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  /** Pool figures for monitoring; PGlite reports a single connection. */
  poolStats(): { total: number; idle: number; waiting: number };
  close(): Promise<void>;
}
