import { sql } from 'drizzle-orm';
import type { Db } from '../database.js';

/**
 * The SQL that raises the version of each user that `source` (a relation with a user_id column) names,
 * one row each, in user order so that two statements raising the same users lock them in the same order.
 */
export const raiseMoodVersionsSql = (source: string) =>
  `INSERT INTO mood_versions AS v (user_id, version)
           SELECT DISTINCT user_id, 1 FROM ${source} ORDER BY user_id
           ON CONFLICT (user_id) DO UPDATE SET version = v.version + 1
           RETURNING v.user_id, v.version`;

/**
 * Raises the users' mood versions (see schema/mood-versions.ts). Call it in the transaction that adds,
 * removes or moves their entries, so that no instance keeps counting the entries it remembers.
 */
export async function raiseMoodVersions(db: Db, userIds: readonly number[]): Promise<void> {
  if (userIds.length === 0) return;
  // An array literal as one text parameter: Drizzle would spread a JavaScript array into a list.
  const ids = `{${userIds.map((id) => Math.trunc(id)).join(',')}}`;
  await db.execute(
    sql`WITH listed AS (SELECT unnest(${ids}::int[]) AS user_id) ${sql.raw(raiseMoodVersionsSql('listed'))}`,
  );
}
