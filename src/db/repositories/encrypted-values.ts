import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../database.js';
import { selectRows } from '../raw-query.js';

/** A column holding values of the field cipher, and the column of the user each value is bound to. */
export interface EncryptedColumn {
  table: 'users' | 'mood_entries' | 'inbox' | 'pending_imports';
  column: 'spotify_access_token' | 'spotify_refresh_token' | 'notes' | 'payload';
  /** The column of the user a value is bound to; null for values bound to no user (userId 0). */
  userIdColumn: 'id' | 'user_id' | null;
  /** The column of the row's own key bound into the value (CipherContext.rowKey), when there is one. */
  rowKeyColumn?: 'delivery_key';
  /** Plain text here predates encryption and is encrypted by key rotation (notes); otherwise only counted. */
  encryptsPlaintext: boolean;
}

/** mood_entries.notes: the one column whose plain text predates encryption. */
export const noteColumn: EncryptedColumn = {
  table: 'mood_entries',
  column: 'notes',
  userIdColumn: 'user_id',
  encryptsPlaintext: true,
};

/**
 * Every encrypted column. The cipher's associated data uses these table and column names. inbox.payload
 * holds a delivery (with its note) until it is answered; one left by a crash waits under the key it was
 * written with, so rotation covers it too.
 */
export const encryptedColumns: readonly EncryptedColumn[] = [
  { table: 'users', column: 'spotify_access_token', userIdColumn: 'id', encryptsPlaintext: false },
  { table: 'users', column: 'spotify_refresh_token', userIdColumn: 'id', encryptsPlaintext: false },
  noteColumn,
  {
    table: 'inbox',
    column: 'payload',
    userIdColumn: null,
    rowKeyColumn: 'delivery_key',
    encryptsPlaintext: false,
  },
  // An /import's file between its preview and its confirmation (at most a day).
  { table: 'pending_imports', column: 'payload', userIdColumn: 'user_id', encryptsPlaintext: false },
];

export const columnName = (c: EncryptedColumn) => `${c.table}.${c.column}`;

export interface StoredValue {
  /** The row's id. */
  id: number;
  /** The user the value is bound to (0 for a column bound to no user). */
  userId: number;
  /** The row's own key bound into the value, for a column that has one. */
  rowKey?: string;
  value: string;
}

const storedValueRow = z.object({
  id: z.coerce.number(),
  user_id: z.coerce.number(),
  row_key: z.string().nullable(),
  value: z.string(),
});

// Names come from encryptedColumns only, never from input.
const names = (c: EncryptedColumn) => ({
  table: sql.identifier(c.table),
  column: sql.identifier(c.column),
  userId: c.userIdColumn ? sql.identifier(c.userIdColumn) : sql`0`,
  rowKey: c.rowKeyColumn ? sql.identifier(c.rowKeyColumn) : sql`NULL::text`,
});

/**
 * The next values of `column` in id order after row `afterId` (keyset pagination), at most `limit`.
 * `exceptKeyPrefix` leaves out values that start with it (those already under the current key);
 * `userId` keeps one user's values only.
 */
export async function nextStoredValues(
  db: Db,
  column: EncryptedColumn,
  options: { afterId: number; limit: number; exceptKeyPrefix?: string; userId?: number },
): Promise<StoredValue[]> {
  const n = names(column);
  if (options.userId !== undefined && !column.userIdColumn) return [];
  const rows = await selectRows(
    db,
    sql`SELECT id, ${n.userId} AS user_id, ${n.rowKey} AS row_key, ${n.column} AS value FROM ${n.table}
         WHERE id > ${options.afterId} AND ${n.column} IS NOT NULL
           ${options.exceptKeyPrefix === undefined ? sql`` : sql`AND left(${n.column}, ${options.exceptKeyPrefix.length}) <> ${options.exceptKeyPrefix}`}
           ${options.userId === undefined ? sql`` : sql`AND ${n.userId} = ${options.userId}`}
         ORDER BY id LIMIT ${options.limit}`,
    storedValueRow,
  );
  return rows.map((r) => ({
    id: r.id,
    userId: r.user_id,
    ...(r.row_key === null ? {} : { rowKey: r.row_key }),
    value: r.value,
  }));
}

export interface ValueChange extends StoredValue {
  /** What the row must still hold (and the user it must still belong to) for the change to apply. */
  next: string;
}

/**
 * Compare-and-set in one statement: each row gets `next` only if it still holds `value` and still belongs
 * to `userId`, so a value written or moved meanwhile is never overwritten. Returns the ids changed.
 */
export async function replaceStoredValues(
  db: Db,
  column: EncryptedColumn,
  changes: readonly ValueChange[],
): Promise<number[]> {
  if (changes.length === 0) return [];
  const n = names(column);
  const rows = await selectRows(
    db,
    sql`UPDATE ${n.table} AS t SET ${n.column} = v.next
          FROM unnest(${sql.param(changes.map((c) => c.id))}::int4[],
                      ${sql.param(changes.map((c) => c.userId))}::int4[],
                      ${sql.param(changes.map((c) => c.value))}::text[],
                      ${sql.param(changes.map((c) => c.next))}::text[]) AS v(id, user_id, old, next)
         WHERE t.id = v.id AND ${column.userIdColumn ? sql`t.${n.userId} = v.user_id` : sql`true`}
           AND t.${n.column} = v.old
        RETURNING t.id`,
    z.object({ id: z.coerce.number() }),
  );
  return rows.map((r) => r.id);
}

/** How many values of a column each key id protects, and how many are not ciphertext. */
export interface StoredValueCounts {
  byKeyId: Record<string, number>;
  /** Values that do not start with `enc:` (plain text). */
  plaintext: number;
  /** Values that start with `enc:` but not with `enc:v1:<8 characters>:`. */
  malformed: number;
}

/**
 * A bounded look at a column instead of the whole of it: the `ends` oldest and `ends` newest rows by id,
 * and `spread` rows at ids spaced evenly between them. All are primary-key lookups, so the cost does
 * not grow with the table; a table of up to 2 × `ends` rows is seen whole.
 */
export interface ValueSample {
  ends: number;
  spread: number;
}

/**
 * Counts the values of `column` by the key id written in each, in the database: every value (a full
 * scan), or only those of `sample` (a handful of index reads however large the table).
 */
export async function countStoredValues(
  db: Db,
  column: EncryptedColumn,
  options: { sample?: ValueSample } = {},
): Promise<StoredValueCounts> {
  const n = names(column);
  const source = options.sample ? sampledRows(column, options.sample) : n.table;
  // Prefix tests only (no regular expression per row): without a sample this reads the whole column.
  const rows = await selectRows(
    db,
    sql`SELECT kind, CASE WHEN kind = 'key' THEN substr(v, 8, 8) ELSE '' END AS bucket, count(*)::int AS n
          FROM (SELECT ${n.column} AS v,
                       CASE WHEN left(${n.column}, 7) = 'enc:v1:' AND substr(${n.column}, 16, 1) = ':' THEN 'key'
                            WHEN left(${n.column}, 4) = 'enc:' THEN 'malformed' ELSE 'plaintext' END AS kind
                  FROM ${source} AS t WHERE ${n.column} IS NOT NULL) AS stored
         GROUP BY 1, 2 ORDER BY 1, 2`,
    z.object({ kind: z.string(), bucket: z.string(), n: z.coerce.number() }),
  );
  const counts: StoredValueCounts = { byKeyId: {}, plaintext: 0, malformed: 0 };
  for (const row of rows) {
    if (row.kind === 'key') counts.byKeyId[row.bucket] = row.n;
    else if (row.kind === 'malformed') counts.malformed = row.n;
    else counts.plaintext = row.n;
  }
  return counts;
}

/** The rows of a ValueSample: id and the value, under the column's own name (UNION keeps each row once). */
function sampledRows(column: EncryptedColumn, sample: ValueSample) {
  const n = names(column);
  const ends = Math.max(1, Math.trunc(sample.ends));
  const spread = Math.max(1, Math.trunc(sample.spread));
  // Rows are taken whatever they hold (NULL too), so a mostly empty column cannot turn a LIMIT into a scan.
  const row = sql`SELECT id, ${n.column} FROM ${n.table}`;
  return sql`((${row} ORDER BY id LIMIT ${ends})
          UNION (${row} ORDER BY id DESC LIMIT ${ends})
          UNION (${row}
                  WHERE id = ANY(ARRAY(SELECT generate_series(lo, hi, greatest(1, (hi - lo) / ${spread}))
                                         FROM (SELECT min(id) AS lo, max(id) AS hi FROM ${n.table}) AS bounds))))`;
}
