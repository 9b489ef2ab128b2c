import { type SQL, sql } from 'drizzle-orm';
import pg from 'pg';
import type { z } from 'zod';
import type { Db } from './database.js';

/**
 * Runs raw SQL and returns its rows, unchecked: callers parse them (selectRows does). Both drivers
 * answer execute() with an object holding `rows`; the generic Db type cannot say so, hence this cast.
 */
export async function queryRows(db: Db, query: SQL): Promise<unknown[]> {
  const result = (await db.execute(query)) as unknown as { rows: unknown[] };
  return result.rows;
}

/** Runs raw SQL and parses every row with `row`: what the database answered is checked like any input. */
export async function selectRows<S extends z.ZodType>(
  db: Db,
  query: SQL,
  row: S,
): Promise<Array<z.infer<S>>> {
  return (await queryRows(db, query)).map((raw) => row.parse(raw));
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
  return queryRows(db, preparedAsSql(statement, values));
}

/** A named statement with its parameters as Drizzle SQL: to run inside a transaction, or to EXPLAIN. */
export function preparedAsSql(statement: PreparedStatement, values: readonly unknown[]): SQL {
  const pieces = statement.text.split(/\$(\d+)/);
  const chunks: SQL[] = pieces.map((piece, i) =>
    i % 2 === 0 ? sql.raw(piece) : sql`${sql.param(values[Number(piece) - 1])}`,
  );
  return sql.join(chunks);
}
