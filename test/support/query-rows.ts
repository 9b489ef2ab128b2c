import type { SQL } from 'drizzle-orm';
import type { Db } from '../../src/db/database.js';
import { queryRows as unchecked } from '../../src/db/raw-query.js';

/** Raw SQL rows typed as the test expects them (tests assert on what comes back; src parses it). */
export async function queryRows<T>(db: Db, query: SQL): Promise<T[]> {
  return (await unchecked(db, query)) as T[];
}
