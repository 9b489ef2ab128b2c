/** Rows per table, keyed "schema.table" (e.g. "public.mood_entries", "drizzle.__drizzle_migrations"). */
export type TableCounts = Record<string, number>;

/** Anything that runs one SQL text and answers rows: a pg Client or a PGlite instance. */
export interface SqlRunner {
  query<T>(text: string): Promise<{ rows: T[] }>;
}

/** Every ordinary table outside PostgreSQL's own schemas, which is what pg_dump backs up. */
const LIST_TABLES = `
  SELECT n.nspname AS schema, c.relname AS name
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE c.relkind = 'r'
     AND n.nspname NOT IN ('pg_catalog', 'information_schema')
     AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'
   ORDER BY 1, 2`;

/** Exact row counts of every table, in one statement so that they all read the same snapshot. */
export async function countRows(runner: SqlRunner): Promise<TableCounts> {
  const { rows: tables } = await runner.query<{ schema: string; name: string }>(LIST_TABLES);
  if (tables.length === 0) return {};
  const union = tables
    .map((t, i) => `SELECT ${i} AS i, count(*)::text AS n FROM ${quoteIdent(t.schema)}.${quoteIdent(t.name)}`)
    .join(' UNION ALL ');
  const { rows } = await runner.query<{ i: number; n: string }>(union);
  const counts: TableCounts = {};
  for (const row of rows) {
    const table = tables[Number(row.i)];
    if (table) counts[`${table.schema}.${table.name}`] = Number(row.n);
  }
  return counts;
}

/** A table whose restored row count differs from the source's (undefined: the table is missing). */
export interface CountMismatch {
  table: string;
  expected: number | undefined;
  actual: number | undefined;
}

export function compareCounts(expected: TableCounts, actual: TableCounts): CountMismatch[] {
  const tables = [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort();
  return tables
    .filter((table) => expected[table] !== actual[table])
    .map((table) => ({ table, expected: expected[table], actual: actual[table] }));
}

/** Drizzle's bookkeeping is not user data: a migrated database without rows counts as empty. */
export function holdsData(counts: TableCounts): boolean {
  return Object.entries(counts).some(([table, n]) => n > 0 && !table.startsWith('drizzle.'));
}

export function totalRows(counts: TableCounts): number {
  return Object.values(counts).reduce((sum, n) => sum + n, 0);
}

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
