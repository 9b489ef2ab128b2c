import type { SQL } from 'drizzle-orm';
import type { Db } from './database.js';

/**
 * Runs raw SQL and returns its rows. Both drivers answer execute() with an object holding `rows`;
 * the generic Db type cannot say so, hence this one narrow cast.
 */
export async function queryRows<T>(db: Db, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}
