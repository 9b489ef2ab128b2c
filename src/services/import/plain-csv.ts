/**
 * Two CSV formats without Daylio's shape.
 *
 * A plain CSV anyone can write in a spreadsheet. The first line names the columns, in any order:
 *
 *   date,score,tags,note
 *   2024-03-05,7,tired;calm,
 *   2024-03-06 21:30,4,anxious|stressed,"Long day, early night"
 *   2024-03-07T08:15:00+01:00,8,,Sunny
 *
 * - date (required): `YYYY-MM-DD` (read as noon that day), `YYYY-MM-DD HH:MM` (24-hour, in the
 *   importer's time zone), or ISO 8601 with `Z` or an offset (`2024-03-07T08:15:00+01:00`), an exact
 *   instant.
 * - score (required): a whole number from 1 to 10.
 * - tags (optional): emotions separated by `;`, `|` or `,` (a value holding commas goes in double quotes).
 * - note (optional): free text; in double quotes when it holds commas, quotes ("") or line breaks.
 *
 * Columns are matched without regard to case; any other column is refused, so a misspelt one is not
 * silently lost. The delimiter may be `,`, `;` or a tab (spreadsheets in many countries save with `;`).
 * When `note` is the last column, a row with more values than the header has the rest joined into its
 * note: what someone who left the commas in a note unquoted meant.
 *
 * And MoodScale's own CSV export (/export), recognised by its header:
 *
 *   id,created_at_utc,local_date,mood_score,emotions,note,note_unreadable
 *
 * created_at_utc is the instant; emotions are separated by "; "; a value the export defused against
 * spreadsheet formulas (a leading ' before = + - @) is read back as written.
 */
import { cleanEmotions, cleanNote, scoreFrom, scoreReason } from './clean.js';
import type { CsvRecord } from './csv-reader.js';
import { columnCountReason, columnIndexes, field } from './csv-table.js';
import { dateTimeText, resolveDay, resolveInstant, resolveLocal } from './dates.js';
import type { ImportedEntry, Problems, RowContext } from './types.js';

export const PLAIN_COLUMNS = ['date', 'score', 'tags', 'note'] as const;
export const PLAIN_REQUIRED = ['date', 'score'] as const;

export const MOODSCALE_CSV_COLUMNS = [
  'id',
  'created_at_utc',
  'local_date',
  'mood_score',
  'emotions',
  'note',
  'note_unreadable',
] as const;

const DATE_FORMS = 'write it as 2024-03-05, 2024-03-05 21:30 or 2024-03-05T21:30:00Z';

/** Why a plain CSV date can't be read, with a hint for the forms spreadsheets produce. */
function dateReason(written: string): string {
  if (written === '') return `This row has no date; ${DATE_FORMS}.`;
  const hint = /^\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}/.test(written)
    ? ' (a spreadsheet may have changed it: format the date column as text, or as yyyy-mm-dd, before saving)'
    : '';
  return `The date "${written}" can't be read; ${DATE_FORMS}${hint}.`;
}

/** The entries of a plain CSV's rows (header excluded). */
export function parsePlainCsv(
  rows: readonly CsvRecord[],
  header: readonly string[],
  delimiter: string,
  context: RowContext,
  problems: Problems,
): ImportedEntry[] {
  const columns = columnIndexes(header, PLAIN_COLUMNS);
  const noteLast = columns.note === header.length - 1;
  const entries: ImportedEntry[] = [];
  for (const record of rows) {
    const { line } = record;
    let row = record;
    if (record.fields.length > header.length) {
      const extra = record.fields.slice(header.length);
      if (!noteLast && extra.some((value) => value.trim() !== '')) {
        problems.skip(line, columnCountReason(record.fields.length, header.length));
        continue;
      }
      if (noteLast) {
        const note = record.fields.slice(columns.note).join(delimiter);
        row = { ...record, fields: [...record.fields.slice(0, columns.note), note] };
      }
    }
    const written = field(row, columns.date);
    const when = dateTimeText(written);
    if (when === null) {
      problems.skip(line, dateReason(written));
      continue;
    }
    const score = scoreFrom(field(row, columns.score));
    if (score === null) {
      problems.skip(line, scoreReason(field(row, columns.score)));
      continue;
    }
    const at =
      when.kind === 'day'
        ? resolveDay(when.day, line, context, problems)
        : when.kind === 'local'
          ? resolveLocal(when.day, when.seconds, line, context, problems)
          : resolveInstant(when.at, line, context, problems);
    if (at === null) continue;
    entries.push({
      line,
      at,
      score,
      emotions: cleanEmotions(field(row, columns.tags).split(/[;|,]/), line, problems, 'tags'),
      note: columns.note < 0 ? null : cleanNote(row.fields[columns.note] ?? '', line, problems),
    });
  }
  return entries;
}

/** A value csvField defused against formulas ('=1+1), as it was written (=1+1). */
function undefused(value: string): string {
  return /^'[=+\-@\t\r]/.test(value) ? value.slice(1) : value;
}

/** The entries of MoodScale's CSV export's rows (header excluded). */
export function parseMoodScaleCsv(
  rows: readonly CsvRecord[],
  header: readonly string[],
  context: RowContext,
  problems: Problems,
): ImportedEntry[] {
  const columns = columnIndexes(header, MOODSCALE_CSV_COLUMNS);
  const entries: ImportedEntry[] = [];
  for (const row of rows) {
    const { line } = row;
    const written = field(row, columns.created_at_utc);
    const when = dateTimeText(written);
    if (when?.kind !== 'instant') {
      problems.skip(
        line,
        `The time "${written}" in created_at_utc can't be read; it should look like 2024-03-05T20:30:00.000Z, as /export writes it.`,
      );
      continue;
    }
    const score = scoreFrom(field(row, columns.mood_score));
    if (score === null) {
      problems.skip(line, scoreReason(field(row, columns.mood_score)));
      continue;
    }
    const at = resolveInstant(when.at, line, context, problems);
    if (at === null) continue;
    const unreadable = field(row, columns.note_unreadable);
    if (unreadable !== '') {
      problems.keep(
        line,
        `The note could not be carried over (${unreadable}); the entry is imported without it.`,
      );
    }
    const note =
      unreadable === '' ? cleanNote(undefused(row.fields[columns.note] ?? ''), line, problems) : null;
    entries.push({
      line,
      at,
      score,
      emotions: cleanEmotions(undefused(field(row, columns.emotions)).split(';'), line, problems, 'emotions'),
      note,
    });
  }
  return entries;
}
