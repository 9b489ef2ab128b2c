/**
 * Which format a file is, read from its content rather than its name: a name says little once a file
 * has been renamed, mailed or re-saved. Text that parses as a JSON object is a MoodScale export; text
 * whose first line names known columns is one of the CSV formats; anything else is refused with a
 * message naming what can be imported and how to get it.
 */
import { UserError } from '../../core/errors.js';
import { firstCsvRecord } from './csv-reader.js';
import { columnName } from './csv-table.js';
import { DAYLIO_COLUMNS, DAYLIO_OLDER_COLUMNS, type DaylioVersion } from './daylio.js';
import { PLAIN_COLUMNS, PLAIN_REQUIRED } from './plain-csv.js';

/** What can be imported, and how to get each: the end of every "can't import this" message. */
export const ACCEPTED_FORMATS =
  'I can import a Daylio export (in Daylio: More > Export entries > CSV), a MoodScale export (the JSON file /export sends you), or a CSV file whose first line is date,score,tags,note (tags and note optional), e.g. 2024-03-05 21:30,7,tired;calm,long day.';

export type Detected =
  | { kind: 'json'; document: Record<string, unknown> }
  | { kind: 'daylio'; version: DaylioVersion; text: string; delimiter: string; header: string[] }
  | { kind: 'plain' | 'moodscale-csv'; text: string; delimiter: string; header: string[] };

/** Byte signatures of files people pick by mistake, and what to say about each. */
const SIGNATURES: ReadonlyArray<{ bytes: readonly number[]; what: string }> = [
  {
    bytes: [0x50, 0x4b, 0x03, 0x04],
    what: 'a zip archive: an Excel or Numbers workbook, a Daylio backup (.daylio) or a zipped folder. Save a spreadsheet as "CSV UTF-8" (File > Save As), or use Daylio\'s CSV export rather than its backup',
  },
  {
    bytes: [0xd0, 0xcf, 0x11, 0xe0],
    what: 'an old Excel workbook (.xls). Save it as "CSV UTF-8" (File > Save As)',
  },
  { bytes: [0x25, 0x50, 0x44, 0x46], what: 'a PDF document' },
  { bytes: [0x89, 0x50, 0x4e, 0x47], what: 'a PNG image' },
  { bytes: [0xff, 0xd8, 0xff], what: 'a JPEG image' },
  { bytes: [0x47, 0x49, 0x46, 0x38], what: 'a GIF image' },
  {
    bytes: [0xff, 0xfe],
    what: 'text saved as UTF-16 ("Unicode text"). Save it again as "CSV UTF-8"',
  },
  {
    bytes: [0xfe, 0xff],
    what: 'text saved as UTF-16 ("Unicode text"). Save it again as "CSV UTF-8"',
  },
];

const startsWith = (bytes: Uint8Array, prefix: readonly number[]): boolean =>
  bytes.length >= prefix.length && prefix.every((byte, i) => bytes[i] === byte);

/**
 * The file's text: UTF-8, a byte order mark removed. Refuses an empty file, a binary one (naming what
 * it looks like) and text in another encoding.
 */
export function decodeFile(name: string, bytes: Uint8Array): string {
  const known = SIGNATURES.find((signature) => startsWith(bytes, signature.bytes));
  if (known) {
    throw new UserError(`${name} is ${known.what}. ${ACCEPTED_FORMATS}`, 'IMPORT_UNKNOWN_FORMAT');
  }
  if (bytes.subarray(0, 8192).includes(0)) {
    throw new UserError(`${name} isn't a text file. ${ACCEPTED_FORMATS}`, 'IMPORT_UNKNOWN_FORMAT');
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const loose = new TextDecoder('utf-8').decode(bytes);
    const bad = loose.indexOf('\uFFFD');
    const line = bad < 0 ? 1 : loose.slice(0, bad).split('\n').length;
    throw new UserError(
      `${name} isn't UTF-8 text (line ${line} has a character in another encoding, often Windows-1252 from Excel). Save it again as "CSV UTF-8" (in Excel: File > Save As > CSV UTF-8) and import that file.`,
      'IMPORT_NOT_UTF8',
    );
  }
  if (text.trim() === '') {
    throw new UserError(`${name} is empty. ${ACCEPTED_FORMATS}`, 'IMPORT_EMPTY');
  }
  return text;
}

/** The file's format, or a UserError saying why it can't be imported. */
export function detectFormat(name: string, text: string): Detected {
  const start = text.trimStart();
  if (start.startsWith('{') || start.startsWith('[')) return detectJson(name, start);
  let refusal: UserError | undefined;
  let widest: string[] = [];
  for (const delimiter of [',', ';', '\t']) {
    const first = firstCsvRecord(text, delimiter);
    if (first === undefined) continue;
    const header = first.fields.map(columnName);
    if (header.length > widest.length) widest = header;
    const found = classifyHeader(name, header);
    if (found instanceof UserError) refusal ??= found;
    else if (found !== null) return { ...found, text, delimiter, header };
  }
  if (refusal) throw refusal;
  const shown = widest.filter((cell) => cell !== '').join(', ');
  const looksLikeData = /^\s*\d/.test(widest[0] ?? '');
  throw new UserError(
    looksLikeData
      ? `The first line of ${name} should name its columns, but it starts with data (${quoteCells(widest)}). If it is your own CSV, add the line date,score,tags,note at the top (in the order of your columns). ${ACCEPTED_FORMATS}`
      : `${name} isn't a file I know: its first line names the columns ${shown === '' ? '(none)' : quoteCells(widest)}. ${ACCEPTED_FORMATS}`,
    'IMPORT_UNKNOWN_FORMAT',
  );
}

function quoteCells(cells: readonly string[]): string {
  const shown = cells.slice(0, 10).map((cell) => (cell.length > 30 ? `${cell.slice(0, 30)}…` : cell));
  return `${shown.join(', ')}${cells.length > 10 ? ', …' : ''}`;
}

function detectJson(name: string, text: string): Detected {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new UserError(
      `${name} starts like a JSON file but isn't valid JSON (${(error as Error).message}). If it is a MoodScale export, import the file /export sent you without editing it. ${ACCEPTED_FORMATS}`,
      'IMPORT_INVALID_JSON',
    );
  }
  if (document === null || typeof document !== 'object' || Array.isArray(document)) {
    throw new UserError(
      `${name} is JSON, but not a MoodScale export. ${ACCEPTED_FORMATS}`,
      'IMPORT_UNKNOWN_FORMAT',
    );
  }
  return { kind: 'json', document: document as Record<string, unknown> };
}

type Classified =
  | { kind: 'daylio'; version: DaylioVersion }
  | { kind: 'plain' | 'moodscale-csv' }
  | UserError
  | null;

const has = (header: readonly string[], columns: readonly string[]) =>
  columns.every((c) => header.includes(c));
const list = (columns: readonly string[]) => columns.join(',');

/**
 * The CSV format a header names; a UserError when it is clearly meant as one but its columns are wrong
 * (naming those found and those expected); null when it is none of them. Empty header cells (the
 * trailing ",," a spreadsheet adds) are not columns.
 */
function classifyHeader(name: string, header: readonly string[]): Classified {
  const found = header.filter((cell) => cell !== '');
  if (header.includes('mood') && (header.includes('activities') || header.includes('weekday'))) {
    if (has(header, DAYLIO_COLUMNS)) return { kind: 'daylio', version: 'current' };
    if (has(header, DAYLIO_OLDER_COLUMNS)) return { kind: 'daylio', version: 'older' };
    return new UserError(
      `${name} looks like a Daylio export, but its columns are ${list(found)}, and a Daylio export has ${list(DAYLIO_COLUMNS)} (or ${list(DAYLIO_OLDER_COLUMNS)} from older versions). Export your entries again from Daylio (More > Export entries > CSV) and import that file without editing it.`,
      'IMPORT_WRONG_COLUMNS',
    );
  }
  if (has(header, ['created_at_utc', 'mood_score'])) return { kind: 'moodscale-csv' };
  if (header.includes('date') || header.includes('score')) {
    const missing = PLAIN_REQUIRED.filter((c) => !header.includes(c));
    const unknown = found.filter((c) => !(PLAIN_COLUMNS as readonly string[]).includes(c));
    const repeated = found.filter((c, i) => found.indexOf(c) !== i);
    if (missing.length === 0 && unknown.length === 0 && repeated.length === 0) return { kind: 'plain' };
    const why =
      missing.length > 0
        ? `it has no ${missing.join(' or ')} column`
        : unknown.length > 0
          ? `${unknown.map((c) => `"${c}"`).join(', ')} ${unknown.length === 1 ? "isn't a column" : "aren't columns"} I read`
          : `the column ${repeated[0]} appears twice`;
    return new UserError(
      `The columns of ${name} are ${list(found)}, but ${why}. A CSV file to import has the columns ${list(PLAIN_COLUMNS)} (date and score required, tags and note optional, in any order): rename or remove columns to match, e.g. a first line of date,score,tags,note.`,
      'IMPORT_WRONG_COLUMNS',
    );
  }
  return null;
}
