import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface DocumentColumn {
  table: string;
  name: string;
  type: string;
  constraints: string;
}

export interface DocumentIndex {
  name: string;
  table: string;
  columns: string;
}

/** The schema document checked into the repository (a copy of the specification). */
export const schemaDocumentPath = fileURLToPath(
  new URL('../../docs/spec/moodscale-database-schema.md', import.meta.url),
);

/** Reads the tables and indexes out of the schema document's markdown. */
export function readSchemaDocument(path = schemaDocumentPath): {
  columns: DocumentColumn[];
  indexes: DocumentIndex[];
} {
  const text = readFileSync(path, 'utf8');
  const columns: DocumentColumn[] = [];
  let table: string | undefined;
  for (const line of text.split('\n')) {
    const heading = /^### .*\(`([a-z_]+)`\)/.exec(line);
    if (heading) {
      table = heading[1];
      continue;
    }
    if (line.startsWith('## ')) table = undefined;
    const cells = line.split('|').map((c) => c.trim());
    if (!table || cells.length < 5 || cells[1] === 'Column' || cells[1]?.startsWith('-')) continue;
    columns.push({ table, name: cells[1]!, type: cells[2]!, constraints: cells[3]! });
  }
  const indexes = [...text.matchAll(/CREATE INDEX (\w+) ON (\w+)\(([^)]+)\);/g)].map((m) => ({
    name: m[1]!,
    table: m[2]!,
    columns: m[3]!,
  }));
  return { columns, indexes };
}
