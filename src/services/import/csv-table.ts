/** What every CSV format shares: its header, and the records that are rows to read. */
import type { CsvRecord } from './csv-reader.js';
import type { Problems } from './types.js';

/** A header cell as compared: trimmed, lower case, a leading byte order mark removed. */
export function columnName(cell: string): string {
  return cell
    .replace(/^\uFEFF/, '')
    .trim()
    .toLowerCase();
}

/** True for a record whose every field is blank (",,,": an empty spreadsheet row). */
export function isBlankRecord(record: CsvRecord): boolean {
  return record.fields.every((field) => field.trim() === '');
}

/**
 * The records after the header that are rows to read. Blank rows are passed over; a repeat of the header
 * (two exports pasted together) and a record whose quote is never closed are problems.
 */
export function dataRecords(records: readonly CsvRecord[], problems: Problems): CsvRecord[] {
  const [head, ...rest] = records;
  if (head === undefined) return [];
  const header = head.fields.map(columnName).join('\u0000');
  const rows: CsvRecord[] = [];
  for (const record of rest) {
    if (isBlankRecord(record)) continue;
    if (record.fields.map(columnName).join('\u0000') === header) {
      problems.skip(
        record.line,
        'This line repeats the header line (two files pasted together?); it was skipped.',
      );
      continue;
    }
    if (record.unterminated) {
      problems.skip(
        record.line,
        'A value in double quotes starts on this line and is never closed, so this line and everything after it could not be read; add the missing closing quote (") and import the file again.',
      );
      continue;
    }
    rows.push(record);
  }
  return rows;
}

/** Index of each wanted column in the header (-1 when absent). */
export function columnIndexes<const K extends string>(
  header: readonly string[],
  wanted: readonly K[],
): Record<K, number> {
  const out = {} as Record<K, number>;
  for (const name of wanted) out[name] = header.indexOf(name);
  return out;
}

/** The trimmed field at `index`, '' when the row is shorter or the column absent. */
export function field(record: CsvRecord, index: number): string {
  return index < 0 ? '' : (record.fields[index] ?? '').trim();
}

/** "has 5 values where the header has 8" problem text. */
export function columnCountReason(found: number, expected: number): string {
  return `This row has ${found} ${found === 1 ? 'value' : 'values'} where the header has ${expected}; a comma or a quote is probably out of place (a value containing commas or line breaks must be in double quotes).`;
}
