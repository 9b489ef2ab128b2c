import { type SQL, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { queryRows } from '../support/query-rows.js';
import { readSchemaDocument } from '../support/schema-document.js';
import { describeEachDatabase } from '../support/test-database.js';

interface ColumnRow {
  table_name: string;
  column_name: string;
  data_type: string;
  udt_name: string;
  is_nullable: 'YES' | 'NO';
  column_default: string | null;
}

/** information_schema's data_type for each type name the document uses. */
const documentTypes: Record<string, { dataType: string; udt: string }> = {
  SERIAL: { dataType: 'integer', udt: 'int4' },
  INTEGER: { dataType: 'integer', udt: 'int4' },
  TEXT: { dataType: 'text', udt: 'text' },
  'TEXT[]': { dataType: 'ARRAY', udt: '_text' },
  JSONB: { dataType: 'jsonb', udt: 'jsonb' },
  REAL: { dataType: 'real', udt: 'float4' },
  TIMESTAMP: { dataType: 'timestamp without time zone', udt: 'timestamp' },
};

const document = readSchemaDocument();
const documentTables = [...new Set(document.columns.map((c) => c.table))];

describe('GIVEN the schema document', () => {
  it('THEN it lists the five tables and six indexes this test checks', () => {
    expect(documentTables).toEqual([
      'users',
      'mood_entries',
      'music_analysis',
      'recommendations',
      'personality_insights',
    ]);
    expect(document.indexes).toHaveLength(6);
    expect(document.columns.every((c) => c.type in documentTypes)).toBe(true);
  });
});

describeEachDatabase('GIVEN a freshly migrated database', (getDb) => {
  const rows = <T>(query: SQL) => queryRows<T>(getDb().db, query);

  it('THEN every table of the document has exactly the documented columns, in order', async () => {
    const actual = await rows<ColumnRow>(sql`
      SELECT table_name, column_name, data_type, udt_name, is_nullable, column_default
        FROM information_schema.columns
       WHERE table_schema = 'public'
       ORDER BY table_name, ordinal_position`);
    for (const table of documentTables) {
      const documented = document.columns.filter((c) => c.table === table).map((c) => c.name);
      const present = actual.filter((c) => c.table_name === table).map((c) => c.column_name);
      expect(present, table).toEqual(documented);
    }
  });

  it('THEN each column has the documented type, nullability and default', async () => {
    const actual = await rows<ColumnRow>(sql`
      SELECT table_name, column_name, data_type, udt_name, is_nullable, column_default
        FROM information_schema.columns WHERE table_schema = 'public'`);
    for (const column of document.columns) {
      const where = `${column.table}.${column.name}`;
      const found = actual.find((c) => c.table_name === column.table && c.column_name === column.name);
      expect(found, where).toBeDefined();
      const expected = documentTypes[column.type]!;
      expect(found!.data_type, where).toBe(expected.dataType);
      expect(found!.udt_name, where).toBe(expected.udt);

      const notNull = /NOT NULL|PRIMARY KEY/.test(column.constraints);
      expect(found!.is_nullable, where).toBe(notNull ? 'NO' : 'YES');
      if (column.constraints.includes('NULLABLE')) expect(found!.is_nullable, where).toBe('YES');

      if (column.type === 'SERIAL') {
        expect(found!.column_default, where).toMatch(/^nextval\('.+_seq'::regclass\)$/);
      } else if (/DEFAULT NOW\(\)/.test(column.constraints)) {
        expect(found!.column_default, where).toBe('now()');
      } else {
        expect(found!.column_default, where).toBeNull();
      }
    }
  });

  it('THEN primary keys, unique keys and foreign keys are those the document names', async () => {
    const constraints = await rows<{
      table_name: string;
      column_name: string;
      constraint_type: string;
      target: string | null;
    }>(sql`
      SELECT tc.table_name, kcu.column_name, tc.constraint_type,
             ccu.table_name || '.' || ccu.column_name AS target
        FROM information_schema.table_constraints tc
        JOIN information_schema.key_column_usage kcu
          ON kcu.constraint_name = tc.constraint_name AND kcu.table_schema = tc.table_schema
        LEFT JOIN information_schema.constraint_column_usage ccu
          ON tc.constraint_type = 'FOREIGN KEY' AND ccu.constraint_name = tc.constraint_name
       WHERE tc.table_schema = 'public'`);
    const has = (table: string, column: string, type: string) =>
      constraints.filter(
        (c) => c.table_name === table && c.column_name === column && c.constraint_type === type,
      );

    for (const column of document.columns) {
      const where = `${column.table}.${column.name}`;
      expect(has(column.table, column.name, 'PRIMARY KEY').length, `${where} primary key`).toBe(
        column.constraints.includes('PRIMARY KEY') ? 1 : 0,
      );
      const unique = has(column.table, column.name, 'UNIQUE').length;
      if (column.constraints.includes('UNIQUE')) expect(unique, `${where} unique`).toBe(1);
      const fk = /FK to (\w+\.\w+)/.exec(column.constraints);
      const foreign = has(column.table, column.name, 'FOREIGN KEY');
      expect(
        foreign.map((f) => f.target),
        `${where} foreign key`,
      ).toEqual(fk ? [fk[1]] : []);
    }
  });

  it('THEN mood_score is checked to lie from 1 to 10', async () => {
    const checks = await rows<{ def: string }>(sql`
      SELECT pg_get_constraintdef(c.oid) AS def FROM pg_constraint c
       WHERE c.conrelid = 'mood_entries'::regclass AND c.contype = 'c'`);
    expect(checks.map((c) => c.def)).toEqual(['CHECK (((mood_score >= 1) AND (mood_score <= 10)))']);
  });

  it('THEN the six documented indexes exist with their names, tables and columns', async () => {
    const indexes = await rows<{ indexname: string; tablename: string; indexdef: string }>(sql`
      SELECT indexname, tablename, indexdef FROM pg_indexes WHERE schemaname = 'public'`);
    for (const index of document.indexes) {
      const found = indexes.find((i) => i.indexname === index.name);
      expect(found, index.name).toBeDefined();
      expect(found!.tablename, index.name).toBe(index.table);
      const columns = /USING btree \((.+)\)$/.exec(found!.indexdef)?.[1];
      expect(columns, index.name).toBe(index.columns);
    }
  });
});
