/**
 * Daylio's CSV export (More > Export entries > CSV), newest entry first, one row per entry:
 *
 *   full_date,date,weekday,time,mood,activities,note_title,note
 *   2024-03-05,March 5,Tuesday,9:30 PM,good,"work | friends | tired","Long day","Met <b>Sam</b>.<br>Slept early."
 *
 * `time` follows the phone's locale ("21:30", "9:30 PM", "11:54 pm"); `activities` are separated by
 * " | "; `mood` is one of the five default names or a name the user gave a mood; notes may hold the
 * little HTML Daylio's editor writes. Older versions wrote no full_date and no note_title:
 *
 *   year,date,weekday,time,mood,activities,note
 *   2018,18 May,Friday,11:54 pm,rad,"clean | cook | music","Went to a party"
 *
 * with `date` as "18 May" or "May 18" (English month names). Columns after these are ignored, so a later
 * Daylio that adds one still imports.
 */
import type { LocalDate } from '../../core/calendar/index.js';
import { cleanEmotions, cleanNote, htmlToText, storable } from './clean.js';
import type { CsvRecord } from './csv-reader.js';
import { columnCountReason, columnIndexes, field } from './csv-table.js';
import { calendarDate, isoDate, resolveLocal, timeOfDay } from './dates.js';
import type { ImportedEntry, Problems, RowContext } from './types.js';

/**
 * Scores for Daylio's five default moods. Daylio's faces are equally spaced (its own averages count
 * them 1 to 5); spread linearly over MoodScale's 1..10 they fall at 1, 3.25, 5.5, 7.75 and 10, rounded
 * half up here to 1, 3, 6, 8, 10. A linear map keeps the shape of a history: a week that averaged
 * "good" in Daylio averages about 8 here, and the trend charts move as Daylio's did.
 * Any other mood name is a custom mood, whose score the user gives (ParseImportInput.moodMap).
 */
export const DAYLIO_DEFAULT_SCORES: Readonly<Record<string, number>> = Object.freeze({
  rad: 10,
  good: 8,
  meh: 6,
  bad: 3,
  awful: 1,
});

/** The columns of the current export. */
export const DAYLIO_COLUMNS = [
  'full_date',
  'date',
  'weekday',
  'time',
  'mood',
  'activities',
  'note_title',
  'note',
] as const;

/** The columns of exports from older versions. */
export const DAYLIO_OLDER_COLUMNS = [
  'year',
  'date',
  'weekday',
  'time',
  'mood',
  'activities',
  'note',
] as const;

export type DaylioVersion = 'current' | 'older';

/** A mood name as a moodMap key: NFC, lower case, inner whitespace collapsed, trimmed. */
export function moodKey(name: string): string {
  return name.normalize('NFC').toLowerCase().replace(/\s+/g, ' ').trim();
}

/** The score of a mood name: the user's map first, then the defaults, else null (custom, unmapped). */
export function daylioScore(
  key: string,
  moodMap: Readonly<Record<string, number>> | undefined,
): number | null {
  if (moodMap !== undefined && Object.hasOwn(moodMap, key)) return moodMap[key]!;
  return Object.hasOwn(DAYLIO_DEFAULT_SCORES, key) ? DAYLIO_DEFAULT_SCORES[key]! : null;
}

const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];

/** 1..12 for an English month name or its abbreviation of three letters or more ("Mar", "Sept."). */
function monthNumber(word: string): number | null {
  const w = word.toLowerCase();
  if (w.length < 3) return null;
  const index = MONTHS.findIndex((month) => month.startsWith(w));
  return index === -1 ? null : index + 1;
}

/** The date of an older export's `year` and `date` ("18 May", "May 18", "18. May", "May 18th"). */
function olderDate(year: string, date: string): LocalDate | null {
  if (!/^\d{4}$/.test(year)) return null;
  const text = date.trim();
  const dayFirst = /^(\d{1,2})\.?\s+([a-z]+)\.?$/i.exec(text);
  const monthFirst = /^([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?$/i.exec(text);
  const [day, month] = dayFirst
    ? [dayFirst[1]!, dayFirst[2]!]
    : monthFirst
      ? [monthFirst[2]!, monthFirst[1]!]
      : [null, null];
  if (day === null || month === null) return null;
  const m = monthNumber(month);
  return m === null ? null : calendarDate(Number(year), m, Number(day));
}

const REEXPORT =
  'export the entries again from Daylio (More > Export entries > CSV) and import that file unchanged';

/** The entries of a Daylio export's rows (header excluded); problems for the rows that can't be read. */
export function parseDaylio(
  rows: readonly CsvRecord[],
  header: readonly string[],
  version: DaylioVersion,
  context: RowContext,
  moodMap: Readonly<Record<string, number>> | undefined,
  problems: Problems,
): ImportedEntry[] {
  const columns = columnIndexes(header, [...DAYLIO_COLUMNS, 'year']);
  const expected = version === 'current' ? DAYLIO_COLUMNS.length : DAYLIO_OLDER_COLUMNS.length;
  const entries: ImportedEntry[] = [];
  for (const row of rows) {
    const { line } = row;
    if (row.fields.length < expected) {
      problems.skip(line, columnCountReason(row.fields.length, header.length));
      continue;
    }
    const day =
      version === 'current'
        ? isoDate(field(row, columns.full_date))
        : olderDate(field(row, columns.year), field(row, columns.date));
    if (day === null) {
      const written =
        version === 'current'
          ? field(row, columns.full_date)
          : `${field(row, columns.date)} ${field(row, columns.year)}`.trim();
      problems.skip(line, `The date "${written}" can't be read; ${REEXPORT}, or fix the date on this row.`);
      continue;
    }
    const time = timeOfDay(field(row, columns.time));
    if (time === null) {
      problems.skip(
        line,
        `The time "${field(row, columns.time)}" can't be read; write it as 21:30 or 9:30 PM, or ${REEXPORT}.`,
      );
      continue;
    }
    const moodName = storable(field(row, columns.mood)).text.replace(/\s+/g, ' ').trim();
    if (moodName === '') {
      problems.skip(line, 'This row has no mood; every Daylio entry has one, so the row may be damaged.');
      continue;
    }
    const at = resolveLocal(day, time, line, context, problems);
    if (at === null) continue;
    const activities = field(row, columns.activities).split('|');
    const title = columns.note_title < 0 ? '' : htmlToText(field(row, columns.note_title)).trim();
    const body = htmlToText(field(row, columns.note)).trim();
    entries.push({
      line,
      at,
      score: daylioScore(moodKey(moodName), moodMap),
      moodName,
      emotions: cleanEmotions(activities, line, problems, 'activities'),
      note: cleanNote([title, body].filter((part) => part !== '').join('\n'), line, problems),
    });
  }
  return entries;
}
