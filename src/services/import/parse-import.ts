/**
 * The parsers behind /import: a file's bytes in, its entries (and, from a MoodScale export, settings and
 * shared tracks) out, with every row that could not be read as a problem naming its line. Pure: no
 * database, no clock. A file that can't be imported at all (too big, too many entries, an unknown
 * format or wrong columns, someone else's export, no readable row) is a UserError that says how to fix it.
 */
import { quote } from '../../core/commands/text.js';
import { UserError } from '../../core/errors.js';
import { readCsv } from './csv-reader.js';
import { dataRecords, isBlankRecord } from './csv-table.js';
import { daylioScore, moodKey, parseDaylio } from './daylio.js';
import { ACCEPTED_FORMATS, decodeFile, detectFormat } from './detect-format.js';
import { looksLikeMoodScaleExport, parseMoodScaleExport, tooManyEntries } from './moodscale-export.js';
import { parseMoodScaleCsv, parsePlainCsv } from './plain-csv.js';
import {
  type ImportedEntry,
  type ParsedImport,
  type ParseImportInput,
  Problems,
  type RowContext,
} from './types.js';

export { DAYLIO_DEFAULT_SCORES } from './daylio.js';
export type {
  ImportedEntry,
  ImportedSettings,
  ImportedShare,
  ImportFormat,
  ImportProblem,
  ParsedImport,
  ParseImportInput,
} from './types.js';

/** How many unreadable rows the "nothing could be read" refusal quotes. */
const QUOTED_PROBLEMS = 3;

/**
 * Reads an uploaded file. Throws a UserError for a whole-file refusal; a row that can't be read is a
 * problem and the rest are still read.
 */
export function parseImportFile(input: ParseImportInput): ParsedImport {
  const name = input.name.trim() === '' ? 'The file' : quote(input.name);
  if (input.bytes.length > input.limits.maxBytes) {
    throw new UserError(
      `${name} is ${size(input.bytes.length)}, more than the ${size(input.limits.maxBytes)} one import takes. Split it into smaller files (a CSV file: keep the header line at the top of each part) and import them one after another.`,
      'IMPORT_TOO_LARGE',
    );
  }
  const moodMap = input.moodMap === undefined ? undefined : checkedMoodMap(input.moodMap);
  const detected = detectFormat(name, decodeFile(name, input.bytes));
  const context: RowContext = { timeZone: input.timeZone, now: input.now };
  const problems = new Problems();

  if (detected.kind === 'json') {
    if (!looksLikeMoodScaleExport(detected.document)) {
      throw new UserError(
        `${name} is JSON, but not a MoodScale export. ${ACCEPTED_FORMATS}`,
        'IMPORT_UNKNOWN_FORMAT',
      );
    }
    const { entries, settings, shares } = parseMoodScaleExport(
      name,
      detected.document,
      input,
      context,
      problems,
    );
    if (entries.length === 0 && shares.length === 0) throw nothingReadable(name, problems, 'entry');
    return {
      format: 'moodscale',
      entries,
      problems: inLineOrder(problems),
      unmappedMoods: [],
      settings,
      shares,
    };
  }

  const records = readCsv(detected.text, detected.delimiter);
  const count = records.slice(1).filter((record) => !isBlankRecord(record)).length;
  if (count > input.limits.maxEntries) throw tooManyEntries(name, count, input);
  const rows = dataRecords(records, problems);
  const entries =
    detected.kind === 'daylio'
      ? parseDaylio(rows, detected.header, detected.version, context, moodMap, problems)
      : detected.kind === 'plain'
        ? parsePlainCsv(rows, detected.header, detected.delimiter, context, problems)
        : parseMoodScaleCsv(rows, detected.header, context, problems);
  if (entries.length === 0) throw nothingReadable(name, problems, 'line');
  return {
    format: detected.kind === 'daylio' ? 'daylio' : 'csv',
    entries,
    problems: inLineOrder(problems),
    unmappedMoods: unmappedMoods(entries),
  };
}

/** The problems in file order (a row's own problems in the order found). */
function inLineOrder(problems: Problems): Problems['items'] {
  return problems.items
    .map((problem, index) => ({ problem, index }))
    .sort((a, b) => a.problem.line - b.problem.line || a.index - b.index)
    .map(({ problem }) => problem);
}

/**
 * The parse with scores given to Daylio moods: `map` (mood name, lower-cased, to 1..10) scores every
 * entry whose mood it names, a default mood too when it is in the map; unmappedMoods is recounted.
 * Throws a UserError for a score outside 1..10.
 */
export function applyMoodMap(parsed: ParsedImport, map: Readonly<Record<string, number>>): ParsedImport {
  const moodMap = checkedMoodMap(map);
  const entries = parsed.entries.map((entry) => {
    if (entry.moodName === undefined) return entry;
    const key = moodKey(entry.moodName);
    return Object.hasOwn(moodMap, key) ? { ...entry, score: daylioScore(key, moodMap) } : entry;
  });
  return { ...parsed, entries, unmappedMoods: unmappedMoods(entries) };
}

/** The map with its keys as moodKey makes them; a UserError for a score that isn't 1..10. */
function checkedMoodMap(map: Readonly<Record<string, number>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [mood, score] of Object.entries(map)) {
    if (!Number.isInteger(score) || score < 1 || score > 10) {
      throw new UserError(
        `The score for the Daylio mood ${quote(mood)} must be a whole number from 1 to 10 (you gave ${quote(score)}).`,
        'INVALID_INPUT',
      );
    }
    out[moodKey(mood)] = score;
  }
  return out;
}

/** Custom Daylio moods without a score, by moodMap key, in order of first appearance. */
function unmappedMoods(entries: readonly ImportedEntry[]): Array<{ name: string; rows: number }> {
  const counts = new Map<string, number>();
  for (const entry of entries) {
    if (entry.score !== null || entry.moodName === undefined) continue;
    const key = moodKey(entry.moodName);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([name, rows]) => ({ name, rows }));
}

/**
 * The refusal for a file none of whose rows could be read, quoting the first few reasons (`unit` names
 * a problem's position: "line" in a CSV file, "entry" in an export).
 */
function nothingReadable(name: string, problems: Problems, unit: 'line' | 'entry'): UserError {
  const skipped = problems.items.filter((problem) => problem.kept !== true);
  if (skipped.length === 0) {
    return new UserError(
      unit === 'line'
        ? `${name} has no entries, only its header line. Add rows below the header, or export again from the app you use, and import the file again.`
        : `${name} has no mood entries or shared tracks to import.`,
      'IMPORT_NO_ROWS',
    );
  }
  const quoted = skipped
    .slice(0, QUOTED_PROBLEMS)
    .map((problem) => `\n• ${problem.line > 0 ? `${unit} ${problem.line}: ` : ''}${problem.reason}`);
  const more = skipped.length > QUOTED_PROBLEMS ? `\n• …and ${skipped.length - QUOTED_PROBLEMS} more.` : '';
  return new UserError(
    `No entry of ${name} could be read:${quoted.join('')}${more}\nFix these and import the file again.`,
    'IMPORT_NO_ROWS',
  );
}

/** "5 MB", "7.2 MB", "800 KB". */
function size(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  if (mb >= 1) return `${mb.toFixed(1).replace(/\.0$/, '')} MB`;
  return `${Math.ceil(bytes / 1024)} KB`;
}
