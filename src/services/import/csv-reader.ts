/**
 * A CSV reader after RFC 4180, as spreadsheets and Daylio write it: fields separated by one delimiter,
 * records by CRLF, LF or a lone CR; a field in double quotes may hold the delimiter, line breaks and
 * doubled quotes (""). Lenient where real files are: a quote inside an unquoted field is kept as a
 * character, text after a closing quote is kept, blank lines are skipped.
 */

export interface CsvRecord {
  /** 1-based line of the file where the record starts. */
  line: number;
  /** The fields as written, quotes removed; line breaks inside quotes kept as they were. */
  fields: string[];
  /** True when a quoted field was never closed: it ran to the end of the file. */
  unterminated: boolean;
}

const QUOTE = 0x22;
const CR = 0x0d;
const LF = 0x0a;

/** Line breaks in `text` (CRLF counting once). */
function lineBreaks(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === LF || (c === CR && text.charCodeAt(i + 1) !== LF)) count++;
  }
  return count;
}

/** The records of `text`, one at a time, blank lines left out. */
export function* csvRecords(text: string, delimiter: string): Generator<CsvRecord> {
  const separator = delimiter.charCodeAt(0);
  const n = text.length;
  let pos = 0;
  let line = 1;
  while (pos < n) {
    const record: CsvRecord = { line, fields: [], unterminated: false };
    let blank = true;
    for (;;) {
      let value = '';
      if (text.charCodeAt(pos) === QUOTE) {
        blank = false;
        pos++;
        for (;;) {
          const close = text.indexOf('"', pos);
          if (close === -1) {
            const rest = text.slice(pos);
            value += rest;
            line += lineBreaks(rest);
            pos = n;
            record.unterminated = true;
            break;
          }
          const chunk = text.slice(pos, close);
          value += chunk;
          line += lineBreaks(chunk);
          if (text.charCodeAt(close + 1) === QUOTE) {
            value += '"';
            pos = close + 2;
          } else {
            pos = close + 1;
            break;
          }
        }
      }
      let end = pos;
      while (end < n) {
        const c = text.charCodeAt(end);
        if (c === separator || c === LF || c === CR) break;
        end++;
      }
      if (end > pos) {
        value += text.slice(pos, end);
        blank = false;
      }
      pos = end;
      record.fields.push(value);
      if (pos < n && text.charCodeAt(pos) === separator) {
        pos++;
        blank = false;
        continue;
      }
      if (pos < n) {
        pos += text.charCodeAt(pos) === CR && text.charCodeAt(pos + 1) === LF ? 2 : 1;
        line++;
      }
      break;
    }
    if (!blank) yield record;
  }
}

/** Every record of `text` (blank lines left out). */
export function readCsv(text: string, delimiter: string): CsvRecord[] {
  return [...csvRecords(text, delimiter)];
}

/** The first record (the header, when the file has one), or undefined for a file of blank lines. */
export function firstCsvRecord(text: string, delimiter: string): CsvRecord | undefined {
  for (const record of csvRecords(text, delimiter)) return record;
  return undefined;
}
