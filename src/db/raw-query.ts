import { type SQL, sql } from 'drizzle-orm';
import pg from 'pg';
import type { Db } from './database.js';

/**
 * Runs raw SQL and returns its rows. Both drivers answer execute() with an object holding `rows`;
 * the generic Db type cannot say so, hence this one narrow cast.
 */
export async function queryRows<T>(db: Db, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}

/** A statement prepared once per connection by name (node-postgres); the hot paths use these. */
export interface PreparedStatement {
  name: string;
  text: string;
}

interface QueryClient {
  query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
}

interface PgliteLike {
  query(text: string, values: unknown[]): Promise<{ rows: unknown[] }>;
}

/**
 * Runs a named statement with positional parameters, skipping Drizzle's query builder and the
 * server's planning on every call after a connection's first: on the hottest path both cost more than
 * the query itself. PGlite has one connection and no planning worth saving; it runs the text as is.
 */
export async function runPrepared(
  db: Db,
  statement: PreparedStatement,
  values: unknown[],
): Promise<unknown[]> {
  const client = (db as unknown as { $client?: unknown }).$client;
  if (client instanceof pg.Pool) {
    return (await (client as unknown as QueryClient).query({ ...statement, values })).rows;
  }
  if (client && typeof (client as PgliteLike).query === 'function') {
    return (await (client as PgliteLike).query(statement.text, values)).rows;
  }
  // A transaction has no $client: fall back to Drizzle with the same parameters.
  const pieces = statement.text.split(/\$(\d+)/);
  const chunks: SQL[] = pieces.map((piece, i) =>
    i % 2 === 0 ? sql.raw(piece) : sql`${sql.param(values[Number(piece) - 1])}`,
  );
  return queryRows<unknown>(db, sql.join(chunks));
}
